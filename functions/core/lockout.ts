/**
 * The per-user lockout across every second factor and both login APIs. An attempt is counted
 * before it is evaluated (one conditional write), so a burst of concurrent guesses cannot get
 * more evaluations than the budget; a success resets the count; a new code does not.
 *
 * Guessing over days: `maxConsecutiveFailures` failures lock the user for `lockSeconds`, and
 * each further lock with no success between lasts twice the last, up to `maxLockSeconds`
 * (15 min, 30, 60, … 24 h by default). After `hardCapFailures` consecutive failures (NIST SP
 * 800-63B §5.2.2: at most 100) waiting no longer helps: every factor that failed in the run is
 * disabled, as NIST disables the authenticator, while a factor of the user's that never failed
 * in the run (a backup code beside an authenticator app, say) may still be tried once and, if
 * right, unlocks everything. A reset (`unlock`) does the same for an administrator.
 */
import { randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, Locale, RequestSource } from "./events.js";
import type { LockoutPolicy } from "./policy.js";
import type { Clock, Random } from "./ports.js";

/**
 * `retryAfterSeconds` of a factor disabled by the hard cap: no wait unlocks it. Callers map it
 * to `second_factor_disabled`, never to a Retry-After.
 */
export const FACTOR_DISABLED = Number.POSITIVE_INFINITY;

export type ReserveAttemptOutcome =
  | {
      ok: true;
      /** Failures in the current round, this attempt included: a lock starts at the limit. */
      failuresIncludingThis: number;
      /** Failures since the last success, this attempt included: the hard cap counts these. */
      consecutiveIncludingThis: number;
      /** Locks since the last success (0: none yet); the next lock lasts `lockSecondsAfter`. */
      locks: number;
    }
  | { ok: false; retryAfterSeconds: number };

export interface AttemptGuard {
  /**
   * Counts one second-factor attempt with `factor` (a strategy name) for `userId` unless the
   * user is locked or, past the hard cap, that factor is disabled (`FACTOR_DISABLED`).
   */
  reserve(
    userId: string,
    nowEpochSeconds: number,
    policy: LockoutPolicy,
    factor?: string,
  ): Promise<ReserveAttemptOutcome>;
  /** The attempt succeeded, or an administrator unlocks: the count starts again from zero. */
  reset(userId: string): Promise<void>;
  /**
   * Seconds until the user may try again (`factor`, when given, may be disabled:
   * `FACTOR_DISABLED`), or 0 when not locked.
   */
  lockedFor(
    userId: string,
    nowEpochSeconds: number,
    policy: LockoutPolicy,
    factor?: string,
  ): Promise<number>;
}

/** How long the lock after `locks` earlier locks (in the same run of failures) lasts. */
function lockSecondsAfter(policy: LockoutPolicy, locks: number): number {
  return Math.min(policy.lockSeconds * 2 ** Math.min(locks, 30), policy.maxLockSeconds);
}

/** A user's lockout state as stored. */
export interface LockoutRecord {
  /** Failures in the current round. */
  failures: number;
  /** Failures since the last success. */
  total: number;
  /** Locks since the last success. */
  locks: number;
  lastAttemptAt: number;
  /** Factors that failed since the last success. */
  failedFactors: readonly string[];
}

/**
 * Seconds `record` refuses an attempt with `factor` (`FACTOR_DISABLED` for a factor disabled
 * by the hard cap), or 0 when it may be tried. Without a factor, only the timed lock counts,
 * and only before the hard cap.
 */
export function refusalSeconds(
  record: LockoutRecord,
  now: number,
  policy: LockoutPolicy,
  factor?: string,
): number {
  const timed =
    record.failures >= policy.maxConsecutiveFailures
      ? Math.max(0, record.lastAttemptAt + lockSecondsAfter(policy, record.locks) - now)
      : 0;
  if (record.total >= policy.hardCapFailures) {
    // Past the hard cap only the factors that failed are refused, for good; one that has not
    // may be tried at once, so nothing is refused before a factor is named.
    return factor !== undefined && record.failedFactors.includes(factor) ? FACTOR_DISABLED : 0;
  }
  return timed;
}

/** What a failed, counted attempt started, if anything. */
export type LockStarted =
  | { kind: "none" }
  | { kind: "timed"; lockSeconds: number }
  | { kind: "disabled"; lockSeconds: number };

export function lockStartedBy(
  reserved: Extract<ReserveAttemptOutcome, { ok: true }>,
  policy: LockoutPolicy,
): LockStarted {
  const lockSeconds = lockSecondsAfter(policy, reserved.locks);
  if (reserved.consecutiveIncludingThis === policy.hardCapFailures) {
    return { kind: "disabled", lockSeconds };
  }
  if (reserved.failuresIncludingThis === policy.maxConsecutiveFailures) {
    return { kind: "timed", lockSeconds };
  }
  return { kind: "none" };
}

/** A success after at least one lock (or past the hard cap) lifts it. */
export function successUnlocks(
  reserved: Extract<ReserveAttemptOutcome, { ok: true }>,
  policy: LockoutPolicy,
): boolean {
  return reserved.locks > 0 || reserved.consecutiveIncludingThis > policy.hardCapFailures;
}

/** The error for a locked user or a disabled factor, as each API words a lock. */
export function lockError(retryAfterSeconds: number, timed: () => DomainError): DomainError {
  if (retryAfterSeconds === FACTOR_DISABLED) {
    return new DomainError(
      "second_factor_disabled",
      "Too many wrong codes: this second factor is disabled. Use another one, or ask for a reset.",
    );
  }
  return timed();
}

export interface UnlockDeps {
  guard: Pick<AttemptGuard, "reset">;
  events: EventPublisher;
  random: Random;
  clock: Clock;
}

/** Publishes `user.unlocked` (for the security log and webhooks: nobody is messaged). */
export function publishUnlocked(
  deps: Omit<UnlockDeps, "guard">,
  user: { id: string; locale?: Locale | undefined },
  by: "success" | "reset",
  source?: RequestSource,
): Promise<void> {
  return deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type: "user.unlocked",
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: user.locale ?? "en",
    userId: user.id,
    ...(source ? { source } : {}),
    data: { userId: user.id, by },
  });
}

/**
 * An administrator's reset: the count, the locks and any disabled factors are cleared, and
 * `user.unlocked` is published.
 */
export async function unlock(
  deps: UnlockDeps,
  user: { id: string; locale?: Locale | undefined },
  source?: RequestSource,
): Promise<void> {
  await deps.guard.reset(user.id);
  await publishUnlocked(deps, user, "reset", source);
}
