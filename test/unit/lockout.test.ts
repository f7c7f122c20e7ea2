/**
 * The lockout over days, in core with in-memory stores and a pinned clock: locks that double,
 * the hard cap after which waiting no longer helps, another factor or a reset that unlocks,
 * the user told on their channel, and a sign-in that cannot outlive its share of guesses.
 */
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import {
  listBackupCodes,
  setupAuthenticatorApp,
  validateAuthenticatorApp,
} from "../../functions/core/authenticator-app.js";
import { FACTOR_DISABLED, unlock } from "../../functions/core/lockout.js";
import { DEFAULT_LOCKOUT_POLICY } from "../../functions/core/policy.js";
import { nowEpochSeconds } from "../../functions/core/ports.js";
import { attemptSecondFactor } from "../../functions/core/second-factor.js";
import { attemptSignInSecondFactor, createSignIn } from "../../functions/core/sign-ins.js";
import type { User } from "../../functions/core/users.js";
import { makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";

/** A user with a linked authenticator app and its backup codes. */
async function appWorld() {
  const w = memoryWorld();
  const stored = makeUser({ email: "joe@example.com" });
  w.users.seed(stored);
  const secret = (
    await setupAuthenticatorApp(w.authenticatorApp, stored)
  ).manualEntryKey.replaceAll(" ", "");
  const code = (steps = 0) =>
    generateSync({ secret, epoch: nowEpochSeconds(w.clock) + steps * 30 });
  expect(
    await validateAuthenticatorApp(w.authenticatorApp, stored, { code: code(-1), locale: "en" }),
  ).toBe(true);
  const user = async () => (await w.users.get(stored.id)) as User;
  const backupCodes = (await listBackupCodes(w.authenticatorApp, await user())).map((c) =>
    String(c.code),
  );
  /** A six-digit code that is none of the codes valid now. */
  const wrong = () => {
    const valid = new Set([code(-1), code(), code(1)]);
    return ["000000", "111111", "222222", "333333"].find((c) => !valid.has(c)) as string;
  };
  const guessTotp = async (code: string) =>
    attemptSecondFactor(w.secondFactor, await user(), { strategy: "totp", code });
  return { ...w, user, code, wrong, backupCodes, guessTotp };
}

describe("lockout over days", () => {
  it("a password holder guessing TOTP gets doubling locks and, after 100 failures, no more guesses however long they wait", async () => {
    const w = await appWorld();
    const policy = DEFAULT_LOCKOUT_POLICY;
    const locks: number[] = [];
    let evaluated = 0;
    for (let day = 0; day < 30; day++) {
      // Guess until refused, then wait out whatever lock says, as an attacker would.
      for (;;) {
        const outcome = await w.guessTotp(w.wrong());
        if (outcome.ok) throw new Error("a wrong code was accepted");
        if (outcome.reason !== "locked") {
          evaluated += 1;
          continue;
        }
        if (outcome.retryAfterSeconds === FACTOR_DISABLED) break;
        locks.push(outcome.retryAfterSeconds);
        w.clock.advanceSeconds(outcome.retryAfterSeconds);
      }
      w.clock.advanceSeconds(24 * 60 * 60);
    }
    expect(evaluated).toBe(policy.hardCapFailures);
    expect(locks).toEqual([900, 1800, 3600, 7200, 14_400, 28_800, 57_600, 86_400, 86_400]);
    // Even the right code is refused now: waiting does not unlock the factor that failed.
    expect(await w.guessTotp(w.code())).toEqual({
      ok: false,
      reason: "locked",
      retryAfterSeconds: FACTOR_DISABLED,
    });
    const told = w.events.published.filter((e) => e.type === "user.locked");
    expect(told).toHaveLength(10);
    expect(told.at(-1)?.data.disabled).toBe(1);
    expect(told.slice(0, -1).every((e) => e.data.disabled === undefined)).toBe(true);
  });

  it("past the hard cap, a backup code (another factor) signs in and unlocks the app", async () => {
    const w = await appWorld();
    for (let i = 0; i < 100; i++) {
      const outcome = await w.guessTotp(w.wrong());
      if (!outcome.ok && outcome.reason === "locked") {
        w.clock.advanceSeconds(outcome.retryAfterSeconds);
        i -= 1;
      }
    }
    expect((await w.guessTotp(w.code())).ok).toBe(false);
    const backup = await attemptSecondFactor(w.secondFactor, await w.user(), {
      strategy: "backup_code",
      code: w.backupCodes[0],
    });
    expect(backup).toEqual({ ok: true });
    const unlocked = w.events.published.filter((e) => e.type === "user.unlocked");
    expect(unlocked).toHaveLength(1);
    expect(unlocked[0]).toMatchObject({ userId: (await w.user()).id, data: { by: "success" } });
    w.clock.advanceSeconds(60);
    expect(await w.guessTotp(w.code())).toEqual({ ok: true });
  });

  it("past the hard cap, a sign-in still starts, refuses the app's codes for good and completes with a backup code", async () => {
    const w = await appWorld();
    for (let i = 0; i < 100; i++) {
      const outcome = await w.guessTotp(w.wrong());
      if (!outcome.ok && outcome.reason === "locked") {
        w.clock.advanceSeconds(outcome.retryAfterSeconds);
        i -= 1;
      }
    }
    // Still within the last timed lock: the backup code need not wait for it.
    const { signIn } = await createSignIn(w.signInStart, {
      identifier: (await w.user()).username,
      password: PASSWORD,
    });
    const attempt = (strategy: string, code: string) =>
      attemptSignInSecondFactor(w.signInAttempt, signIn.id, { strategy, code });
    expect((await refusal(attempt("totp", w.code()))).code).toBe("second_factor_disabled");
    const done = await attempt("backup_code", w.backupCodes[0] as string);
    expect(done.signIn.status).toBe("complete");
    expect(done.tokens?.token_type).toBe("bearer");
  });

  it("unlock (a reset) lifts a disabled factor and publishes user.unlocked", async () => {
    const w = await appWorld();
    const policy = { ...DEFAULT_LOCKOUT_POLICY, hardCapFailures: 10 };
    w.secondFactor.lockout = policy;
    for (let i = 0; i < 10; i++) await w.guessTotp(w.wrong());
    w.clock.advanceSeconds(7 * 24 * 60 * 60);
    expect(await w.guessTotp(w.code())).toMatchObject({ retryAfterSeconds: FACTOR_DISABLED });
    await unlock(w.secondFactor, await w.user());
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.unlocked",
      data: { by: "reset" },
    });
    expect(await w.guessTotp(w.code())).toEqual({ ok: true });
  });

  it("an SMS user is told by SMS when locked, and the event says until when", async () => {
    const w = memoryWorld();
    const user = makeUser({
      authMethod: "tfa_sms",
      phoneNumber: "+33612345678",
      email: "joe@example.com",
    });
    w.users.seed(user);
    for (let i = 0; i < 10; i++) {
      await attemptSecondFactor(w.secondFactor, user, {
        strategy: "phone_code",
        code: "123456",
        purpose: "login",
        subject: user.id,
      });
    }
    const locked = w.events.published.filter((e) => e.type === "user.locked");
    expect(locked).toHaveLength(1);
    expect(locked[0]?.recipient).toEqual({ channel: "sms", to: "+33612345678" });
    expect(locked[0]?.userId).toBe(user.id);
    expect(locked[0]?.data).toMatchObject({
      minutes: 15,
      lockedUntil: new Date(w.clock.nowMs() + 15 * 60 * 1000).toISOString(),
    });
  });

  it("one sign-in gets no more guesses than one round, however many lock periods it outlives", async () => {
    const w = await appWorld();
    const policy = { ...DEFAULT_LOCKOUT_POLICY, lockSeconds: 60 };
    w.secondFactor.lockout = policy;
    w.signInStart.lockout = policy;
    const start = async () =>
      (
        await createSignIn(w.signInStart, {
          identifier: (await w.user()).username,
          password: PASSWORD,
        })
      ).signIn.id;
    const attempt = (id: string, code: string) =>
      attemptSignInSecondFactor(w.signInAttempt, id, { strategy: "totp", code });
    const id = await start();
    for (let i = 0; i < 10; i++) {
      expect((await refusal(attempt(id, w.wrong()))).code).toBe("form_code_incorrect");
    }
    expect((await refusal(attempt(id, w.wrong()))).code).toBe("user_locked");
    w.clock.advanceSeconds(61);
    expect((await refusal(attempt(id, w.wrong()))).code).toBe("verification_failed");
    // A new sign-in, behind the password again, gets the next round.
    expect((await refusal(attempt(await start(), w.wrong()))).code).toBe("form_code_incorrect");
  });
});
