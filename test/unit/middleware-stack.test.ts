/**
 * The API's middleware runner answers as `@middy/core` does for the same middlewares: order,
 * early responses, the error stack, unhandled errors and the early timeout.
 */
import middy from "@middy/core";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { withMiddlewares } from "../../functions/api/middlewares/stack.js";
import type { ApiContext, ApiEvent, ApiMiddleware } from "../../functions/api/middlewares/types.js";

type Result = APIGatewayProxyStructuredResultV2;
type Handler = (event: ApiEvent, context: ApiContext) => Promise<Result>;

const event = { headers: {} } as unknown as ApiEvent;

/** Both runners over fresh middlewares from `make`, each with its own trace. */
async function both(
  make: (trace: string[]) => { middlewares: ApiMiddleware[]; handler: Handler },
  context = {} as ApiContext,
) {
  const settle = async (run: () => Promise<Result>, trace: string[]) => {
    try {
      return { response: await run(), trace };
    } catch (error) {
      return { thrown: (error as Error).message, name: (error as Error).name, trace };
    }
  };
  const ours: string[] = [];
  const theirs: string[] = [];
  const a = make(ours);
  const b = make(theirs);
  const reference = middy<ApiEvent, Result, Error, ApiContext>()
    .use(b.middlewares)
    .handler(b.handler);
  return {
    ours: await settle(() => withMiddlewares(a.middlewares, a.handler)(event, context), ours),
    middy: await settle(() => reference(event, context), theirs),
  };
}

const tracing = (
  trace: string[],
  name: string,
  overrides: Partial<ApiMiddleware> = {},
): ApiMiddleware => ({
  before: async () => void trace.push(`${name}.before`),
  after: async () => void trace.push(`${name}.after`),
  onError: async () => void trace.push(`${name}.onError`),
  ...overrides,
});

describe("withMiddlewares", () => {
  it("runs before in order, after in reverse, around the handler", async () => {
    const { ours, middy: reference } = await both((trace) => ({
      middlewares: [tracing(trace, "a"), tracing(trace, "b")],
      handler: async () => {
        trace.push("handler");
        return { statusCode: 200 };
      },
    }));
    expect(ours).toEqual(reference);
    expect(ours.trace).toEqual(["a.before", "b.before", "handler", "b.after", "a.after"]);
  });

  it("ends at a before's response without running the handler", async () => {
    const { ours, middy: reference } = await both((trace) => ({
      middlewares: [
        tracing(trace, "a", { before: async () => ({ statusCode: 204 }) }),
        tracing(trace, "b"),
      ],
      handler: async () => {
        trace.push("handler");
        return { statusCode: 200 };
      },
    }));
    expect(ours).toEqual(reference);
    expect(ours.response).toEqual({ statusCode: 204 });
  });

  it("answers an error with the onError stack, in reverse", async () => {
    const { ours, middy: reference } = await both((trace) => ({
      middlewares: [
        tracing(trace, "a", {
          onError: async (request) => {
            trace.push("a.onError");
            request.response = { statusCode: 400, body: request.error?.message ?? "" };
          },
        }),
        tracing(trace, "b"),
      ],
      handler: async () => {
        throw new Error("bad");
      },
    }));
    expect(ours).toEqual(reference);
    expect(ours.trace).toEqual(["a.before", "b.before", "b.onError", "a.onError"]);
    expect(ours.response).toEqual({ statusCode: 400, body: "bad" });
  });

  it("throws an error no onError answers, and one an onError throws", async () => {
    const unanswered = await both((trace) => ({
      middlewares: [tracing(trace, "a")],
      handler: async () => {
        throw new Error("lost");
      },
    }));
    expect(unanswered.ours).toEqual(unanswered.middy);
    expect(unanswered.ours.thrown).toBe("lost");
    const rethrown = await both((trace) => ({
      middlewares: [
        tracing(trace, "a", {
          onError: async () => {
            throw new Error("again");
          },
        }),
      ],
      handler: async () => {
        throw new Error("first");
      },
    }));
    expect(rethrown.ours).toEqual(rethrown.middy);
    expect(rethrown.ours.thrown).toBe("again");
  });

  it("answers with middy's timeout error just before Lambda's deadline", async () => {
    const context = { getRemainingTimeInMillis: () => 30 } as unknown as ApiContext;
    const { ours, middy: reference } = await both(
      (trace) => ({
        middlewares: [tracing(trace, "a")],
        handler: () =>
          new Promise<Result>((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 200)),
      }),
      context,
    );
    expect(ours).toEqual(reference);
    expect(ours).toMatchObject({ name: "TimeoutError", trace: ["a.before", "a.onError"] });
  });
});
