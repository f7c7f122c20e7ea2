/** The OAuth2 token endpoint and the user endpoints, through the typed client (`client/`). */
import type { Schemas } from "twofa-service/client";
import { describe, expect, it } from "vitest";
import { apiClient, freshPhone, freshUsername, rawText, sleep } from "../support/http.js";
import { latestCodeFor, messagesFor, readLogs } from "../support/local.js";
import {
  PASSWORD,
  registerEmailUser,
  registerSmsUser,
  verifiedPhone,
  wrongOf,
} from "../support/users.js";

const COOLDOWN_MS = 2_100; // CODE_RESEND_COOLDOWN_SECONDS in the test stack, plus a margin

const token = (body: Schemas["TokenRequest"]) => apiClient().POST("/v1/token", { body });
type TokenResult = Awaited<ReturnType<typeof token>>;

const passwordGrant = (username: string, extra: Partial<Schemas["TokenRequest"]> = {}) =>
  token({ grant_type: "password", username, password: PASSWORD, ...extra });

async function registerSimpleUser() {
  const username = freshUsername();
  const res = await apiClient().POST("/v1/customers", { body: { username, password: PASSWORD } });
  expect(res.response.status).toBe(201);
  return { username };
}

/** Asks for a login code (the otp_required round) and reads it from the phone. */
async function loginCode(
  username: string,
  to: string,
): Promise<{ res: TokenResult; code: string }> {
  const since = new Date();
  const res = await passwordGrant(username);
  expect(res.response.status).toBe(400);
  expect(res.error?.error).toBe("otp_required");
  return { res, code: await latestCodeFor(to, { after: since }) };
}

describe("POST /v1/token — the seed's flows", () => {
  it("enables SMS TFA for a logged-in user with a phone verification code", async () => {
    const { username } = await registerSimpleUser();
    const tokens = await passwordGrant(username);
    expect(tokens.response.status).toBe(200);
    const user = apiClient(String(tokens.data?.access_token));
    const { phone, code } = await verifiedPhone();
    const patched = await user.PATCH("/v1/user", {
      body: { authMethod: "tfa_sms", phoneNumber: phone, phoneVerificationCode: code },
    });
    expect(patched.response.status).toBe(200);
    expect(patched.data).toMatchObject({ authMethod: "tfa_sms", phoneNumber: phone });
    const me = await user.GET("/v1/user");
    expect(me.data).toMatchObject({ username, authMethod: "tfa_sms" });
    expect((await passwordGrant(username)).error?.error).toBe("otp_required");
  });

  it("registers a customer with SMS TFA and logs in at once with the same code", async () => {
    const { username, registrationCode } = await registerSmsUser();
    const res = await passwordGrant(username, { otp: registrationCode });
    expect(res.response.status).toBe(200);
    expect(res.data).toMatchObject({ token_type: "bearer", expires_in: 900 });
  });

  it("logs in with SMS TFA: otp_required and a code by SMS, then tokens", async () => {
    const { username, phone } = await registerSmsUser();
    const { res, code } = await loginCode(username, phone);
    expect(res.error).toMatchObject({
      error: "otp_required",
      auth_method: "tfa_sms",
      otp_destination: `+${"*".repeat(phone.length - 5)}${phone.slice(-4)}`,
    });
    expect(res.response.headers.get("x-otp")).toBe("required; auth_method=tfa_sms");
    expect(res.response.headers.get("cache-control")).toBe("no-store");
    const ok = await passwordGrant(username, { otp: code });
    expect(ok.response.status).toBe(200);
    expect(ok.response.headers.get("cache-control")).toBe("no-store");
    expect(ok.data).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(String(ok.data?.access_token).split(".")).toHaveLength(3);
    expect(String(ok.data?.refresh_token).length).toBeGreaterThanOrEqual(43);
  });

  it("logs in with email TFA the same way", async () => {
    const { username, email } = await registerEmailUser();
    const { res, code: otp } = await loginCode(username, email);
    expect(res.error).toMatchObject({
      auth_method: "tfa_email",
      otp_destination: expect.stringMatching(/^u\*+\d@example\.com$/),
    });
    expect((await passwordGrant(username, { otp })).response.status).toBe(200);
  });

  it("accepts the OTP in the X-OTP header and form-encoded bodies", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const res = await apiClient().POST("/v1/token", {
      body: { grant_type: "password", username, password: PASSWORD },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      params: { header: { "X-OTP": code } },
    });
    expect(res.response.status).toBe(200);
  });
});

describe("POST /v1/token — refusals", () => {
  it("answers unknown users and wrong passwords with byte-identical responses, sending no code", async () => {
    const { username, phone } = await registerSmsUser();
    const wrong = await token({ grant_type: "password", username, password: "not the password" });
    const unknown = await token({
      grant_type: "password",
      username: freshUsername(),
      password: "not the password",
    });
    expect(wrong.response.status).toBe(400);
    expect(wrong.error?.error).toBe("invalid_grant");
    expect(unknown.response.status).toBe(wrong.response.status);
    expect(rawText(unknown.response)).toBe(rawText(wrong.response));
    const stable = (r: TokenResult) =>
      [...r.response.headers.entries()].filter(([k]) => !["date", "apigw-requestid"].includes(k));
    expect(stable(unknown)).toEqual(stable(wrong));
    await sleep(300);
    expect(await messagesFor(phone)).toHaveLength(1); // the registration code only
  });

  it("refuses a wrong OTP with invalid_otp", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const res = await passwordGrant(username, { otp: wrongOf(code) });
    expect(res.response.status).toBe(400);
    expect(res.error?.error).toBe("invalid_otp");
  });

  it("refuses a phone verification code, another user's code and an older login code", async () => {
    const alice = await registerSmsUser();
    const bob = await registerSmsUser();
    const { code: first } = await loginCode(alice.username, alice.phone);
    await sleep(COOLDOWN_MS);
    const { code: second } = await loginCode(alice.username, alice.phone);
    const { code: bobs } = await loginCode(bob.username, bob.phone);
    const fresh = await verifiedPhone();
    for (const otp of [fresh.code, bobs, first].filter((c) => c !== second)) {
      expect((await passwordGrant(alice.username, { otp })).error?.error).toBe("invalid_otp");
    }
    expect((await passwordGrant(alice.username, { otp: second })).response.status).toBe(200);
  });

  it("50 concurrent token requests carrying the same valid OTP give exactly one 200", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => passwordGrant(username, { otp: code })),
    );
    const statuses = results.map((r) => r.response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.every((status) => status === 200 || status === 400 || status === 429)).toBe(
      true,
    );
  });

  it("200 concurrent wrong OTPs never evaluate more guesses than the budget, and the correct code is then refused", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const wrong = wrongOf(code);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => passwordGrant(username, { otp: wrong })),
    );
    const evaluated = results.filter((r) => r.error?.error === "invalid_otp");
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.response.status === 429).length).toBe(200 - evaluated.length);
    const after = await passwordGrant(username, { otp: code });
    expect(after.response.status).toBe(429);
    expect(after.error?.error).toBe("too_many_attempts");
  });

  it("a new code does not reset the failure count: the 10th failure locks the user", async () => {
    const { username, phone } = await registerSmsUser();
    const { code: a } = await loginCode(username, phone);
    for (let i = 0; i < 5; i++)
      expect((await passwordGrant(username, { otp: wrongOf(a) })).error?.error).toBe("invalid_otp");
    await sleep(COOLDOWN_MS);
    const { code: b } = await loginCode(username, phone);
    for (let i = 0; i < 4; i++)
      expect((await passwordGrant(username, { otp: wrongOf(b) })).error?.error).toBe("invalid_otp");
    await sleep(COOLDOWN_MS);
    const { code: c } = await loginCode(username, phone);
    expect((await passwordGrant(username, { otp: wrongOf(c) })).error?.error).toBe("invalid_otp");
    const locked = await passwordGrant(username, { otp: c });
    expect(locked.response.status).toBe(429);
    expect(locked.error?.error).toBe("too_many_attempts");
    expect(Number(locked.response.headers.get("retry-after"))).toBeGreaterThan(0);
    const asking = await passwordGrant(username);
    expect(asking.response.status).toBe(429);
  });

  it("refuses unsupported grants and missing fields", async () => {
    const grant = await token({ grant_type: "client_credentials" });
    expect(grant.response.status).toBe(400);
    expect(grant.error).toMatchObject({ error: "unsupported_grant_type", field: "grant_type" });
    const missing = await token({ grant_type: "password", username: "someone" });
    expect(missing.error).toMatchObject({ error: "invalid_request", field: "password" });
  });
});

describe("refresh tokens", () => {
  it("rotate on use, and a replayed one revokes its family", async () => {
    const { username } = await registerSimpleUser();
    const first = await passwordGrant(username);
    const r1 = String(first.data?.refresh_token);
    const second = await token({ grant_type: "refresh_token", refresh_token: r1 });
    expect(second.response.status).toBe(200);
    const r2 = String(second.data?.refresh_token);
    expect(r2).not.toBe(r1);
    const replay = await token({ grant_type: "refresh_token", refresh_token: r1 });
    expect(replay.response.status).toBe(400);
    expect(replay.error?.error).toBe("invalid_grant");
    const afterRevocation = await token({ grant_type: "refresh_token", refresh_token: r2 });
    expect(afterRevocation.error?.error).toBe("invalid_grant");
  });
});

describe("GET and PATCH /v1/user", () => {
  it("needs a valid bearer token", async () => {
    const none = await apiClient().GET("/v1/user");
    expect(none.response.status).toBe(401);
    expect(none.error?.error).toBe("invalid_token");
    expect(none.response.headers.get("www-authenticate")).toContain("Bearer");
    expect((await apiClient("a.b.c").GET("/v1/user")).response.status).toBe(401);
  });

  it("turning TFA off needs a current second factor, and the user is told by SMS", async () => {
    const { username, phone, registrationCode } = await registerSmsUser();
    const access = String(
      (await passwordGrant(username, { otp: registrationCode })).data?.access_token,
    );
    const user = apiClient(access);
    const since = new Date();
    const ask = await user.PATCH("/v1/user", { body: { authMethod: "simple" } });
    expect(ask.response.status).toBe(400);
    expect(ask.error?.error).toBe("otp_required");
    const otp = await latestCodeFor(phone, { after: since });
    const done = await user.PATCH("/v1/user", { body: { authMethod: "simple", otp } });
    expect(done.response.status).toBe(200);
    expect(done.data?.authMethod).toBe("simple");
    await sleep(500);
    expect((await messagesFor(phone)).at(-1)?.body).toContain("turned off");
  });

  it("refuses a phone change without the new phone's verification code", async () => {
    const { username } = await registerSimpleUser();
    const access = String((await passwordGrant(username)).data?.access_token);
    const res = await apiClient(access).PATCH("/v1/user", {
      body: { phoneNumber: freshPhone(), phoneVerificationCode: "123456" },
    });
    expect(res.response.status).toBe(400);
    expect(res.error).toMatchObject({
      error: "invalid_verification_code",
      field: "phoneVerificationCode",
    });
  });

  it("refuses a second customer with a taken username", async () => {
    const { username } = await registerSimpleUser();
    const res = await apiClient().POST("/v1/customers", { body: { username, password: PASSWORD } });
    expect(res.response.status).toBe(409);
    expect(res.error?.error).toBe("username_taken");
  });
});

describe("secrets stay secret", () => {
  it("no response, header or log line carries a code, a password or a refresh token it was not made to hand out", async () => {
    const { username, phone, registrationCode } = await registerSmsUser();
    const { res: otpRequired, code } = await loginCode(username, phone);
    const tokens = await passwordGrant(username, { otp: code });
    const refresh = String(tokens.data?.refresh_token);
    const rotated = await token({ grant_type: "refresh_token", refresh_token: refresh });
    const bad = await passwordGrant(username, { otp: "123456" });
    const responses = [otpRequired, tokens, rotated, bad];
    const everything = responses
      .map((r) => rawText(r.response) + JSON.stringify([...r.response.headers.entries()]))
      .join("\n");
    for (const secret of [PASSWORD, code, registrationCode])
      expect(everything).not.toContain(secret);
    expect(rawText(rotated.response)).not.toContain(refresh);
    await sleep(300);
    const logs = (await readLogs())
      .split("\n")
      // The local stand-in for a phone prints SMS bodies on purpose; service logs are JSON lines.
      .filter((line) => line.startsWith("{"))
      .join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [
      PASSWORD,
      code,
      registrationCode,
      refresh,
      String(tokens.data?.access_token),
      phone,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
