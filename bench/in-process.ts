/**
 * Calling the Lambda handlers in this process with the events API Gateway would build, against a
 * local stack started in this process: what the round-trip count and the CPU figures share.
 */
import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { generateSync } from "otplib";
import { createLambdaContext, type LambdaHandler, lazyHandler } from "../infra/local/lambda.js";
import { type LocalStack, PROJECT_ROOT } from "../infra/local/stack.js";

export function event(
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

export async function invoke(
  module: string,
  request: APIGatewayProxyEventV2,
  /** Runs the call, e.g. inside a scope that records it. */
  around: <T>(call: () => Promise<T>) => Promise<T> = (call) => call(),
) {
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
  const result = await around(call);
  return {
    status: result.statusCode ?? 0,
    body: result.body ? (JSON.parse(result.body) as unknown) : null,
  };
}

/** The code in the first message to `to` after the `seen` ones, once the stand-in has it. */
export async function nextCode(stack: LocalStack, to: string, seen: number): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const message = (await stack.messages()).filter((m) => m.to === to)[seen];
    const code = message?.body.match(/(?<!\d)\d{6}(?!\d)/g)?.at(-1);
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no code reached ${to}`);
}

export function expectStatus(what: string, got: { status: number; body: unknown }, want: number) {
  if (got.status !== want) {
    throw new Error(`${what}: ${got.status} ${JSON.stringify(got.body)}, expected ${want}`);
  }
}

export const BENCH_PASSWORD = "bench password 123";

/**
 * Registers `username` and links an authenticator app with the previous step's code, so that
 * the current step's code is still unused. Returns the app's secret.
 */
export async function userWithAuthenticatorApp(username: string): Promise<string> {
  const body = { username, password: BENCH_PASSWORD };
  expectStatus(
    "app user",
    await invoke("functions/api/create-customer", event("POST", "/v1/customers", body)),
    201,
  );
  const signedIn = await invoke(
    "functions/api/token",
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
  await awayFromStepEnd();
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
  return secret;
}

/** Waits out the last seconds of a TOTP step, so that a code made now is not stale on arrival. */
export async function awayFromStepEnd() {
  if ((Date.now() / 1000) % 30 > 26) await new Promise((resolve) => setTimeout(resolve, 4_500));
}

/** Starts a password sign-in for `username`; returns its id. */
export async function startSignIn(username: string): Promise<string> {
  const started = await invoke(
    "functions/api/create-sign-in",
    event("POST", "/v1/sign_ins", { identifier: username, password: BENCH_PASSWORD }),
  );
  expectStatus("sign-in", started, 200);
  return String((started.body as { id: string }).id);
}

/** The `attempt_second_factor` request finishing sign-in `id` with the app's current code. */
export function totpAttempt(id: string, secret: string): APIGatewayProxyEventV2 {
  return event(
    "POST",
    `/v1/sign_ins/${id}/attempt_second_factor`,
    { strategy: "totp", code: generateSync({ secret, epoch: Math.floor(Date.now() / 1000) }) },
    { pathParameters: { id } },
  );
}
