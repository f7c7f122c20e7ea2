/**
 * Storage round trips per operation: the DynamoDB and SNS calls one request makes, how many of
 * them run one after another (rounds) and how many at once at most (parallelism). Counts, not
 * timings: the same on any machine.
 *
 * The local stack runs in this process and each operation's handler is called directly with the
 * event API Gateway would build, inside an AsyncLocalStorage scope; an SDK middleware on the
 * shared DynamoDB and SNS clients records the calls made in that scope. Work that the request
 * only triggers (the notifier behind the SNS topic) runs in the stand-in's own scope and is not
 * counted.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { generateSync } from "otplib";
import { documentClient } from "../functions/adapters/dynamo.js";
import { snsClient } from "../functions/adapters/event-publisher.js";
import { createLambdaContext, type LambdaHandler, lazyHandler } from "../infra/local/lambda.js";
import { type LocalStack, PROJECT_ROOT, startLocalStack } from "../infra/local/stack.js";

/** The ceiling on sequential DynamoDB rounds for these operations. */
export const ROUND_LIMIT = 3;

interface Call {
  service: "dynamodb" | "sns";
  command: string;
  round: number;
}

class Recorder {
  readonly calls: Call[] = [];
  private inFlight = 0;
  private rounds = 0;
  maxParallel = 0;

  async record<T>(service: Call["service"], command: string, send: () => Promise<T>): Promise<T> {
    // A call that starts while another is in flight shares its round.
    if (this.inFlight === 0) this.rounds++;
    this.calls.push({ service, command, round: this.rounds });
    this.inFlight++;
    this.maxParallel = Math.max(this.maxParallel, this.inFlight);
    try {
      return await send();
    } finally {
      this.inFlight--;
    }
  }

  summary() {
    const dynamo = this.calls.filter((c) => c.service === "dynamodb");
    return {
      dynamoCalls: dynamo.length,
      dynamoRounds: new Set(dynamo.map((c) => c.round)).size,
      snsCalls: this.calls.filter((c) => c.service === "sns").length,
      rounds: this.rounds,
      maxParallel: this.maxParallel,
      commands: this.calls.map((c) => `${c.round}:${c.command}`).join(" "),
    };
  }
}

const scope = new AsyncLocalStorage<Recorder>();

function countCalls(
  service: Call["service"],
  stack: ReturnType<typeof snsClient>["middlewareStack"],
) {
  stack.add(
    (next, context) => (args) => {
      const recorder = scope.getStore();
      const command = String(context.commandName ?? "?").replace(/Command$/, "");
      return recorder ? recorder.record(service, command, () => next(args)) : next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
}

function event(
  method: string,
  path: string,
  body: unknown,
  { pathParameters = {}, token }: { pathParameters?: Record<string, string>; token?: string } = {},
): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: {
      "content-type": "application/json",
      host: "127.0.0.1",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "127",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.9", userAgent: "bench" },
      requestId: randomUUID(),
      routeKey: `${method} ${path}`,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

const handlers = new Map<string, () => Promise<LambdaHandler>>();

async function invoke(module: string, request: APIGatewayProxyEventV2, recorder?: Recorder) {
  let load = handlers.get(module);
  if (!load) {
    load = lazyHandler(PROJECT_ROOT, module);
    handlers.set(module, load);
  }
  const handler = await load();
  const call = () =>
    handler(
      request as never,
      createLambdaContext(module, 30_000),
    ) as Promise<APIGatewayProxyStructuredResultV2>;
  const result = recorder ? await scope.run(recorder, call) : await call();
  return {
    status: result.statusCode ?? 0,
    body: result.body ? (JSON.parse(result.body) as unknown) : null,
  };
}

/** The code in the first message to `to` after the `seen` ones, once the stand-in has it. */
async function nextCode(stack: LocalStack, to: string, seen: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const message = (await stack.messages()).filter((m) => m.to === to)[seen];
    const code = message?.body.match(/(?<!\d)\d{6}(?!\d)/g)?.at(-1);
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no code reached ${to}`);
}

function expectStatus(what: string, got: { status: number; body: unknown }, want: number) {
  if (got.status !== want) {
    throw new Error(`${what}: ${got.status} ${JSON.stringify(got.body)}, expected ${want}`);
  }
}

/** One measured request per operation, on a fresh in-memory stack. */
export async function roundTrips() {
  const stack = await startLocalStack({ dataDir: null, port: 0 });
  try {
    countCalls("dynamodb", documentClient().middlewareStack);
    countCalls("sns", snsClient().middlewareStack);
    const results: Record<string, ReturnType<Recorder["summary"]>> = {};
    const measured = async (
      name: string,
      module: string,
      request: APIGatewayProxyEventV2,
      want: number,
    ) => {
      const recorder = new Recorder();
      expectStatus(name, await invoke(module, request, recorder), want);
      results[name] = recorder.summary();
    };

    const tag = String(Date.now()).slice(-8);
    const phone = `+336${tag}`;
    const codes = "functions/api/create-phone-verification-code";
    await measured(
      "POST /v1/phone_verification_codes",
      codes,
      event("POST", "/v1/phone_verification_codes", { phoneNumber: phone }),
      204,
    );

    const username = `bench_${tag}`;
    const password = "bench password 123";
    const created = await invoke(
      "functions/api/create-customer",
      event("POST", "/v1/customers", {
        username,
        password,
        authMethod: "tfa_sms",
        phoneNumber: phone,
        phoneVerificationCode: await nextCode(stack, phone, 0),
      }),
    );
    expectStatus("POST /v1/customers", created, 201);

    const token = "functions/api/token";
    const grant = (extra: object = {}) =>
      event("POST", "/v1/token", { grant_type: "password", username, password, ...extra });
    expectStatus("otp_required", await invoke(token, grant()), 400);
    await measured(
      "/v1/token password + otp",
      token,
      grant({ otp: await nextCode(stack, phone, 1) }),
      200,
    );

    await measured(
      "POST /v1/sign_ins",
      "functions/api/create-sign-in",
      event("POST", "/v1/sign_ins", { identifier: username, password }),
      200,
    );

    // A user with a linked authenticator app, then a sign-in finished with the app's code.
    const appUser = `bench_app_${tag}`;
    const customers = "functions/api/create-customer";
    const body = { username: appUser, password };
    expectStatus("app user", await invoke(customers, event("POST", "/v1/customers", body)), 201);
    const signedIn = await invoke(
      token,
      event("POST", "/v1/token", { grant_type: "password", ...body }),
    );
    expectStatus("app user token", signedIn, 200);
    const access = String((signedIn.body as { access_token: string }).access_token);
    const setup = await invoke(
      "functions/api/tfa-app-setup",
      event("GET", "/api/2.0/settings/tfaapp/setup", undefined, { token: access }),
    );
    expectStatus("tfa app setup", setup, 200);
    const key = (setup.body as { response: { manualEntryKey: string } }).response.manualEntryKey;
    const secret = key.replace(/\s+/g, "");
    // Link with the previous step's code, sign in with the current one (both accepted, ±1 step),
    // away from the end of a step so that neither goes stale on the way.
    if ((Date.now() / 1000) % 30 > 26) await new Promise((resolve) => setTimeout(resolve, 4_500));
    const epoch = Math.floor(Date.now() / 1000);
    expectStatus(
      "tfa app validate",
      await invoke(
        "functions/api/tfa-app-validate",
        event(
          "POST",
          "/api/2.0/settings/tfaapp/validate",
          { code: generateSync({ secret, epoch: epoch - 30 }) },
          { token: access },
        ),
      ),
      200,
    );
    const started = await invoke(
      "functions/api/create-sign-in",
      event("POST", "/v1/sign_ins", { identifier: appUser, password }),
    );
    expectStatus("app user sign-in", started, 200);
    const id = String((started.body as { id: string }).id);
    await measured(
      "attempt_second_factor (totp)",
      "functions/api/attempt-sign-in-second-factor",
      event(
        "POST",
        `/v1/sign_ins/${id}/attempt_second_factor`,
        { strategy: "totp", code: generateSync({ secret, epoch }) },
        { pathParameters: { id } },
      ),
      200,
    );
    return results;
  } finally {
    await stack.stop();
  }
}
