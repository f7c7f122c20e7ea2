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
import type { AttemptGuard } from "./lockout.js";
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

export const STRATEGIES = ["phone_code", "email_code", "totp", "backup_code"] as const;
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
  const reserved = await deps.guard.reserve(user.id, now, deps.lockout);
  if (!reserved.ok) {
    return { ok: false, reason: "locked", retryAfterSeconds: reserved.retryAfterSeconds };
  }
  const code = input.code as string;
  let outcome: AttemptOutcome;
  if (input.strategy === "phone_code" || input.strategy === "email_code") {
    const checked = await verifyCode(deps.codes, input.purpose, input.subject, code);
    if (checked.ok) {
      const consumed = await deps.codes.store.consume(
        checked.consumption.purpose,
        checked.consumption.subject,
        checked.consumption.challengeId,
        nowEpochSeconds(deps.clock),
      );
      if (consumed) await endResendCooldown(deps.codes, input.purpose, input.subject);
      outcome = consumed ? { ok: true } : { ok: false, reason: "missing" };
    } else {
      outcome = {
        ok: false,
        reason: checked.reason === "malformed" ? "incorrect" : checked.reason,
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

  if (outcome.ok) {
    await deps.guard.reset(user.id);
    if (input.strategy === "backup_code") await recordBackupCodeUsed(deps, user);
  } else if (reserved.failuresIncludingThis === deps.lockout.maxConsecutiveFailures) {
    await notifyLocked(deps, user);
  }
  return outcome;
}

/** Tells the user their account is locked (on the failure that reached the limit). */
export async function notifyLocked(
  deps: Pick<SecondFactorDeps, "events" | "random" | "clock" | "lockout">,
  user: User,
) {
  const recipient = user.email
    ? { channel: "email" as const, to: user.email }
    : user.phoneNumber
      ? { channel: "sms" as const, to: user.phoneNumber }
      : undefined;
  await deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type: "user.locked",
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: user.locale,
    userId: user.id,
    ...(recipient ? { recipient } : {}),
    data: { userId: user.id, minutes: Math.round(deps.lockout.lockSeconds / 60) },
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
