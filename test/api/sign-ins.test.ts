/**
 * Clerk-style sign-ins over HTTP: a full sign-in with each strategy, every Clerk error code
 * the API answers, and the race and budget guards.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Schemas } from "twofa-service/client";
import { describe, expect, inject, it } from "vitest";
import {
  authenticatorAppUser,
  emailTfaUser,
  PASSWORD,
  simpleUserWithEmail,
  smsUser,
  totpCode,
} from "../support/authenticator-app.js";
import { apiClient, freshUsername, rawText, sleep } from "../support/http.js";
import { latestCodeFor, useLocalAwsEnvironment } from "../support/local.js";

const COOLDOWN_MS = 2_100; // CODE_RESEND_COOLDOWN_SECONDS in the test stack, plus a margin

/** What every answer of the client has: the response, and an error body on a 4xx. */
interface Answer {
  response: Response;
  error?: { error: string; field?: string };
}
interface SignInAnswer extends Answer {
  data?: Schemas["SignIn"];
}

const start = (identifier: string, password = PASSWORD): Promise<SignInAnswer> =>
  apiClient().POST("/v1/sign_ins", { body: { identifier, password } });
const prepare = (id: string, strategy: string): Promise<SignInAnswer> =>
  apiClient().POST("/v1/sign_ins/{id}/prepare_second_factor", {
    params: { path: { id } },
    body: { strategy },
  });
const attempt = (id: string, strategy: string, code: string): Promise<SignInAnswer> =>
  apiClient().POST("/v1/sign_ins/{id}/attempt_second_factor", {
    params: { path: { id } },
    body: { strategy, code },
  });
const getSignIn = (id: string): Promise<SignInAnswer> =>
  apiClient().GET("/v1/sign_ins/{id}", { params: { path: { id } } });
const passwordGrant = (username: string, extra: Partial<Schemas["TokenRequest"]> = {}) =>
  apiClient().POST("/v1/token", {
    body: { grant_type: "password", username, password: PASSWORD, ...extra },
  });

async function started(identifier: string): Promise<string> {
  const res = await start(identifier);
  expect(res.response.status).toBe(200);
  expect(res.data?.status).toBe("needs_second_factor");
  return String(res.data?.id);
}

/** A sign-in with its SMS or email code prepared, and the code as delivered. */
async function prepared(identifier: string, strategy: "phone_code" | "email_code", to: string) {
  const id = await started(identifier);
  const since = new Date();
  const res = await prepare(id, strategy);
  expect(res.response.status).toBe(200);
  return { id, code: await latestCodeFor(to, { after: since }) };
}

function wrongOf(code: string) {
  return code === "000000" ? "111111" : "000000";
}

/** Tokens from a completed sign-in work like those of /v1/token. */
async function expectSignedIn(res: SignInAnswer, username: string) {
  expect(res.response.status).toBe(200);
  expect(res.data).toMatchObject({ status: "complete", createdSessionId: expect.any(String) });
  const tokens = res.data?.tokens;
  expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 900 });
  const me = await apiClient(String(tokens?.access_token)).GET("/v1/user");
  expect(me.data?.username).toBe(username);
  const refreshed = await apiClient().POST("/v1/token", {
    body: { grant_type: "refresh_token", refresh_token: String(tokens?.refresh_token) },
  });
  expect(refreshed.response.status).toBe(200);
  const later = await getSignIn(String(res.data?.id));
  expect(later.data?.status).toBe("complete");
  expect(later.data?.tokens).toBeUndefined();
}

function expectError(res: Answer, status: number, error: string) {
  expect({ status: res.response.status, error: res.error?.error }).toEqual({ status, error });
}

/** Moves a stored sign-in's expiry into the past (TTL deletion is late; the API must check). */
async function backdate(id: string, attribute: "expiresAt" | "verification.expiresAt") {
  useLocalAwsEnvironment();
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const past = Math.floor(Date.now() / 1000) - 1;
  await db.send(
    new UpdateCommand({
      TableName: inject("tableName"),
      Key: { pk: `SIGNIN#${id}`, sk: "SIGNIN" },
      UpdateExpression:
        attribute === "expiresAt" ? "SET expiresAt = :past" : "SET verification.expiresAt = :past",
      ExpressionAttributeValues: { ":past": past },
    }),
  );
}

describe("a full sign-in with each strategy", () => {
  it("a user without TFA is complete at once, with tokens", async () => {
    const user = await simpleUserWithEmail();
    const res = await start(user.username);
    expect(res.data).toMatchObject({
      object: "sign_in",
      id: expect.stringMatching(/^sia_[A-Za-z0-9_-]{22}$/),
      supportedSecondFactors: [],
      secondFactorVerification: null,
    });
    await expectSignedIn(res, user.username);
  });

  it("phone_code: prepare sends an SMS bound to the sign-in, attempt completes it", async () => {
    const user = await smsUser();
    const res = await start(user.username);
    expect(res.data).toMatchObject({
      status: "needs_second_factor",
      supportedSecondFactors: [
        {
          strategy: "phone_code",
          safeIdentifier: `+${"*".repeat(user.phone.length - 5)}${user.phone.slice(-4)}`,
        },
      ],
      secondFactorVerification: null,
      createdSessionId: null,
    });
    expect(res.data?.tokens).toBeUndefined();
    const id = String(res.data?.id);
    const since = new Date();
    const ready = await prepare(id, "phone_code");
    expect(ready.data?.secondFactorVerification).toMatchObject({
      status: "unverified",
      strategy: "phone_code",
      attempts: 0,
      expireAt: expect.any(String),
    });
    const code = await latestCodeFor(user.phone, { after: since });
    await expectSignedIn(await attempt(id, "phone_code", code), user.username);
  });

  it("email_code: the same by email", async () => {
    const user = await emailTfaUser();
    const res = await start(user.username);
    expect(res.data?.supportedSecondFactors).toEqual([
      { strategy: "email_code", safeIdentifier: expect.stringMatching(/^u\*+\d@example\.com$/) },
    ]);
    const id = String(res.data?.id);
    const since = new Date();
    expect((await prepare(id, "email_code")).response.status).toBe(200);
    const code = await latestCodeFor(user.email, { after: since });
    await expectSignedIn(await attempt(id, "email_code", code), user.username);
  });

  it("totp: attempted directly, without preparation", async () => {
    const user = await authenticatorAppUser();
    const res = await start(user.username);
    expect(res.data?.supportedSecondFactors).toEqual([
      { strategy: "totp" },
      { strategy: "backup_code" },
    ]);
    await expectSignedIn(
      await attempt(String(res.data?.id), "totp", totpCode(user.secret)),
      user.username,
    );
  });

  it("backup_code: attempted directly, once", async () => {
    const user = await authenticatorAppUser();
    const code = user.backupCodes[2] ?? "";
    const id = await started(user.username);
    await expectSignedIn(await attempt(id, "backup_code", code), user.username);
    const second = await started(user.username);
    expectError(await attempt(second, "backup_code", code), 422, "form_code_incorrect");
  });

  it("an SMS code serves only its own sign-in: not another sign-in, not /v1/token", async () => {
    const user = await smsUser();
    const first = await prepared(user.username, "phone_code", user.phone);
    const second = await prepared(user.username, "phone_code", user.phone);
    expect(second.code).not.toBe(first.code);
    expectError(await attempt(second.id, "phone_code", first.code), 422, "form_code_incorrect");
    expectError(await passwordGrant(user.username, { otp: first.code }), 400, "invalid_otp");
    expect((await attempt(first.id, "phone_code", first.code)).response.status).toBe(200);
  });
});

describe("refusals with Clerk's codes", () => {
  it("invalid_grant: a wrong password and an unknown user answer alike", async () => {
    const user = await smsUser();
    const wrong = await start(user.username, "not the password");
    const unknown = await start(freshUsername(), "not the password");
    expectError(wrong, 400, "invalid_grant");
    expect(unknown.response.status).toBe(wrong.response.status);
    expect(rawText(unknown.response)).toBe(rawText(wrong.response));
  });

  it("form_code_incorrect (422) for a wrong code, counted in the verification's attempts", async () => {
    const user = await smsUser();
    const { id, code } = await prepared(user.username, "phone_code", user.phone);
    const res = await attempt(id, "phone_code", wrongOf(code));
    expectError(res, 422, "form_code_incorrect");
    expect(res.error?.field).toBe("code");
    expect((await getSignIn(id)).data?.secondFactorVerification).toMatchObject({ attempts: 1 });
  });

  it("malformed codes are form_code_incorrect without spending an attempt", async () => {
    const user = await smsUser();
    const { id, code } = await prepared(user.username, "phone_code", user.phone);
    const malformed = [
      ` ${code}`,
      `${code.slice(0, 3)} ${code.slice(3)}`,
      "１２３４５６",
      code.slice(1),
      `${code}0`,
      `+${code.slice(1)}`,
      "",
    ];
    // More malformed codes than the code's budget (5) and the lockout (10) together.
    for (let i = 0; i < 16; i++) {
      expectError(
        await attempt(id, "phone_code", malformed[i % malformed.length] ?? ""),
        422,
        "form_code_incorrect",
      );
    }
    expect((await getSignIn(id)).data?.secondFactorVerification).toMatchObject({ attempts: 0 });
    expect((await attempt(id, "phone_code", code)).response.status).toBe(200);
  });

  it("verification_failed (400) once the code's five attempts are spent, even for the right code", async () => {
    const user = await smsUser();
    const { id, code } = await prepared(user.username, "phone_code", user.phone);
    for (let i = 0; i < 5; i++) {
      expectError(await attempt(id, "phone_code", wrongOf(code)), 422, "form_code_incorrect");
    }
    expectError(await attempt(id, "phone_code", code), 400, "verification_failed");
    expect((await getSignIn(id)).data?.secondFactorVerification).toMatchObject({
      status: "failed",
      attempts: 5,
      error: { code: "verification_failed" },
    });
  });

  it("verification_missing (400) when a code is attempted before it was prepared", async () => {
    const user = await smsUser();
    const id = await started(user.username);
    expectError(await attempt(id, "phone_code", "123456"), 400, "verification_missing");
  });

  it("verification_expired (400) for a sign-in past its 10 minutes, and for an expired code", async () => {
    const user = await smsUser();
    const { id, code } = await prepared(user.username, "phone_code", user.phone);
    await backdate(id, "verification.expiresAt");
    expectError(await attempt(id, "phone_code", code), 400, "verification_expired");
    expect((await getSignIn(id)).data?.secondFactorVerification).toMatchObject({
      status: "expired",
      error: { code: "verification_expired" },
    });
    await backdate(id, "expiresAt");
    expectError(await attempt(id, "phone_code", code), 400, "verification_expired");
    expectError(await prepare(id, "phone_code"), 400, "verification_expired");
  });

  it("verification_already_verified (400) for a complete sign-in", async () => {
    const user = await authenticatorAppUser();
    const id = await started(user.username);
    expect((await attempt(id, "totp", totpCode(user.secret))).response.status).toBe(200);
    expectError(
      await attempt(id, "totp", totpCode(user.secret, 1)),
      400,
      "verification_already_verified",
    );
    expectError(
      await attempt(id, "backup_code", user.backupCodes[0] ?? ""),
      400,
      "verification_already_verified",
    );
  });

  it("verification_strategy_invalid (400) for preparing totp or backup_code, and for an unknown strategy", async () => {
    const user = await authenticatorAppUser();
    const id = await started(user.username);
    expectError(await prepare(id, "totp"), 400, "verification_strategy_invalid");
    expectError(await prepare(id, "backup_code"), 400, "verification_strategy_invalid");
    expectError(await attempt(id, "password", "123456"), 400, "verification_strategy_invalid");
  });

  it("strategy_for_user_invalid (400) for a strategy the user does not have", async () => {
    const user = await smsUser();
    const id = await started(user.username);
    expectError(await prepare(id, "email_code"), 400, "strategy_for_user_invalid");
    expectError(await attempt(id, "totp", "123456"), 400, "strategy_for_user_invalid");
    expectError(
      await attempt(id, "backup_code", "AAAA-BBBB-CCCC-DDDD"),
      400,
      "strategy_for_user_invalid",
    );
  });

  it("no_second_factors (400) when the user's app was unlinked after the sign-in began", async () => {
    const user = await authenticatorAppUser();
    const id = await started(user.username);
    const unlinked = await apiClient(user.access).PUT("/api/2.0/settings/tfaappnewapp", {
      body: { otp: user.backupCodes[0] },
    });
    expect(unlinked.response.status).toBe(200);
    expectError(await attempt(id, "totp", totpCode(user.secret)), 400, "no_second_factors");
  });

  it("user_locked (403) after ten wrong codes, across sign-ins and /v1/token, with Retry-After", async () => {
    const user = await authenticatorAppUser();
    const wrong = wrongOf(totpCode(user.secret));
    for (let i = 0; i < 5; i++) {
      expectError(await passwordGrant(user.username, { otp: wrong }), 400, "invalid_otp");
    }
    const id = await started(user.username);
    for (let i = 0; i < 5; i++) {
      expectError(await attempt(id, "totp", wrong), 422, "form_code_incorrect");
    }
    const locked = await attempt(id, "totp", totpCode(user.secret));
    expectError(locked, 403, "user_locked");
    expect(Number(locked.response.headers.get("retry-after"))).toBeGreaterThan(0);
    expectError(await start(user.username), 403, "user_locked");
    expectError(
      await passwordGrant(user.username, { otp: totpCode(user.secret) }),
      429,
      "too_many_attempts",
    );
  });

  it("too_many_requests (429) for a second code within the cooldown, with Retry-After", async () => {
    const user = await smsUser();
    const { id } = await prepared(user.username, "phone_code", user.phone);
    const again = await prepare(id, "phone_code");
    expectError(again, 429, "too_many_requests");
    expect(Number(again.response.headers.get("retry-after"))).toBeGreaterThan(0);
    await sleep(COOLDOWN_MS);
    const since = new Date();
    expect((await prepare(id, "phone_code")).response.status).toBe(200);
    const fresh = await latestCodeFor(user.phone, { after: since });
    expect((await attempt(id, "phone_code", fresh)).response.status).toBe(200);
  });

  it("not_found (404) for an unknown or malformed sign-in id", async () => {
    expectError(await getSignIn("sia_AAAAAAAAAAAAAAAAAAAAAA"), 404, "not_found");
    expectError(await getSignIn("not-an-id"), 404, "not_found");
    expectError(await prepare("sia_AAAAAAAAAAAAAAAAAAAAAA", "phone_code"), 404, "not_found");
    expectError(await prepare("sia_AAAAAAAAAAAAAAAAAAAAAA", "totp"), 404, "not_found");
    expectError(await attempt("sia_AAAAAAAAAAAAAAAAAAAAAA", "totp", "123456"), 404, "not_found");
  });

  it("invalid_request (400) for a body without the fields", async () => {
    // Deliberately not what the client's types allow.
    const body = { identifier: "someone" } as Schemas["SignInRequest"];
    const res = await apiClient().POST("/v1/sign_ins", { body });
    expectError(res, 400, "invalid_request");
    expect(res.error?.field).toBe("password");
  });
});

describe("races", () => {
  it("20 concurrent attempts with one backup code complete the sign-in once, with one set of tokens", async () => {
    const user = await authenticatorAppUser();
    const id = await started(user.username);
    const code = user.backupCodes[4] ?? "";
    const results = await Promise.all(
      Array.from({ length: 20 }, () => attempt(id, "backup_code", code)),
    );
    const winners = results.filter((r) => r.response.status === 200);
    expect(winners).toHaveLength(1);
    expect(winners[0]?.data?.tokens).toBeDefined();
    expect(results.every((r) => [200, 400, 403, 422].includes(r.response.status))).toBe(true);
  });

  it("20 concurrent attempts with one TOTP code complete the sign-in once", async () => {
    const user = await authenticatorAppUser();
    const id = await started(user.username);
    const code = totpCode(user.secret, 1);
    const results = await Promise.all(Array.from({ length: 20 }, () => attempt(id, "totp", code)));
    expect(results.filter((r) => r.response.status === 200)).toHaveLength(1);
  });

  it("two sign-ins cannot both be completed by one TOTP code", async () => {
    const user = await authenticatorAppUser();
    const [a, b] = [await started(user.username), await started(user.username)];
    const code = totpCode(user.secret, 1);
    const results = await Promise.all([attempt(a, "totp", code), attempt(b, "totp", code)]);
    expect(results.map((r) => r.response.status).sort()).toEqual([200, 422]);
  });
});
