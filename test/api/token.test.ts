import { describe, expect, it } from "vitest";
import { call, freshPhone, freshUsername, type HttpResult, post, sleep } from "../support/http.js";
import { latestCodeFor, messagesFor, readLogs } from "../support/local.js";
import {
  PASSWORD,
  passwordGrant,
  registerEmailUser,
  registerSmsUser,
  verifiedPhone,
  wrongOf,
} from "../support/users.js";

const COOLDOWN_MS = 2_100; // CODE_RESEND_COOLDOWN_SECONDS in the test stack, plus a margin

async function registerSimpleUser() {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  return { username };
}

/** Asks for a login code (the otp_required round) and reads it from the phone. */
async function loginCode(username: string, to: string): Promise<{ res: HttpResult; code: string }> {
  const since = new Date();
  const res = await passwordGrant(username);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe("otp_required");
  return { res, code: await latestCodeFor(to, { after: since }) };
}

describe("POST /v1/token — the seed's flows", () => {
  it("enables SMS TFA for a logged-in user with a phone verification code", async () => {
    const { username } = await registerSimpleUser();
    const tokens = await passwordGrant(username);
    expect(tokens.status).toBe(200);
    const access = String(tokens.body.access_token);
    const { phone, code } = await verifiedPhone();
    const patched = await call("PATCH", "/v1/user", {
      token: access,
      json: { authMethod: "tfa_sms", phoneNumber: phone, phoneVerificationCode: code },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ authMethod: "tfa_sms", phoneNumber: phone });
    const me = await call("GET", "/v1/user", { token: access });
    expect(me.body).toMatchObject({ username, authMethod: "tfa_sms" });
    expect((await passwordGrant(username)).body.error).toBe("otp_required");
  });

  it("registers a customer with SMS TFA and logs in at once with the same code", async () => {
    const { username, registrationCode } = await registerSmsUser();
    const res = await passwordGrant(username, { otp: registrationCode });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: "bearer", expires_in: 900 });
  });

  it("logs in with SMS TFA: otp_required and a code by SMS, then tokens", async () => {
    const { username, phone } = await registerSmsUser();
    const { res, code } = await loginCode(username, phone);
    expect(res.body).toMatchObject({
      error: "otp_required",
      auth_method: "tfa_sms",
      otp_destination: `+${"*".repeat(phone.length - 5)}${phone.slice(-4)}`,
    });
    expect(res.headers.get("x-otp")).toBe("required; auth_method=tfa_sms");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const ok = await passwordGrant(username, { otp: code });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(ok.body).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(String(ok.body.access_token).split(".")).toHaveLength(3);
    expect(String(ok.body.refresh_token).length).toBeGreaterThanOrEqual(43);
  });

  it("logs in with email TFA the same way", async () => {
    const { username, email } = await registerEmailUser();
    const { res, code: otp } = await loginCode(username, email);
    expect(res.body.auth_method).toBe("tfa_email");
    expect(String(res.body.otp_destination)).toMatch(/^u\*+\d@example\.com$/);
    expect((await passwordGrant(username, { otp })).status).toBe(200);
  });

  it("accepts the OTP in the X-OTP header and form-encoded bodies", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const res = await call("POST", "/v1/token", {
      form: { grant_type: "password", username, password: PASSWORD },
      headers: { "x-otp": code },
    });
    expect(res.status).toBe(200);
  });
});

describe("POST /v1/token — refusals", () => {
  it("answers unknown users and wrong passwords with byte-identical responses, sending no code", async () => {
    const { username, phone } = await registerSmsUser();
    const wrong = await post("/v1/token", {
      grant_type: "password",
      username,
      password: "not the password",
    });
    const unknown = await post("/v1/token", {
      grant_type: "password",
      username: freshUsername(),
      password: "not the password",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    const stable = (r: HttpResult) =>
      [...r.headers.entries()].filter(([k]) => !["date", "apigw-requestid"].includes(k));
    expect(stable(unknown)).toEqual(stable(wrong));
    await sleep(300);
    expect(await messagesFor(phone)).toHaveLength(1); // the registration code only
  });

  it("refuses a wrong OTP with invalid_otp", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const res = await passwordGrant(username, { otp: wrongOf(code) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_otp");
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
      expect((await passwordGrant(alice.username, { otp })).body.error).toBe("invalid_otp");
    }
    expect((await passwordGrant(alice.username, { otp: second })).status).toBe(200);
  });

  it("50 concurrent token requests carrying the same valid OTP give exactly one 200", async () => {
    const { username, phone } = await registerSmsUser();
    const { code } = await loginCode(username, phone);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => passwordGrant(username, { otp: code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || r.status === 400 || r.status === 429)).toBe(
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
    const evaluated = results.filter((r) => r.body.error === "invalid_otp");
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r.status === 429).length).toBe(200 - evaluated.length);
    const after = await passwordGrant(username, { otp: code });
    expect(after.status).toBe(429);
    expect(after.body.error).toBe("too_many_attempts");
  });

  it("a new code does not reset the failure count: the 10th failure locks the user", async () => {
    const { username, phone } = await registerSmsUser();
    const { code: a } = await loginCode(username, phone);
    for (let i = 0; i < 5; i++)
      expect((await passwordGrant(username, { otp: wrongOf(a) })).body.error).toBe("invalid_otp");
    await sleep(COOLDOWN_MS);
    const { code: b } = await loginCode(username, phone);
    for (let i = 0; i < 4; i++)
      expect((await passwordGrant(username, { otp: wrongOf(b) })).body.error).toBe("invalid_otp");
    await sleep(COOLDOWN_MS);
    const { code: c } = await loginCode(username, phone);
    expect((await passwordGrant(username, { otp: wrongOf(c) })).body.error).toBe("invalid_otp");
    const locked = await passwordGrant(username, { otp: c });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe("too_many_attempts");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    const asking = await passwordGrant(username);
    expect(asking.status).toBe(429);
  });

  it("refuses unsupported grants and missing fields", async () => {
    const grant = await post("/v1/token", { grant_type: "client_credentials" });
    expect(grant.status).toBe(400);
    expect(grant.body).toMatchObject({ error: "unsupported_grant_type", field: "grant_type" });
    const missing = await post("/v1/token", { grant_type: "password", username: "someone" });
    expect(missing.body).toMatchObject({ error: "invalid_request", field: "password" });
  });
});

describe("refresh tokens", () => {
  it("rotate on use, and a replayed one revokes its family", async () => {
    const { username } = await registerSimpleUser();
    const first = await passwordGrant(username);
    const r1 = String(first.body.refresh_token);
    const second = await post("/v1/token", { grant_type: "refresh_token", refresh_token: r1 });
    expect(second.status).toBe(200);
    const r2 = String(second.body.refresh_token);
    expect(r2).not.toBe(r1);
    const replay = await post("/v1/token", { grant_type: "refresh_token", refresh_token: r1 });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe("invalid_grant");
    const afterRevocation = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: r2,
    });
    expect(afterRevocation.body.error).toBe("invalid_grant");
  });
});

describe("GET and PATCH /v1/user", () => {
  it("needs a valid bearer token", async () => {
    const none = await call("GET", "/v1/user");
    expect(none.status).toBe(401);
    expect(none.body.error).toBe("invalid_token");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect((await call("GET", "/v1/user", { token: "a.b.c" })).status).toBe(401);
  });

  it("turning TFA off needs a current second factor, and the user is told by SMS", async () => {
    const { username, phone, registrationCode } = await registerSmsUser();
    const access = String(
      (await passwordGrant(username, { otp: registrationCode })).body.access_token,
    );
    const since = new Date();
    const ask = await call("PATCH", "/v1/user", { token: access, json: { authMethod: "simple" } });
    expect(ask.status).toBe(400);
    expect(ask.body.error).toBe("otp_required");
    const otp = await latestCodeFor(phone, { after: since });
    const done = await call("PATCH", "/v1/user", {
      token: access,
      json: { authMethod: "simple", otp },
    });
    expect(done.status).toBe(200);
    expect(done.body.authMethod).toBe("simple");
    await sleep(500);
    expect((await messagesFor(phone)).at(-1)?.body).toContain("turned off");
  });

  it("refuses a phone change without the new phone's verification code", async () => {
    const { username } = await registerSimpleUser();
    const access = String((await passwordGrant(username)).body.access_token);
    const res = await call("PATCH", "/v1/user", {
      token: access,
      json: { phoneNumber: freshPhone(), phoneVerificationCode: "123456" },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: "invalid_verification_code",
      field: "phoneVerificationCode",
    });
  });

  it("refuses a second customer with a taken username", async () => {
    const { username } = await registerSimpleUser();
    const res = await post("/v1/customers", { username, password: PASSWORD });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe("username_taken");
  });
});

describe("secrets stay secret", () => {
  it("no response, header or log line carries a code, a password or a refresh token it was not made to hand out", async () => {
    const { username, phone, registrationCode } = await registerSmsUser();
    const { res: otpRequired, code } = await loginCode(username, phone);
    const tokens = await passwordGrant(username, { otp: code });
    const refresh = String(tokens.body.refresh_token);
    const rotated = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: refresh,
    });
    const bad = await passwordGrant(username, { otp: "123456" });
    const responses = [otpRequired, tokens, rotated, bad];
    const everything = responses
      .map((r) => r.text + JSON.stringify([...r.headers.entries()]))
      .join("\n");
    for (const secret of [PASSWORD, code, registrationCode])
      expect(everything).not.toContain(secret);
    expect(rotated.text).not.toContain(refresh);
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
      String(tokens.body.access_token),
      phone,
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});
