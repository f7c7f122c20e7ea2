/**
 * Authenticator apps in core, with in-memory stores, a pinned clock and seeded randomness:
 * pending enrollments, linking, backup codes shown once, step-up, lockout accounting and
 * unlinking.
 */
import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import {
  BACKUP_CODES_REVEAL_SECONDS,
  listBackupCodes,
  PENDING_ENROLLMENT_REUSE_SECONDS,
  PENDING_ENROLLMENT_TTL_SECONDS,
  regenerateBackupCodes,
  setupAuthenticatorApp,
  unlinkAuthenticatorApp,
  validateAuthenticatorApp,
} from "../../functions/core/authenticator-app.js";
import { totpSecretContext } from "../../functions/core/authenticator-app-codes.js";
import { open } from "../../functions/core/crypto.js";
import { nowEpochSeconds } from "../../functions/core/ports.js";
import type { User } from "../../functions/core/users.js";
import { ENCRYPTION_KEY, makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

function world(user: Partial<User> = {}) {
  const w = memoryWorld();
  const stored = makeUser({ email: "joe@example.com", ...user });
  w.users.seed(stored);
  const current = async () => (await w.users.get(stored.id)) as User;
  /** The code the user's authenticator app shows `steps` steps from the pinned clock. */
  const code = (secret: string, steps = 0) =>
    generateSync({ secret, epoch: nowEpochSeconds(w.clock) + steps * 30 });
  return { ...w, user: stored, current, code };
}

/** A user with a linked app; an SMS or email user first confirms with the code sent to them. */
async function linked(user: Partial<User> = {}) {
  const w = world(user);
  const setup = await setupAuthenticatorApp(w.authenticatorApp, w.user);
  const secret = setup.manualEntryKey.replaceAll(" ", "");
  const code = w.code(secret, -1);
  let otp: string | undefined;
  if (w.user.authMethod !== "simple") {
    const asked = await refusal(
      validateAuthenticatorApp(w.authenticatorApp, w.user, { code, locale: "en" }),
    );
    expect(asked.code).toBe("otp_required");
    const event = w.events.published.at(-1);
    otp = open(ENCRYPTION_KEY, event?.sealedCode ?? "", event?.id ?? "");
  }
  expect(
    await validateAuthenticatorApp(w.authenticatorApp, w.user, { code, otp, locale: "en" }),
  ).toBe(true);
  const backupCodes = (await listBackupCodes(w.authenticatorApp, await w.current())).map((c) =>
    String(c.code),
  );
  return { ...w, secret, backupCodes };
}

describe("setup", () => {
  it("creates a pending enrollment with a 160-bit secret, sealed and bound to the user", async () => {
    const w = world();
    const setup = await setupAuthenticatorApp(w.authenticatorApp, w.user);
    const secret = setup.manualEntryKey.replaceAll(" ", "");
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.account).toBe("joe@example.com");
    expect(setup.keyUri).toBe(
      `otpauth://totp/Twofa:joe%40example.com?secret=${secret}&issuer=Twofa&algorithm=SHA1&digits=6&period=30`,
    );
    const pending = w.authenticatorApps.pending.get(w.user.id);
    expect(pending?.sealedSecret).not.toContain(secret);
    expect(open(ENCRYPTION_KEY, pending?.sealedSecret ?? "", totpSecretContext(w.user.id))).toBe(
      secret,
    );
    expect(() =>
      open(ENCRYPTION_KEY, pending?.sealedSecret ?? "", totpSecretContext("usr_x")),
    ).toThrow();
    expect((await w.current()).totp).toBeUndefined();
  });

  it("labels the account with the username when there is no email", async () => {
    const w = world({ email: undefined });
    expect((await setupAuthenticatorApp(w.authenticatorApp, w.user)).account).toBe(w.user.username);
  });

  it("shows the same secret while the enrollment is fresh, and a new one afterwards", async () => {
    const w = world();
    const first = await setupAuthenticatorApp(w.authenticatorApp, w.user);
    w.clock.advanceSeconds(PENDING_ENROLLMENT_REUSE_SECONDS - 1);
    expect((await setupAuthenticatorApp(w.authenticatorApp, w.user)).manualEntryKey).toBe(
      first.manualEntryKey,
    );
    w.clock.advanceSeconds(2);
    const next = await setupAuthenticatorApp(w.authenticatorApp, w.user);
    expect(next.manualEntryKey).not.toBe(first.manualEntryKey);
  });
});

describe("validate", () => {
  it("links the app with the step just used, the previous method, and ten hashed backup codes", async () => {
    const w = await linked({ authMethod: "simple" });
    const user = await w.current();
    expect(user.authMethod).toBe("totp");
    expect(user.previousAuthMethod).toBe("simple");
    expect(user.version).toBe(2);
    expect(user.totp?.lastUsedStep).toBe(nowEpochSeconds(w.clock) / 30 - 1);
    expect(w.authenticatorApps.pending.has(w.user.id)).toBe(false);
    expect(w.backupCodes).toHaveLength(10);
    const stored = JSON.stringify([...w.authenticatorApps.backup.values()]);
    for (const code of w.backupCodes) expect(stored).not.toContain(code);
  });

  it("tells the user on their email that the app was turned on", async () => {
    const w = await linked();
    const event = w.events.published.find((e) => e.type === "user.tfa.enabled");
    expect(event).toMatchObject({
      recipient: { channel: "email", to: "joe@example.com" },
      data: { userId: w.user.id, method: "totp" },
    });
  });

  it("answers false to a wrong code, counting one failure, and links nothing", async () => {
    const w = world();
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    const wrong = w.code(secret) === "000000" ? "111111" : "000000";
    expect(
      await validateAuthenticatorApp(w.authenticatorApp, w.user, { code: wrong, locale: "en" }),
    ).toBe(false);
    expect(w.guard.failures(w.user.id)).toBe(1);
    expect((await w.current()).totp).toBeUndefined();
  });

  it("answers false to malformed codes without counting anything", async () => {
    const w = world();
    await setupAuthenticatorApp(w.authenticatorApp, w.user);
    for (const code of ["12345", "1234567", " 123456", "+12345", "１２３４５６", 123456, null]) {
      expect(
        await validateAuthenticatorApp(w.authenticatorApp, w.user, { code, locale: "en" }),
      ).toBe(false);
    }
    expect(w.guard.failures(w.user.id)).toBe(0);
  });

  it("locks the user at the tenth wrong code, tells them, and refuses the right code then", async () => {
    const w = world();
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    const wrong = w.code(secret) === "000000" ? "111111" : "000000";
    for (let i = 0; i < 10; i++) {
      expect(
        await validateAuthenticatorApp(w.authenticatorApp, w.user, { code: wrong, locale: "en" }),
      ).toBe(false);
    }
    expect(w.events.published.filter((e) => e.type === "user.locked")).toHaveLength(1);
    const error = await refusal(
      validateAuthenticatorApp(w.authenticatorApp, w.user, { code: w.code(secret), locale: "en" }),
    );
    expect(error.code).toBe("too_many_attempts");
    expect(error.options.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("refuses without a pending enrollment, and after it expired", async () => {
    const w = world();
    expect(
      (
        await refusal(
          validateAuthenticatorApp(w.authenticatorApp, w.user, { code: "123456", locale: "en" }),
        )
      ).code,
    ).toBe("tfa_app_not_set_up");
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    w.clock.advanceSeconds(PENDING_ENROLLMENT_TTL_SECONDS);
    const late = validateAuthenticatorApp(w.authenticatorApp, w.user, {
      code: w.code(secret),
      locale: "en",
    });
    expect((await refusal(late)).code).toBe("tfa_app_not_set_up");
  });

  it("answers conflict when the account changed between the check and the link", async () => {
    const w = world();
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    w.authenticatorApps.loseNextWrite = true;
    const error = await refusal(
      validateAuthenticatorApp(w.authenticatorApp, w.user, { code: w.code(secret), locale: "en" }),
    );
    expect(error.code).toBe("conflict");
    expect(w.events.published.some((e) => e.type === "user.tfa.enabled")).toBe(false);
  });
});

describe("replacing a linked app", () => {
  it("needs a current second factor: 403 without one, a wrong one refused, then linked", async () => {
    const w = await linked();
    const next = (
      await setupAuthenticatorApp(w.authenticatorApp, await w.current())
    ).manualEntryKey.replaceAll(" ", "");
    const code = w.code(next);
    const none = await refusal(
      validateAuthenticatorApp(w.authenticatorApp, await w.current(), { code, locale: "en" }),
    );
    expect(none.code).toBe("second_factor_required");
    expect(none.options.field).toBe("otp");
    const bad = validateAuthenticatorApp(w.authenticatorApp, await w.current(), {
      code,
      otp: "000000",
      locale: "en",
    });
    expect((await refusal(bad)).code).toBe("invalid_otp");
    const otp = w.backupCodes[0];
    expect(
      await validateAuthenticatorApp(w.authenticatorApp, await w.current(), {
        code,
        otp,
        locale: "en",
      }),
    ).toBe(true);
    const user = await w.current();
    expect(open(ENCRYPTION_KEY, user.totp?.sealedSecret ?? "", totpSecretContext(user.id))).toBe(
      next,
    );
    expect(user.previousAuthMethod).toBe("simple");
  });

  it("for an SMS user, sends a step-up code and answers otp_required before replacing SMS", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: "+33612345678" });
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    const error = await refusal(
      validateAuthenticatorApp(w.authenticatorApp, w.user, { code: w.code(secret), locale: "en" }),
    );
    expect(error.code).toBe("otp_required");
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.step_up_code.created",
      recipient: { channel: "sms", to: "+33612345678" },
    });
  });
});

describe("backup codes", () => {
  it("are shown once, then only their status", async () => {
    const w = await linked();
    expect(new Set(w.backupCodes).size).toBe(10);
    const later = await listBackupCodes(w.authenticatorApp, await w.current());
    expect(later).toEqual(Array.from({ length: 10 }, () => ({ isUsed: false, code: null })));
  });

  it("are not shown after the reveal window, even if never read", async () => {
    const w = world();
    const secret = (
      await setupAuthenticatorApp(w.authenticatorApp, w.user)
    ).manualEntryKey.replaceAll(" ", "");
    await validateAuthenticatorApp(w.authenticatorApp, w.user, {
      code: w.code(secret),
      locale: "en",
    });
    w.clock.advanceSeconds(BACKUP_CODES_REVEAL_SECONDS);
    const codes = await listBackupCodes(w.authenticatorApp, await w.current());
    expect(codes.every((c) => c.code === null)).toBe(true);
  });

  it("regenerating needs a current second factor and replaces every code", async () => {
    const w = await linked();
    const none = await refusal(
      regenerateBackupCodes(w.authenticatorApp, await w.current(), { locale: "en" }),
    );
    expect(none.code).toBe("second_factor_required");
    const fresh = await regenerateBackupCodes(w.authenticatorApp, await w.current(), {
      otp: w.code(w.secret),
      locale: "en",
    });
    expect(fresh).toHaveLength(10);
    expect(fresh.every((c) => c.isUsed === false && typeof c.code === "string")).toBe(true);
    expect(await w.spendBackupCode(w.user.id, w.backupCodes[1] ?? "")).toBe(false);
    expect(await w.spendBackupCode(w.user.id, fresh[1]?.code ?? "")).toBe(true);
    expect(w.events.published.at(-1)?.type).toBe("user.backup_codes.regenerated");
  });

  it("a TOTP code used for step-up cannot be used again", async () => {
    const w = await linked();
    const otp = w.code(w.secret);
    await regenerateBackupCodes(w.authenticatorApp, await w.current(), { otp, locale: "en" });
    const again = regenerateBackupCodes(w.authenticatorApp, await w.current(), {
      otp,
      locale: "en",
    });
    expect((await refusal(again)).code).toBe("invalid_otp");
  });
});

describe("unlinking", () => {
  it("returns to the method used before the app and tells the user", async () => {
    const w = await linked({ authMethod: "tfa_email" });
    await unlinkAuthenticatorApp(w.authenticatorApp, await w.current(), {
      otp: w.code(w.secret),
      locale: "en",
    });
    const user = await w.current();
    expect(user.authMethod).toBe("tfa_email");
    expect(user.totp).toBeUndefined();
    expect(user.previousAuthMethod).toBeUndefined();
    expect(await listBackupCodes(w.authenticatorApp, user)).toEqual([]);
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.contact.changed",
      data: { what: "authenticator app" },
    });
  });

  it("falls back to simple when the earlier method's contact is gone, and says TFA is off", async () => {
    const w = await linked({ authMethod: "simple" });
    const user = await w.current();
    w.users.seed({ ...user, previousAuthMethod: "tfa_sms" });
    await unlinkAuthenticatorApp(w.authenticatorApp, await w.current(), {
      otp: w.code(w.secret),
      locale: "en",
    });
    expect((await w.current()).authMethod).toBe("simple");
    expect(w.events.published.at(-1)?.type).toBe("user.tfa.disabled");
  });

  it("is refused where TFA is required and nothing else would remain", async () => {
    const w = await linked();
    const tfa = { ...w.authenticatorApp, requireTfa: true };
    const error = await refusal(
      unlinkAuthenticatorApp(tfa, await w.current(), { otp: w.code(w.secret), locale: "en" }),
    );
    expect(error.code).toBe("tfa_required");
    expect((await w.current()).authMethod).toBe("totp");
  });

  it("needs a linked app", async () => {
    const w = world();
    const error = await refusal(
      unlinkAuthenticatorApp(w.authenticatorApp, w.user, { otp: "123456", locale: "en" }),
    );
    expect(error.code).toBe("tfa_app_not_set_up");
  });
});
