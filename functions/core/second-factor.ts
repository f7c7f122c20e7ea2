/**
 * One place where a second factor is checked, for the token endpoint, sign-ins and step-up
 * alike: malformed input spends nothing; every evaluation is first counted against the user's
 * lockout; a success resets the count; reaching the limit tells the user.
 */

import {
  type AuthenticatorAppCodeDeps,
  acceptTotpCode,
  isWellFormedBackupCode,
  isWellFormedTotpCode,
  spendBackupCode,
} from "./authenticator-app-codes.js";
import { randomId } from "./crypto.js";
import type { DomainEvent, EventPublisher, Locale } from "./events.js";
import {
  type AttemptGuard,
  type LockStarted,
  lockStartedBy,
  publishUnlocked,
  type ReserveAttemptOutcome,
  successUnlocks,
} from "./lockout.js";
import type { LockoutPolicy } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import type { User } from "./users.js";
import {
  type CodeDeps,
  type CodePurpose,
  endResendCooldown,
  isWellFormedCode,
  verifyCode,
} from "./verification-codes.js";

export const STRATEGIES = ["phone_code", "email_code", "totp", "backup_code", "passkey"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface SecondFactorDeps {
  clock: Clock;
  random: Random;
  guard: AttemptGuard;
  lockout: LockoutPolicy;
  events: EventPublisher;
  codes: CodeDeps;
  /** The codes of linked authenticator apps; without it, TOTP and backup codes are refused. */
  authenticatorApp?: AuthenticatorAppCodeDeps;
}

export type AttemptInput =
  | { strategy: "phone_code" | "email_code"; code: unknown; purpose: CodePurpose; subject: string }
  | { strategy: "totp" | "backup_code"; code: unknown };

export type AttemptOutcome =
  | { ok: true }
  | { ok: false; reason: "malformed" | "incorrect" | "expired" | "missing" | "exhausted" }
  | { ok: false; reason: "locked"; retryAfterSeconds: number };

function wellFormed(deps: SecondFactorDeps, input: AttemptInput): boolean {
  switch (input.strategy) {
    case "phone_code":
    case "email_code":
      return isWellFormedCode(input.code, deps.codes.policy.digits);
    case "totp":
      return deps.authenticatorApp !== undefined && isWellFormedTotpCode(input.code);
    case "backup_code":
      return deps.authenticatorApp !== undefined && isWellFormedBackupCode(input.code);
  }
}

export async function attemptSecondFactor(
  deps: SecondFactorDeps,
  user: User,
  input: AttemptInput,
): Promise<AttemptOutcome> {
  if (!wellFormed(deps, input)) return { ok: false, reason: "malformed" };
  const now = nowEpochSeconds(deps.clock);
  const reserved = await deps.guard.reserve(user.id, now, deps.lockout, input.strategy);
  if (!reserved.ok) {
    return { ok: false, reason: "locked", retryAfterSeconds: reserved.retryAfterSeconds };
  }
  const code = input.code as string;
  let outcome: AttemptOutcome;
  // Once a code is used, its resend cooldown ends, in the round that settles the attempt.
  let endCooldown: (() => Promise<void>) | undefined;
  if (input.strategy === "phone_code" || input.strategy === "email_code") {
    const checked = await verifyCode(deps.codes, input.purpose, input.subject, code);
    if (checked.ok) {
      const consumed = await deps.codes.store.consume(
        checked.consumption.purpose,
        checked.consumption.subject,
        checked.consumption.challengeId,
        nowEpochSeconds(deps.clock),
      );
      if (consumed) endCooldown = () => endResendCooldown(deps.codes, input.purpose, input.subject);
      outcome = consumed ? { ok: true } : { ok: false, reason: "missing" };
    } else {
      outcome = {
        ok: false,
        reason:
          checked.reason === "malformed" || checked.reason === "other_handle"
            ? "incorrect"
            : checked.reason,
      };
    }
  } else {
    const authenticatorApp = deps.authenticatorApp;
    const accepted =
      authenticatorApp !== undefined &&
      (input.strategy === "totp"
        ? await acceptTotpCode(authenticatorApp, user, code, now)
        : await spendBackupCode(
            authenticatorApp,
            user,
            code,
            new Date(deps.clock.nowMs()).toISOString(),
          ));
    outcome = accepted ? { ok: true } : { ok: false, reason: "incorrect" };
  }

  await Promise.all([endCooldown?.(), settleAttempt(deps, user, reserved, outcome.ok)]);
  if (outcome.ok && input.strategy === "backup_code") await recordBackupCodeUsed(deps, user);
  return outcome;
}

/**
 * After an evaluated attempt: a success resets the count (and, after a lock, publishes
 * `user.unlocked`); the failure that starts a lock, or reaches the hard cap, tells the user.
 */
export async function settleAttempt(
  deps: Pick<SecondFactorDeps, "guard" | "events" | "random" | "clock" | "lockout">,
  user: User,
  reserved: Extract<ReserveAttemptOutcome, { ok: true }>,
  succeeded: boolean,
): Promise<void> {
  if (succeeded) {
    await deps.guard.reset(user.id);
    if (successUnlocks(reserved, deps.lockout)) await publishUnlocked(deps, user, "success");
    return;
  }
  const started = lockStartedBy(reserved, deps.lockout);
  if (started.kind !== "none") await notifyLocked(deps, user, started);
}

/**
 * A passkey assertion under the user's lockout, as every other factor: the attempt is counted
 * before the assertion is looked at, a success resets the count, and the failure that starts a
 * lock tells the user.
 */
export async function attemptPasskeyFactor<T extends { ok: boolean }>(
  deps: Pick<SecondFactorDeps, "clock" | "guard" | "lockout" | "events" | "random">,
  user: User,
  evaluate: () => Promise<T>,
): Promise<T | { ok: false; reason: "locked"; retryAfterSeconds: number }> {
  const reserved = await deps.guard.reserve(
    user.id,
    nowEpochSeconds(deps.clock),
    deps.lockout,
    "passkey",
  );
  if (!reserved.ok) {
    return { ok: false, reason: "locked", retryAfterSeconds: reserved.retryAfterSeconds };
  }
  const outcome = await evaluate();
  await settleAttempt(deps, user, reserved, outcome.ok);
  return outcome;
}

/**
 * Tells the user, on the channel their second factor uses (else the other one), that their
 * account is locked and until when, or that a factor is disabled.
 */
async function notifyLocked(
  deps: Pick<SecondFactorDeps, "events" | "random" | "clock" | "lockout">,
  user: User,
  started: Exclude<LockStarted, { kind: "none" }> = {
    kind: "timed",
    lockSeconds: deps.lockout.lockSeconds,
  },
) {
  const sms = user.phoneNumber ? { channel: "sms" as const, to: user.phoneNumber } : undefined;
  const email = user.email ? { channel: "email" as const, to: user.email } : undefined;
  const recipient = user.authMethod === "tfa_sms" ? (sms ?? email) : (email ?? sms);
  const nowMs = deps.clock.nowMs();
  const lockedUntil = new Date(nowMs + started.lockSeconds * 1000).toISOString();
  await deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type: "user.locked",
    occurredAt: new Date(nowMs).toISOString(),
    locale: user.locale,
    userId: user.id,
    ...(recipient ? { recipient } : {}),
    data: {
      userId: user.id,
      minutes: Math.round(started.lockSeconds / 60),
      lockedUntil,
      until: `${lockedUntil.slice(0, 16).replace("T", " ")} UTC`,
      // Set when waiting no longer unlocks: another factor or a reset does.
      ...(started.kind === "disabled" ? { disabled: 1 } : {}),
    },
  });
}

type NoticeType =
  | "user.tfa.enabled"
  | "user.tfa.disabled"
  | "user.contact.changed"
  | "user.backup_codes.regenerated";

/**
 * The event that tells the user of a change, for a store to save with the change itself (in
 * one transaction), so that a change is never made without its notice, nor told without it.
 */
export function userNotice(
  deps: { random: Random; clock: Clock },
  user: Pick<User, "id" | "locale">,
  type: NoticeType,
  recipient: { channel: "sms" | "email"; to: string } | undefined,
  data: Record<string, string> = {},
): DomainEvent {
  return {
    id: randomId(deps.random, "evt_"),
    type,
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: user.locale as Locale,
    userId: user.id,
    ...(recipient ? { recipient } : {}),
    data: { userId: user.id, ...data },
  };
}

/** A spent backup code, for the user's security log: nobody is told. */
function recordBackupCodeUsed(deps: SecondFactorDeps, user: User): Promise<void> {
  return deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type: "user.backup_code.used",
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: user.locale,
    userId: user.id,
    data: {},
  });
}
