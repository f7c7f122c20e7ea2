/**
 * Runs the API's middlewares around a handler as `@middy/core` 6 does for a non-streamed
 * response (the order, early responses, the error stack and the early timeout below), without
 * what this service never uses: middy's core imports `node:stream/web` and
 * `node:stream/promises` for streamed responses, which every API cold start would load.
 *
 * `before` runs in the order the middlewares are given; `after` and `onError` in reverse. A
 * middleware that returns a value ends its stack with that response (and the handler does not
 * run when a `before` did). An error anywhere goes to the `onError` stack, whose response is
 * the answer; an error it leaves without a response is thrown to Lambda.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { ApiContext, ApiEvent, ApiMiddleware } from "./types.js";

type Result = APIGatewayProxyStructuredResultV2;
type Step = NonNullable<ApiMiddleware["before"]>;
type MiddyRequest = Parameters<Step>[0];
/** middy's request as it is at run time: no response or error is `undefined`. */
type Request = Omit<MiddyRequest, "response" | "error"> & {
  response: Result | undefined;
  error: Error | undefined;
  earlyResponse?: Result;
};

/** middy's `timeoutEarlyInMillis`: answer this long before Lambda would stop the function. */
const TIMEOUT_EARLY_MS = 5;

async function runSteps(request: Request, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    const result = await step(request as unknown as MiddyRequest);
    if (result !== undefined) request.earlyResponse = result as Result;
    if (Object.hasOwn(request, "earlyResponse")) {
      request.response = request.earlyResponse as Result;
      return;
    }
  }
}

/** The error middy answers with when the handler runs into the function's timeout. */
function timeoutError(): Error {
  const error = new Error("[AbortError]: The operation was aborted.", {
    cause: { package: "@middy/core" },
  });
  error.name = "TimeoutError";
  return error;
}

export function withMiddlewares(
  middlewares: readonly ApiMiddleware[],
  handler: (event: ApiEvent, context: ApiContext) => Promise<Result>,
): (event: ApiEvent, context: ApiContext) => Promise<Result> {
  const before = middlewares.flatMap((m) => (m.before ? [m.before] : []));
  const after = middlewares.flatMap((m) => (m.after ? [m.after] : [])).reverse();
  const onError = middlewares.flatMap((m) => (m.onError ? [m.onError] : [])).reverse();

  return async (event = {} as ApiEvent, context = {} as ApiContext) => {
    const request: Request = {
      event,
      context,
      response: undefined,
      error: undefined,
      internal: {},
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await runSteps(request, before);
      if (!Object.hasOwn(request, "earlyResponse")) {
        const answers = [handler(request.event, request.context)];
        // Lambda's context only: tests and the local stack's may not have it.
        if (typeof context.getRemainingTimeInMillis === "function") {
          answers.push(
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(timeoutError()),
                context.getRemainingTimeInMillis() - TIMEOUT_EARLY_MS,
              );
            }),
          );
        }
        request.response = await Promise.race(answers);
        clearTimeout(timer);
        await runSteps(request, after);
      }
    } catch (error) {
      clearTimeout(timer);
      request.response = undefined;
      request.error = error as Error;
      try {
        await runSteps(request, onError);
      } catch (unhandled) {
        (unhandled as Error & { originalError?: unknown }).originalError = request.error;
        request.error = unhandled as Error;
        throw request.error;
      }
      if (request.response === undefined) throw request.error;
    }
    return request.response as Result;
  };
}
