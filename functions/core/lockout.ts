/**
 * The per-user lockout across every second factor and both login APIs. An attempt is counted
 * before it is evaluated (one conditional write), so a burst of concurrent guesses cannot get
 * more evaluations than the budget; a success resets the count; a new code does not.
 */
import type { LockoutPolicy } from "./policy.js";

export type ReserveAttemptOutcome =
  | { ok: true; failuresIncludingThis: number }
  | { ok: false; retryAfterSeconds: number };

export interface AttemptGuard {
  /** Counts one second-factor attempt for `userId` unless the user is locked. */
  reserve(
    userId: string,
    nowEpochSeconds: number,
    policy: LockoutPolicy,
  ): Promise<ReserveAttemptOutcome>;
  /** The attempt succeeded: the count starts again from zero. */
  reset(userId: string): Promise<void>;
  /** Seconds until the user may try again, or 0 when not locked. */
  lockedFor(userId: string, nowEpochSeconds: number, policy: LockoutPolicy): Promise<number>;
}
