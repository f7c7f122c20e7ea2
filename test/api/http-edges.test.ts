/**
 * The HTTP edge as a client meets it: media types, key-bearing values that grow under
 * normalization, the Authorization header, CORS, and the headers of every answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corsConfig } from "../../infra/cors.js";
import { type ApiServer, startApiServer } from "../../infra/local/api-server.js";
import { PROJECT_ROOT } from "../../infra/local/stack.js";
import { call, freshEmail, freshUsername, post } from "../support/http.js";
import { apiUrl } from "../support/local.js";
import { PASSWORD, passwordGrant, registerSmsUser } from "../support/users.js";

/** U+FDFA is one character that NFKC turns into 18: 256 of them are 8,448 bytes. */
const EXPANDING = "\uFDFA".repeat(256);

describe("values that grow under normalization", () => {
  it("a username that expands under NFKC answers 400 naming the field on /v1/token", async () => {
    const res = await post("/v1/token", {
      grant_type: "password",
      username: EXPANDING,
      password: PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "username" });
  });

  it("an identifier that expands under NFKC answers 400 naming the field on /v1/sign_ins", async () => {
    const res = await post("/v1/sign_ins", { identifier: EXPANDING, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "identifier" });
  });

  it("a username that expands under NFKC answers 400 naming the field on registration", async () => {
    const res = await post("/v1/customers", { username: EXPANDING, password: PASSWORD });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "username" });
  });
});

describe("media types", () => {
  it("only /v1/token takes a form body: other endpoints answer 415", async () => {
    for (const [path, form] of [
      ["/v1/email_verification_codes", { email: freshEmail() }],
      ["/v1/customers", { username: freshUsername(), password: PASSWORD }],
      ["/v1/sign_ins", { identifier: freshUsername(), password: PASSWORD }],
    ] as const) {
      const res = await call("POST", path, { form });
      expect(res.status, path).toBe(415);
      expect(res.body.error, path).toBe("unsupported_media_type");
    }
    const token = await call("POST", "/v1/token", {
      form: { grant_type: "password", username: freshUsername(), password: PASSWORD },
    });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe("invalid_grant");
  });

  it("reads JSON whatever the case of its type and with parameters", async () => {
    for (const type of ["Application/JSON", "application/json ;charset=utf-8"]) {
      const res = await call("POST", "/v1/email_verification_codes", {
        json: { email: freshEmail() },
        headers: { "content-type": type },
      });
      expect(res.status, type).toBe(204);
    }
  });

  it("reads a form on /v1/token whatever the case of its type", async () => {
    const res = await call("POST", "/v1/token", {
      form: { grant_type: "password", username: freshUsername(), password: PASSWORD },
      headers: { "content-type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_grant");
  });

  it("a 204 carries no Content-Type", async () => {
    const res = await post("/v1/email_verification_codes", { email: freshEmail() });
    expect(res.status).toBe(204);
    expect(res.headers.get("content-type")).toBeNull();
    expect(res.text).toBe("");
  });
});

describe("the Authorization header", () => {
  async function accessToken(): Promise<string> {
    const username = freshUsername();
    expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
    const tokens = await passwordGrant(username);
    expect(tokens.status).toBe(200);
    return String(tokens.body.access_token);
  }

  it("takes the scheme in any case: `bearer x` works", async () => {
    const access = await accessToken();
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const res = await call("GET", "/v1/user", {
        headers: { authorization: `${scheme} ${access}` },
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it("challenges a request with no credentials with a bare Bearer, a bad token with invalid_token", async () => {
    const none = await call("GET", "/v1/user");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    const bad = await call("GET", "/v1/user", { token: "a.b.c" });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });
});

describe("headers of every answer", () => {
  it("404 and 405 answers are not cached either", async () => {
    const missing = await call("GET", "/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("no-store");
    const wrong = await call("GET", "/v1/phone_verification_codes");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("cache-control")).toBe("no-store");
  });

  it("otp_required says the code goes in the otp field or the X-OTP header", async () => {
    const { username } = await registerSmsUser();
    const res = await passwordGrant(username);
    expect(res.body.error).toBe("otp_required");
    expect(String(res.body.error_description)).toMatch(/\botp\b.*X-OTP/);
  });
});

describe("CORS", () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/v1/token`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });

  it("allows no cross-origin access when no origin is configured", async () => {
    const res = await preflight(apiUrl(), "https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const answer = await call("POST", "/v1/email_verification_codes", {
      json: { email: freshEmail() },
      headers: { origin: "https://evil.example" },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  describe("with CORS_ALLOWED_ORIGINS", () => {
    const ALLOWED = "https://app.example";
    let server: ApiServer;
    beforeAll(async () => {
      server = await startApiServer({
        root: PROJECT_ROOT,
        port: 0,
        messages: async () => [],
        routes: [],
        cors: corsConfig({ CORS_ALLOWED_ORIGINS: `${ALLOWED}, http://localhost:5173` }),
      });
    });
    afterAll(() => server.stop());

    it("answers the preflight of a configured origin, and of no other", async () => {
      const allowed = await preflight(server.url, ALLOWED);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
      expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
      expect(allowed.headers.get("access-control-allow-headers")).toContain("content-type");
      const other = await preflight(server.url, "https://evil.example");
      expect(other.status).toBe(204);
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("lets a configured origin read answers and their headers, and no other", async () => {
      const allowed = await fetch(`${server.url}/v1/nothing-here`, {
        headers: { origin: ALLOWED },
      });
      expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
      expect(allowed.headers.get("access-control-expose-headers")).toContain("x-otp");
      const other = await fetch(`${server.url}/v1/nothing-here`, {
        headers: { origin: "https://app.example.evil.example" },
      });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  it("refuses a configured value that is not an origin", () => {
    expect(() => corsConfig({ CORS_ALLOWED_ORIGINS: "*" })).toThrow(/CORS_ALLOWED_ORIGINS/);
    expect(() => corsConfig({ CORS_ALLOWED_ORIGINS: "https://app.example/path" })).toThrow();
    expect(corsConfig({ CORS_ALLOWED_ORIGINS: " " })).toBeNull();
    expect(corsConfig({})).toBeNull();
  });
});
