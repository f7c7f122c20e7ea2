/**
 * Sign-ins in core, with in-memory stores and a pinned clock: strategies offered, expiry by
 * the clock, attempts spent and not spent, and completion once.
 */
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import {
  listBackupCodes,
  setupAuthenticatorApp,
  unlinkAuthenticatorApp,
  validateAuthenticatorApp,
} from "../../functions/core/authenticator-app.js";
import { open } from "../../functions/core/crypto.js";
import { nowEpochSeconds } from "../../functions/core/ports.js";
import {
  attemptSignInSecondFactor,
  createSignIn,
  getSignIn,
  prepareSignInSecondFactor,
  SIGN_IN_ID_PATTERN,
  SIGN_IN_TTL_SECONDS,
} from "../../functions/core/sign-ins.js";
import type { User } from "../../functions/core/users.js";
import { ENCRYPTION_KEY, makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";
const PHONE = "+33612345678";

function world(user: Partial<User> = {}) {
  const w = memoryWorld();
  const stored = makeUser(user);
  w.users.seed(stored);
  const start = () =>
    createSignIn(w.signInStart, { identifier: stored.username, password: PASSWORD });
  const started = async () => (await start()).signIn.id;
  const prepare = (id: string, strategy: string) =>
    prepareSignInSecondFactor(w.signInAttempt, id, { strategy, locale: "en" });
  const attempt = (id: string, strategy: string, code: unknown) =>
    attemptSignInSecondFactor(w.signInAttempt, id, { strategy, code });
  /** The last code sent, as the recipient reads it. */
  const lastCode = () => {
    const event = w.events.published.at(-1);
    return open(ENCRYPTION_KEY, event?.sealedCode ?? "", event?.id ?? "");
  };
  const show = (id: string) => getSignIn({ clock: w.clock, signIns: w.signIns }, id);
  return { ...w, user: stored, start, started, prepare, attempt, show, lastCode };
}

/** A user with a linked app (linked with the previous step's code) and its backup codes. */
async function appWorld() {
  const w = world({ email: "joe@example.com" });
  const secret = (
    await setupAuthenticatorApp(w.authenticatorApp, w.user)
  ).manualEntryKey.replaceAll(" ", "");
  const code = (steps = 0) =>
    generateSync({ secret, epoch: nowEpochSeconds(w.clock) + steps * 30 });
  expect(
    await validateAuthenticatorApp(w.authenticatorApp, w.user, { code: code(-1), locale: "en" }),
  ).toBe(true);
  const current = (await w.users.get(w.user.id)) as User;
  const backupCodes = (await listBackupCodes(w.authenticatorApp, current)).map((c) =>
    String(c.code),
  );
  return { ...w, code, backupCodes };
}

describe("starting a sign-in", () => {
  it("signs a user without TFA in at once, the session being a new refresh-token family", async () => {
    const w = world();
    const { signIn, tokens } = await w.start();
    expect(signIn).toMatchObject({ status: "complete", supportedSecondFactors: [] });
    expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(signIn.createdSessionId).toBe(w.refreshTokens.records[0]?.familyId);
  });

  it("gives every sign-in its own id of 128 random bits", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const ids = await Promise.all(Array.from({ length: 20 }, () => w.started()));
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(SIGN_IN_ID_PATTERN);
  });

  it("answers a wrong password and an unknown user with the same invalid_grant", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const wrong = await refusal(
      createSignIn(w.signInStart, { identifier: w.user.username, password: "nope nope" }),
    );
    const unknown = await refusal(
      createSignIn(w.signInStart, { identifier: "nobody", password: "nope nope" }),
    );
    expect([wrong.code, wrong.description]).toEqual([unknown.code, unknown.description]);
    expect(wrong.code).toBe("invalid_grant");
    expect(w.signIns.items.size).toBe(0);
  });

  it("offers phone_code with the number masked to an SMS user, email_code to an email user", async () => {
    const sms = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    expect((await sms.start()).signIn.supportedSecondFactors).toEqual([
      { strategy: "phone_code", safeIdentifier: "+*******5678" },
    ]);
    const email = world({ authMethod: "tfa_email", email: "joe.doe@example.com" });
    expect((await email.start()).signIn.supportedSecondFactors).toEqual([
      { strategy: "email_code", safeIdentifier: "j*****e@example.com" },
    ]);
  });

  it("offers totp and backup_code to an app user, and totp alone once every backup code is used", async () => {
    const w = await appWorld();
    expect((await w.start()).signIn.supportedSecondFactors).toEqual([
      { strategy: "totp" },
      { strategy: "backup_code" },
    ]);
    for (const code of w.backupCodes) expect(await w.spendBackupCode(w.user.id, code)).toBe(true);
    expect((await w.start()).signIn.supportedSecondFactors).toEqual([{ strategy: "totp" }]);
  });

  it("refuses a locked user with user_locked", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    for (let i = 0; i < 10; i++)
      await w.guard.reserve(w.user.id, nowEpochSeconds(w.clock), w.secondFactor.lockout);
    const error = await refusal(w.start());
    expect(error.code).toBe("user_locked");
    expect(error.options.retryAfterSeconds).toBe(15 * 60);
  });
});

describe("SMS and email codes", () => {
  it("prepare sends a code bound to the sign-in; the right code completes it with tokens", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    const prepared = await w.prepare(id, "phone_code");
    expect(prepared.secondFactorVerification).toMatchObject({
      status: "unverified",
      strategy: "phone_code",
      attempts: 0,
    });
    expect(w.events.published.at(-1)?.recipient).toEqual({ channel: "sms", to: PHONE });
    const done = await w.attempt(id, "phone_code", w.lastCode());
    expect(done.signIn).toMatchObject({ status: "complete" });
    expect(done.signIn.secondFactorVerification).toMatchObject({ status: "verified", attempts: 1 });
    expect(done.tokens?.refresh_token).toBeDefined();
  });

  it("a malformed code is form_code_incorrect and counts nowhere", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    await w.prepare(id, "phone_code");
    for (const code of ["12345", "1234567", " 123456", "+12345", "１２３４５６", "", 123456]) {
      expect((await refusal(w.attempt(id, "phone_code", code))).code).toBe("form_code_incorrect");
    }
    expect(w.guard.failures(w.user.id)).toBe(0);
    expect((await w.show(id)).secondFactorVerification?.attempts).toBe(0);
    expect([...w.codes.store.items.values()][0]?.attempts).toBe(0);
  });

  it("the fifth wrong code fails the verification; then even the right code is verification_failed", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    await w.prepare(id, "phone_code");
    const code = w.lastCode();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      expect((await refusal(w.attempt(id, "phone_code", wrong))).code).toBe("form_code_incorrect");
    }
    expect((await w.show(id)).secondFactorVerification).toMatchObject({
      status: "failed",
      attempts: 5,
    });
    expect((await refusal(w.attempt(id, "phone_code", code))).code).toBe("verification_failed");
  });

  it("a new prepare within the cooldown is too_many_requests with a wait", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    await w.prepare(id, "phone_code");
    w.clock.advanceSeconds(10);
    const error = await refusal(w.prepare(id, "phone_code"));
    expect(error.code).toBe("too_many_requests");
    expect(error.options.retryAfterSeconds).toBe(20);
  });

  it("attempting before preparing is verification_missing", async () => {
    const w = world({ authMethod: "tfa_email", email: "joe@example.com" });
    const id = await w.started();
    expect((await refusal(w.attempt(id, "email_code", "123456"))).code).toBe(
      "verification_missing",
    );
  });
});

describe("expiry", () => {
  it("a sign-in expires after 10 minutes: prepare and attempt answer verification_expired", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    await w.prepare(id, "phone_code");
    const code = w.lastCode();
    w.clock.advanceSeconds(SIGN_IN_TTL_SECONDS);
    expect((await refusal(w.attempt(id, "phone_code", code))).code).toBe("verification_expired");
    expect((await refusal(w.prepare(id, "phone_code"))).code).toBe("verification_expired");
    const shown = await w.show(id);
    expect(shown.secondFactorVerification).toMatchObject({
      status: "expired",
      error: { code: "verification_expired" },
    });
  });

  it("a code never outlives its sign-in", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const id = await w.started();
    w.clock.advanceSeconds(SIGN_IN_TTL_SECONDS - 60);
    const prepared = await w.prepare(id, "phone_code");
    expect(prepared.secondFactorVerification?.expireAt).toBe(prepared.expireAt);
  });
});

describe("TOTP and backup codes", () => {
  it("totp is attempted directly and completes the sign-in once", async () => {
    const w = await appWorld();
    const id = await w.started();
    expect((await w.attempt(id, "totp", w.code())).signIn.status).toBe("complete");
    expect((await refusal(w.attempt(id, "totp", w.code(1)))).code).toBe(
      "verification_already_verified",
    );
  });

  it("two correct factors at once complete the sign-in once and mint one set of tokens", async () => {
    const w = await appWorld();
    const id = await w.started();
    const before = w.refreshTokens.records.length;
    const results = await Promise.allSettled([
      w.attempt(id, "backup_code", w.backupCodes[0]),
      w.attempt(id, "backup_code", w.backupCodes[1]),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason.code).toBe("verification_already_verified");
    expect(w.refreshTokens.records.length).toBe(before + 1);
  });

  it("a TOTP and a backup code racing complete the sign-in once; the other is told it is verified", async () => {
    const w = await appWorld();
    const id = await w.started();
    const results = await Promise.allSettled([
      w.attempt(id, "totp", w.code()),
      w.attempt(id, "backup_code", w.backupCodes[0]),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason.code).toBe("verification_already_verified");
    expect((await w.show(id)).status).toBe("complete");
  });

  it("cannot be prepared", async () => {
    const w = await appWorld();
    const id = await w.started();
    for (const strategy of ["totp", "backup_code"]) {
      expect((await refusal(w.prepare(id, strategy))).code).toBe("verification_strategy_invalid");
    }
  });

  it("a strategy the user does not have is strategy_for_user_invalid; an unknown one verification_strategy_invalid", async () => {
    const w = await appWorld();
    const id = await w.started();
    expect((await refusal(w.prepare(id, "phone_code"))).code).toBe("strategy_for_user_invalid");
    expect((await refusal(w.attempt(id, "email_code", "123456"))).code).toBe(
      "strategy_for_user_invalid",
    );
    expect((await refusal(w.attempt(id, "passkey", "123456"))).code).toBe(
      "verification_strategy_invalid",
    );
  });

  it("the tenth wrong code locks the user: user_locked, and the lock holds for new sign-ins", async () => {
    const w = await appWorld();
    const id = await w.started();
    const wrong = w.code() === "000000" ? "111111" : "000000";
    for (let i = 0; i < 10; i++) {
      expect((await refusal(w.attempt(id, "totp", wrong))).code).toBe("form_code_incorrect");
    }
    expect((await refusal(w.attempt(id, "totp", w.code()))).code).toBe("user_locked");
    expect((await refusal(w.start())).code).toBe("user_locked");
    expect(w.events.published.filter((e) => e.type === "user.locked")).toHaveLength(1);
  });

  it("no_second_factors once the app is unlinked after the sign-in began", async () => {
    const w = await appWorld();
    const id = await w.started();
    const user = (await w.users.get(w.user.id)) as User;
    await unlinkAuthenticatorApp(w.authenticatorApp, user, { otp: w.code(), locale: "en" });
    expect((await refusal(w.attempt(id, "totp", w.code(1)))).code).toBe("no_second_factors");
  });

  it("an unknown id is not_found", async () => {
    const w = world();
    expect((await refusal(w.show("sia_AAAAAAAAAAAAAAAAAAAAAA"))).code).toBe("not_found");
    expect((await refusal(w.attempt("../etc", "totp", "123456"))).code).toBe("not_found");
  });
});
