/** The contract of `AttemptGuard`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { AttemptGuard } from "../../../functions/core/lockout.js";
import { freshId, testNow } from "./common.js";

const POLICY = { maxConsecutiveFailures: 3, lockSeconds: 300 };

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
        });
      }
      expect(await guard.reserve(userId, now + 10, POLICY)).toEqual({
        ok: false,
        retryAfterSeconds: 293,
      });
      expect(await guard.lockedFor(userId, now + 10, POLICY)).toBe(293);
      // The lock is over: this attempt starts a new count.
      expect(await guard.lockedFor(userId, now + 303, POLICY)).toBe(0);
      expect(await guard.reserve(userId, now + 303, POLICY)).toEqual({
        ok: true,
        failuresIncludingThis: 1,
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
  });
}
