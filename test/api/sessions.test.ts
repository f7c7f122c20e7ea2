/**
 * Sessions over HTTP: logout, the user's session list, ending one session from another, a
 * password change that ends the others, and — on a second API server with `REQUIRE_TFA=true`
 * over the same table — the enrollment token of a password-only user.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../infra/local/api-server.js";
import { PROJECT_ROOT } from "../../infra/local/stack.js";
import { awayFromStepEnd, totpCode } from "../support/authenticator-app.js";
import { call, freshUsername, post, sleep } from "../support/http.js";
import { latestCodeFor, messagesFor, useLocalAwsEnvironment } from "../support/local.js";
import { assertConforms } from "../support/openapi.js";
import { PASSWORD, passwordGrant, registerSmsUser } from "../support/users.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0";
const PHONE_APP = "TwofaApp/2.1 (iPhone)";

interface Tokens {
  access_token: string;
  refresh_token: string;
}

async function simpleUser(): Promise<string> {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  return username;
}

async function login(username: string, userAgent: string): Promise<Tokens> {
  const res = await post(
    "/v1/token",
    { grant_type: "password", username, password: PASSWORD },
    { headers: { "user-agent": userAgent } },
  );
  expect(res.status).toBe(200);
  return res.body as unknown as Tokens;
}

const refresh = (refreshToken: string) =>
  post("/v1/token", { grant_type: "refresh_token", refresh_token: refreshToken });

interface SessionView {
  id: string;
  current: boolean;
  createdFrom: { ip: string | null; userAgent: string | null };
  lastUsedFrom: { ip: string | null; userAgent: string | null };
}

async function sessions(accessToken: string): Promise<SessionView[]> {
  const res = await call<{ sessions: SessionView[] }>("GET", "/v1/user/sessions", {
    token: accessToken,
  });
  expect(res.status).toBe(200);
  return res.body.sessions;
}

describe("logout (RFC 7009)", () => {
  it("logout then refresh fails, with a form body as with JSON", async () => {
    const username = await simpleUser();
    const viaForm = await login(username, FIREFOX);
    const out = await call("POST", "/v1/logout", { form: { token: viaForm.refresh_token } });
    expect(out.status).toBe(200);
    expect((await refresh(viaForm.refresh_token)).body.error).toBe("invalid_grant");
    expect((await call("GET", "/v1/user", { token: viaForm.access_token })).status).toBe(401);

    const viaJson = await login(username, FIREFOX);
    expect((await post("/v1/logout", { token: viaJson.refresh_token })).status).toBe(200);
    expect((await refresh(viaJson.refresh_token)).status).toBe(400);
  });

  it("answers 200 whatever the token, and a second logout too", async () => {
    const username = await simpleUser();
    const tokens = await login(username, FIREFOX);
    for (const token of ["no-such-token", tokens.refresh_token, tokens.refresh_token]) {
      expect((await post("/v1/logout", { token })).status).toBe(200);
    }
    expect((await post("/v1/logout", {})).status).toBe(400);
  });
});

describe("the user's sessions", () => {
  it("lists each session with its user agent and IP, and marks the caller's current", async () => {
    const username = await simpleUser();
    const laptop = await login(username, FIREFOX);
    const phone = await login(username, PHONE_APP);
    const listed = await sessions(laptop.access_token);
    expect(listed).toHaveLength(2);
    const current = listed.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]?.createdFrom).toEqual({ ip: "127.0.0.1", userAgent: FIREFOX });
    expect(listed.find((s) => !s.current)?.createdFrom.userAgent).toBe(PHONE_APP);
    const fromPhone = await sessions(phone.access_token);
    expect(fromPhone.find((s) => s.current)?.createdFrom.userAgent).toBe(PHONE_APP);
  });

  it("deleting another session kills its refresh token and its access token at once", async () => {
    const username = await simpleUser();
    const laptop = await login(username, FIREFOX);
    const phone = await login(username, PHONE_APP);
    const other = (await sessions(laptop.access_token)).find((s) => !s.current);
    const deleted = await call("DELETE", `/v1/user/sessions/${other?.id}`, {
      token: laptop.access_token,
    });
    expect(deleted.status).toBe(204);
    const refused = await call("GET", "/v1/user", { token: phone.access_token });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect((await refresh(phone.refresh_token)).body.error).toBe("invalid_grant");
    expect((await call("GET", "/v1/user", { token: laptop.access_token })).status).toBe(200);
    expect((await sessions(laptop.access_token)).map((s) => s.id)).not.toContain(other?.id);
  });

  it("answers 404 for another user's session and for one already ended", async () => {
    const mine = await login(await simpleUser(), FIREFOX);
    const theirs = await login(await simpleUser(), PHONE_APP);
    const theirId = (await sessions(theirs.access_token))[0]?.id;
    const stranger = await call("DELETE", `/v1/user/sessions/${theirId}`, {
      token: mine.access_token,
    });
    expect(stranger.status).toBe(404);
    expect((await call("GET", "/v1/user", { token: theirs.access_token })).status).toBe(200);
    expect(
      (await call("DELETE", `/v1/user/sessions/${theirId}`, { token: theirs.access_token })).status,
    ).toBe(204);
    expect(
      (
        await call("DELETE", "/v1/user/sessions/rtf_AAAAAAAAAAAAAAAAAAAAAA", {
          token: mine.access_token,
        })
      ).status,
    ).toBe(404);
  });
});

describe("changing the password", () => {
  it("ends every other session and keeps the caller's; the new password logs in", async () => {
    const username = await simpleUser();
    const laptop = await login(username, FIREFOX);
    const phone = await login(username, PHONE_APP);
    const wrong = await call("PUT", "/v1/user/password", {
      token: laptop.access_token,
      json: { currentPassword: "not the password", newPassword: "a brand new passphrase" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: "invalid_grant", field: "currentPassword" });

    const changed = await call("PUT", "/v1/user/password", {
      token: laptop.access_token,
      json: { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
    });
    expect(changed.status).toBe(204);
    expect((await call("GET", "/v1/user", { token: phone.access_token })).status).toBe(401);
    expect((await refresh(phone.refresh_token)).body.error).toBe("invalid_grant");
    expect((await call("GET", "/v1/user", { token: laptop.access_token })).status).toBe(200);
    expect((await refresh(laptop.refresh_token)).status).toBe(200);
    expect((await passwordGrant(username)).body.error).toBe("invalid_grant");
    const relogin = await post("/v1/token", {
      grant_type: "password",
      username,
      password: "a brand new passphrase",
    });
    expect(relogin.status).toBe(200);
  });

  it("an SMS-TFA user needs a current second factor, and is told by SMS", async () => {
    const { username, phone, registrationCode } = await registerSmsUser();
    const tokens = (await passwordGrant(username, { otp: registrationCode })).body;
    const access = String(tokens.access_token);
    const body = { currentPassword: PASSWORD, newPassword: "a brand new passphrase" };
    const since = new Date();
    const ask = await call("PUT", "/v1/user/password", { token: access, json: body });
    expect(ask.body.error).toBe("otp_required");
    const otp = await latestCodeFor(phone, { after: since });
    const done = await call("PUT", "/v1/user/password", {
      token: access,
      json: body,
      headers: { "x-otp": otp },
    });
    expect(done.status).toBe(204);
    let notice: string | undefined;
    for (let tries = 0; tries < 50 && notice === undefined; tries += 1) {
      notice = (await messagesFor(phone))
        .filter((message) => message.sentAt > since.toISOString())
        .find((message) => /password/i.test(message.body))?.body;
      if (notice === undefined) await sleep(100);
    }
    expect(notice).toMatch(/password of your .* account was changed/);
  });
});

describe("REQUIRE_TFA=true: the enrollment token", () => {
  let server: ApiServer;
  const saved = { ...process.env };

  beforeAll(async () => {
    useLocalAwsEnvironment();
    const key = () => JSON.stringify({ value: randomBytes(32).toString("base64url") });
    Object.assign(process.env, {
      SST_RESOURCE_SigningKey: key(),
      SST_RESOURCE_CodeHashKey: key(),
      SST_RESOURCE_EncryptionKey: key(),
      REQUIRE_TFA: "true",
      DEFAULT_AUTH_METHOD: "tfa_sms",
    });
    server = await startApiServer({
      root: PROJECT_ROOT,
      port: 0,
      messages: async () => [],
      cors: null,
    });
  });
  afterAll(async () => {
    await server?.stop();
    process.env = saved;
  });

  async function strict(
    method: string,
    path: string,
    options: RequestInit & { json?: unknown; token?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (options.json !== undefined) headers["content-type"] = "application/json";
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    });
    const text = await response.text();
    assertConforms({ method, path, status: response.status, headers: response.headers, text });
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    };
  }

  it("works only on the factor-enrollment endpoints; once a factor is on, login gives tokens", async () => {
    const username = await simpleUser();
    const grant = { grant_type: "password", username, password: PASSWORD };
    const refused = await strict("POST", "/v1/token", { json: grant });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: "tfa_enrollment_required", expires_in: 600 });
    expect(refused.body.access_token).toBeUndefined();
    const enrollment = String(refused.body.enrollment_token);

    const signIn = await strict("POST", "/v1/sign_ins", {
      json: { identifier: username, password: PASSWORD },
    });
    expect(signIn.body).toMatchObject({ status: "needs_enrollment" });
    expect(typeof signIn.body.enrollmentToken).toBe("string");
    expect(signIn.body.tokens).toBeUndefined();

    for (const [method, path, json] of [
      ["GET", "/v1/user", undefined],
      ["GET", "/v1/user/sessions", undefined],
      ["PUT", "/v1/user/password", { currentPassword: PASSWORD, newPassword: "another one!" }],
      ["GET", "/api/2.0/settings/tfaappcodes", undefined],
      ["PUT", "/api/2.0/settings/tfaappnewcodes", {}],
      ["POST", "/v1/accounts", { connector: "demo", auth: { login: "a", password: "b" } }],
    ] as const) {
      const res = await strict(method, path, { token: enrollment, json });
      expect([401, 403], `${method} ${path}`).toContain(res.status);
    }

    const setup = await strict("GET", "/api/2.0/settings/tfaapp/setup", { token: enrollment });
    expect(setup.status).toBe(200);
    const secret = String(
      (setup.body.response as { manualEntryKey: string }).manualEntryKey,
    ).replace(/\s+/g, "");
    await awayFromStepEnd();
    const linked = await strict("POST", "/api/2.0/settings/tfaapp/validate", {
      token: enrollment,
      json: { code: totpCode(secret, -1) },
    });
    expect(linked.body.response).toBe(true);

    const asked = await strict("POST", "/v1/token", { json: grant });
    expect(asked.body.error).toBe("otp_required");
    const tokens = await strict("POST", "/v1/token", { json: { ...grant, otp: totpCode(secret) } });
    expect(tokens.status).toBe(200);
    expect(typeof tokens.body.access_token).toBe("string");
  });
});
