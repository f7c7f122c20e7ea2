/** The contract of `AttemptGuard`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import { type AttemptGuard, FACTOR_DISABLED } from "../../../functions/core/lockout.js";
import type { LockoutPolicy } from "../../../functions/core/policy.js";
import { freshId, testNow } from "./common.js";

const POLICY: LockoutPolicy = {
  maxConsecutiveFailures: 3,
  lockSeconds: 300,
  maxLockSeconds: 1000,
  hardCapFailures: 100,
};

export function attemptGuardContract(name: string, makeGuard: () => AttemptGuard) {
  describe(`${name}: AttemptGuard contract`, () => {
    it("counts attempts, then locks until the lock period after the last one", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      const now = testNow();
      expect(await guard.lockedFor(userId, now, POLICY)).toBe(0);
      for (const count of [1, 2, 3]) {
        expect(await guard.reserve(userId, now + count, POLICY)).toEqual({
          ok: true,
          failuresIncludingThis: count,
          consecutiveIncludingThis: count,
          locks: 0,
        });
      }
      expect(await guard.reserve(userId, now + 10, POLICY)).toEqual({
        ok: false,
        retryAfterSeconds: 293,
      });
      expect(await guard.lockedFor(userId, now + 10, POLICY)).toBe(293);
      // The lock is over: this attempt starts a new count, the run of failures goes on.
      expect(await guard.lockedFor(userId, now + 303, POLICY)).toBe(0);
      expect(await guard.reserve(userId, now + 303, POLICY)).toEqual({
        ok: true,
        failuresIncludingThis: 1,
        consecutiveIncludingThis: 4,
        locks: 1,
      });
    });

    it("doubles each consecutive lock, up to the ceiling", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      let t = testNow();
      const locks: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < POLICY.maxConsecutiveFailures; i++) {
          expect((await guard.reserve(userId, t, POLICY, "totp")).ok).toBe(true);
        }
        const lockedFor = await guard.lockedFor(userId, t, POLICY, "totp");
        locks.push(lockedFor);
        expect(await guard.reserve(userId, t + lockedFor - 1, POLICY, "totp")).toEqual({
          ok: false,
          retryAfterSeconds: 1,
        });
        t += lockedFor;
      }
      expect(locks).toEqual([300, 600, 1000, 1000]);
    });

    it("past the hard cap, waiting does not unlock a failed factor; another factor may be tried once", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      const policy = { ...POLICY, hardCapFailures: 6 };
      let t = testNow();
      for (let i = 0; i < 3; i++) await guard.reserve(userId, t, policy, "totp");
      t += 300;
      for (let i = 0; i < 3; i++) {
        expect((await guard.reserve(userId, t, policy, "totp")).ok).toBe(true);
      }
      t += 10 * 86_400;
      expect(await guard.reserve(userId, t, policy, "totp")).toEqual({
        ok: false,
        retryAfterSeconds: FACTOR_DISABLED,
      });
      expect(await guard.lockedFor(userId, t, policy, "totp")).toBe(FACTOR_DISABLED);
      expect(await guard.lockedFor(userId, t, policy, "backup_code")).toBe(0);
      expect(await guard.reserve(userId, t, policy, "backup_code")).toEqual({
        ok: true,
        failuresIncludingThis: 4,
        consecutiveIncludingThis: 7,
        locks: 1,
      });
      // That one failed too: now it is disabled as well.
      expect(await guard.reserve(userId, t, policy, "backup_code")).toEqual({
        ok: false,
        retryAfterSeconds: FACTOR_DISABLED,
      });
      await guard.reset(userId);
      expect(await guard.reserve(userId, t, policy, "totp")).toEqual({
        ok: true,
        failuresIncludingThis: 1,
        consecutiveIncludingThis: 1,
        locks: 0,
      });
    });

    it("starts again from zero after a reset", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      const now = testNow();
      await guard.reserve(userId, now, POLICY);
      await guard.reserve(userId, now, POLICY);
      await guard.reset(userId);
      expect(await guard.reserve(userId, now, POLICY)).toEqual({
        ok: true,
        failuresIncludingThis: 1,
        consecutiveIncludingThis: 1,
        locks: 0,
      });
      await guard.reset(freshId("usr_"));
    });

    it("gives a concurrent burst no more attempts than the budget", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      const now = testNow();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => guard.reserve(userId, now, POLICY)),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(POLICY.maxConsecutiveFailures);
    });

    it("gives a concurrent burst after a lock no more attempts than the next round", async () => {
      const guard = makeGuard();
      const userId = freshId("usr_");
      const now = testNow();
      for (let i = 0; i < 3; i++) await guard.reserve(userId, now, POLICY);
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => guard.reserve(userId, now + 300, POLICY)),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(POLICY.maxConsecutiveFailures);
    });
  });
}
