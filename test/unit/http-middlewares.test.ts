/**
 * Each middleware of the API's middy stack on its own, in middy's style: `middy(handler)` with
 * the one middleware under test, an API Gateway event, no server.
 */
import middy from "@middy/core";
import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, ERROR_MESSAGES, HTTP_STATUS } from "../../functions/api/http.js";
import { authentication } from "../../functions/api/middlewares/authentication.js";
import { bodyLimit } from "../../functions/api/middlewares/body-limit.js";
import { bodyParser } from "../../functions/api/middlewares/body-parser.js";
import { errorMapping } from "../../functions/api/middlewares/error-mapping.js";
import { mediaKindOf, mediaType } from "../../functions/api/middlewares/media-type.js";
import { toResult } from "../../functions/api/middlewares/response.js";
import type { ApiContext, ApiEvent, ApiMiddleware } from "../../functions/api/middlewares/types.js";
import { validation } from "../../functions/api/middlewares/validation.js";
import { DomainError } from "../../functions/core/errors.js";
import type { User } from "../../functions/core/users.js";

function event(options: { body?: string; headers?: Record<string, string> } = {}): ApiEvent {
  return {
    version: "2.0",
    routeKey: "POST /v1/things",
    rawPath: "/v1/things",
    rawQueryString: "",
    headers: { ...options.headers },
    isBase64Encoded: false,
    ...(options.body === undefined ? {} : { body: options.body }),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "127",
      http: {
        method: "POST",
        path: "/v1/things",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "test",
      },
      requestId: "req",
      routeKey: "POST /v1/things",
      stage: "$default",
      time: "02/Dec/2026:12:00:00 +0000",
      timeEpoch: 0,
    },
  };
}

const context = () =>
  ({ awsRequestId: "req-1", getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;

/** A handler that answers what the middlewares left it: the body and who signed in. */
function echo(...middlewares: ApiMiddleware[]) {
  const seen: { body?: unknown; signedIn?: ApiContext["signedIn"] } = {};
  const handler = middy<ApiEvent, APIGatewayProxyStructuredResultV2, Error, ApiContext>(
    async (e: ApiEvent, c: ApiContext) => {
      seen.body = e.body;
      seen.signedIn = c.signedIn;
      return { statusCode: 200, body: "ok" };
    },
  );
  for (const middleware of middlewares) handler.use(middleware);
  return {
    seen,
    call: (e: ApiEvent) => handler(e, context() as ApiContext),
  };
}

const JSON_HEADERS = { "content-type": "application/json" };

describe("bodyLimit", () => {
  it("lets a body of exactly the limit through", async () => {
    const { call } = echo(bodyLimit(8));
    await expect(call(event({ body: "12345678", headers: JSON_HEADERS }))).resolves.toMatchObject({
      statusCode: 200,
    });
  });

  it("refuses one byte more with payload_too_large, counting bytes, not characters", async () => {
    const { call } = echo(bodyLimit(8));
    await expect(call(event({ body: "123456789" }))).rejects.toMatchObject({
      code: "payload_too_large",
    });
    // Three characters, nine bytes in UTF-8.
    await expect(call(event({ body: "ééé€" }))).rejects.toMatchObject({
      code: "payload_too_large",
    });
  });
});

describe("mediaType", () => {
  it("matches media types case-insensitively and with parameters", () => {
    expect(mediaKindOf("Application/JSON")).toBe("json");
    expect(mediaKindOf("application/json ;charset=utf-8")).toBe("json");
    expect(mediaKindOf("application/vnd.api+json; charset=UTF-8")).toBe("json");
    expect(mediaKindOf("APPLICATION/X-WWW-FORM-URLENCODED; charset=utf-8")).toBe("form");
    expect(mediaKindOf("text/x-www-form-urlencoded-json")).toBeNull();
    expect(mediaKindOf("text/plain")).toBeNull();
    expect(mediaKindOf(undefined)).toBeNull();
  });

  it("takes JSON bodies in any spelling of the type", async () => {
    const { call } = echo(mediaType());
    for (const type of ["Application/JSON", "application/json ;charset=utf-8"]) {
      await expect(
        call(event({ body: "{}", headers: { "content-type": type } })),
      ).resolves.toMatchObject({ statusCode: 200 });
    }
  });

  it("refuses a form body unless the endpoint takes forms", async () => {
    const form = { body: "a=b", headers: { "content-type": "application/x-www-form-urlencoded" } };
    await expect(echo(mediaType()).call(event(form))).rejects.toMatchObject({
      code: "unsupported_media_type",
      description: "Send application/json.",
    });
    await expect(echo(mediaType({ form: true })).call(event(form))).resolves.toMatchObject({
      statusCode: 200,
    });
  });

  it("refuses a body of another type or of none, and ignores the type of no body", async () => {
    const { call } = echo(mediaType({ form: true }));
    await expect(
      call(event({ body: "a", headers: { "content-type": "text/plain" } })),
    ).rejects.toMatchObject({ code: "unsupported_media_type" });
    await expect(call(event({ body: "{}" }))).rejects.toMatchObject({
      code: "unsupported_media_type",
    });
    await expect(call(event({ headers: { "content-type": "text/plain" } }))).resolves.toMatchObject(
      { statusCode: 200 },
    );
  });
});

describe("bodyParser", () => {
  it("parses JSON sent as `Application/JSON ;charset=utf-8` and leaves the header as sent", async () => {
    const { call, seen } = echo(bodyParser());
    const e = event({
      body: '{"a":1}',
      headers: { "content-type": "Application/JSON ;charset=utf-8" },
    });
    await call(e);
    expect(seen.body).toEqual({ a: 1 });
    expect(e.headers["content-type"]).toBe("Application/JSON ;charset=utf-8");
  });

  it("parses a form sent with an upper-case type", async () => {
    const { call, seen } = echo(bodyParser());
    await call(
      event({
        body: "grant_type=password&username=bob",
        headers: { "content-type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8" },
      }),
    );
    expect(seen.body).toEqual({ grant_type: "password", username: "bob" });
  });

  it("gives a bodiless request an empty object", async () => {
    const { call, seen } = echo(bodyParser());
    await call(event({ headers: JSON_HEADERS }));
    expect(seen.body).toEqual({});
  });

  it("fails malformed JSON with middy's error, naming its package", async () => {
    const { call } = echo(bodyParser());
    await expect(call(event({ body: "{not json", headers: JSON_HEADERS }))).rejects.toMatchObject({
      cause: { package: "@middy/http-json-body-parser" },
    });
  });
});

describe("validation", () => {
  const schema = v.object({
    name: v.pipe(v.string(), v.maxLength(3)),
    n: v.optional(v.number(), 7),
  });

  it("hands the handler the schema's output", async () => {
    const { call, seen } = echo(validation(schema));
    await call({ ...event(), body: { name: "bob" } });
    expect(seen.body).toEqual({ name: "bob", n: 7 });
  });

  it("refuses with invalid_request naming the field, and never the value", async () => {
    const { call } = echo(validation(schema));
    const error = (await call({ ...event(), body: { name: "secret" } }).catch(
      (e) => e,
    )) as DomainError;
    expect(error).toMatchObject({ code: "invalid_request", options: { field: "name" } });
    expect(error.description).toBe("name must have at most 3 characters.");
    expect(error.description).not.toContain("secret");
    await expect(call({ ...event(), body: {} })).rejects.toMatchObject({
      description: "name is required.",
    });
  });
});

describe("authentication", () => {
  const user = { id: "usr_1", username: "bob" } as User;
  const session = { userId: "usr_1", sessionId: "rtf_1" };
  const byId = async (token: string) => (token === "good" ? session : null);
  const byUser = async (token: string) => (token === "good" ? { userId: user.id, user } : null);

  it("takes the Bearer scheme in any case", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const { call, seen } = echo(authentication(byId));
      await call(event({ headers: { authorization: `${scheme} good` } }));
      expect(seen.signedIn).toEqual({ userId: "usr_1", sessionId: "rtf_1" });
    }
  });

  it("hands the handler the user when the verifier loads it", async () => {
    const { call, seen } = echo(authentication(byUser));
    await call(event({ headers: { authorization: "Bearer good" } }));
    expect(seen.signedIn).toEqual({ userId: "usr_1", user });
  });

  it("challenges a request with no credentials without an error code", async () => {
    const { call } = echo(authentication(byId));
    await expect(call(event())).rejects.toMatchObject({
      code: "invalid_token",
      options: { challenge: { kind: "bearer" } },
    });
    const error = (await call(event()).catch((e) => e)) as DomainError;
    expect(error.options.challenge).toEqual({ kind: "bearer" });
  });

  it("challenges a bad token, another scheme or a malformed header with invalid_token", async () => {
    const { call } = echo(authentication(byId));
    for (const authorization of ["Bearer bad", "Basic Ym9iOnB3", "Bearer", "Bearergood"]) {
      const error = (await call(event({ headers: { authorization } })).catch(
        (e) => e,
      )) as DomainError;
      expect(error.options.challenge).toEqual({ kind: "bearer", error: "invalid_token" });
    }
  });
});

describe("errorMapping", () => {
  function failing(error: unknown, envelope?: Parameters<typeof errorMapping>[0]) {
    return middy<ApiEvent, APIGatewayProxyStructuredResultV2, Error, ApiContext>(async () => {
      throw error;
    }).use(errorMapping(envelope));
  }
  const run = (error: unknown) => failing(error)(event(), context() as ApiContext);

  it("answers a domain error with its status, its envelope and the catalogue's message", async () => {
    const result = await run(new DomainError("no_run_waiting"));
    expect(result.statusCode).toBe(409);
    expect(JSON.parse(String(result.body))).toEqual({
      error: "no_run_waiting",
      error_description: "No run of this account is waiting for a code.",
    });
    expect(result.headers).toMatchObject({ "cache-control": "no-store" });
  });

  it("renders an OTP challenge as the X-OTP header", async () => {
    const result = await run(
      new DomainError("otp_required", undefined, {
        extra: { auth_method: "tfa_sms" },
        challenge: { kind: "otp", authMethod: "tfa_sms" },
      }),
    );
    expect(result.headers).toMatchObject({ "x-otp": "required; auth_method=tfa_sms" });
    expect(JSON.parse(String(result.body))).toMatchObject({ auth_method: "tfa_sms" });
  });

  it("renders bearer challenges as RFC 6750 has them, and challenges any invalid_token", async () => {
    const bare = await run(
      new DomainError("invalid_token", undefined, { challenge: { kind: "bearer" } }),
    );
    expect(bare.statusCode).toBe(401);
    expect(bare.headers?.["www-authenticate"]).toBe("Bearer");
    const fromCore = await run(
      new DomainError("invalid_token", "The user of this token no longer exists."),
    );
    expect(fromCore.headers?.["www-authenticate"]).toBe('Bearer error="invalid_token"');
  });

  it("sets Retry-After and the field", async () => {
    const result = await run(
      new DomainError("too_many_requests", undefined, { retryAfterSeconds: 20, field: "email" }),
    );
    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({ "retry-after": "20" });
    expect(JSON.parse(String(result.body))).toMatchObject({ field: "email" });
  });

  it("recognises middy's body-parser errors by status and package, whatever their message", async () => {
    for (const statusCode of [415, 422]) {
      const error = Object.assign(new Error("any wording at all"), {
        statusCode,
        cause: { package: "@middy/http-json-body-parser" },
      });
      const result = await run(error);
      expect(result.statusCode).toBe(400);
      expect(JSON.parse(String(result.body))).toMatchObject({ error: "invalid_json" });
    }
    const form = Object.assign(new Error("Invalid or malformed JSON was provided"), {
      statusCode: 415,
      cause: { package: "@middy/http-urlencode-body-parser" },
    });
    expect(JSON.parse(String((await run(form)).body))).toMatchObject({ error: "invalid_request" });
  });

  it("answers anything else with a bare 500 and no stack", async () => {
    const unknownPackage = Object.assign(new Error("boom at x.ts:1"), {
      statusCode: 415,
      cause: { package: "@middy/something-else" },
    });
    for (const error of [new Error("boom at x.ts:1"), unknownPackage]) {
      const result = await run(error);
      expect(result.statusCode).toBe(500);
      expect(result.body).toBe(
        JSON.stringify({
          error: "internal_error",
          error_description: "Something went wrong on our side.",
        }),
      );
    }
  });

  it("wraps errors in the endpoint's envelope", async () => {
    const envelope = (status: number, code: string) => ({ status, code });
    const result = await failing(new DomainError("not_found"), envelope)(
      event(),
      context() as ApiContext,
    );
    expect(JSON.parse(String(result.body))).toEqual({ status: 404, code: "not_found" });
  });
});

describe("the error catalogue", () => {
  it("gives every code a default message and an HTTP status, and nothing else a status", () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(ERROR_MESSAGES[code], code).toMatch(/\S/);
      expect(HTTP_STATUS[code], code).toBeGreaterThanOrEqual(400);
      expect(new DomainError(code).description).toBe(ERROR_MESSAGES[code]);
    }
  });
});

describe("toResult", () => {
  it("types a body as JSON, and a bodiless answer (a 204) not at all", () => {
    expect(toResult({ status: 200, body: { a: 1 } }).headers).toMatchObject({
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    });
    const empty = toResult({ status: 204, headers: { "x-delivery-id": "evt_1" } });
    expect(empty.headers).not.toHaveProperty("content-type");
    expect(empty.headers).toMatchObject({ "cache-control": "no-store", "x-delivery-id": "evt_1" });
    expect(empty.body).toBe("");
  });
});
