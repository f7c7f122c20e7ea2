/** The contract of `RateLimiter`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../../functions/core/verification-codes.js";
import { freshId, testNow } from "./common.js";

/**
 * Windows are aligned to their index (`floor(now / window)`): the tests start at the start of
 * a 600 s window (and so of every 60 s one), soon after the real clock.
 */
function windowStart(): number {
  return Math.ceil(testNow() / 600) * 600;
}

export function rateLimiterContract(name: string, makeLimiter: () => RateLimiter) {
  describe(`${name}: RateLimiter contract`, () => {
    it("lets `limit` hits through a window, then says when the window ends", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      for (let i = 0; i < 3; i++) {
        expect(
          await limiter.hit({ key, limit: 3, windowSeconds: 60, nowEpochSeconds: now + i }),
        ).toEqual({ ok: true });
      }
      expect(
        await limiter.hit({ key, limit: 3, windowSeconds: 60, nowEpochSeconds: now + 10 }),
      ).toEqual({ ok: false, reason: "limit", retryAfterSeconds: 50 });
      expect(
        await limiter.hit({ key, limit: 3, windowSeconds: 60, nowEpochSeconds: now + 60 }),
      ).toEqual({ ok: true });
    });

    it("refuses a hit within the cooldown and says how long to wait", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      const hit = (at: number) =>
        limiter.hit({
          key,
          limit: 5,
          windowSeconds: 600,
          cooldownSeconds: 30,
          nowEpochSeconds: at,
        });
      expect(await hit(now)).toEqual({ ok: true });
      expect(await hit(now + 10)).toEqual({ ok: false, reason: "cooldown", retryAfterSeconds: 20 });
      expect(await hit(now + 30)).toEqual({ ok: true });
    });

    it("keeps a cooldown across windows: a window's end does not end it", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      const hit = (at: number) =>
        limiter.hit({ key, limit: 5, windowSeconds: 60, cooldownSeconds: 30, nowEpochSeconds: at });
      expect(await hit(now + 50)).toEqual({ ok: true });
      expect(await hit(now + 70)).toEqual({ ok: false, reason: "cooldown", retryAfterSeconds: 10 });
      expect(await hit(now + 80)).toEqual({ ok: true });
    });

    it("ends a cooldown with a refund that names it", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      const hit = (at: number) =>
        limiter.hit({ key, limit: 1, windowSeconds: 30, cooldownSeconds: 30, nowEpochSeconds: at });
      expect(await hit(now + 1)).toEqual({ ok: true });
      expect(await hit(now + 2)).toMatchObject({ ok: false, reason: "cooldown" });
      await limiter.refund({
        key,
        windowSeconds: 30,
        cooldownSeconds: 30,
        nowEpochSeconds: now + 3,
      });
      expect(await hit(now + 4)).toEqual({ ok: true });
    });

    it("lets nothing through a limit of 0", async () => {
      const limiter = makeLimiter();
      expect(
        await limiter.hit({
          key: freshId("test#"),
          limit: 0,
          windowSeconds: 60,
          nowEpochSeconds: windowStart(),
        }),
      ).toEqual({ ok: false, reason: "limit", retryAfterSeconds: 60 });
    });

    it("refuses nothing under its limit: concurrent hits whose clocks disagree by seconds", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      // Each Lambda stamps its hit with its own clock: the last writer may be a second or two
      // ahead of the next one. With no cooldown, only the limit may refuse a hit.
      const skews = [0, 2, -1, 1, -2, 0, 1, -1, 2, 0, -2, 1];
      const outcomes = await Promise.all(
        skews.map((skew) =>
          limiter.hit({ key, limit: 1_000, windowSeconds: 600, nowEpochSeconds: now + skew }),
        ),
      );
      const sequential = [];
      for (const skew of skews) {
        sequential.push(
          await limiter.hit({ key, limit: 1_000, windowSeconds: 600, nowEpochSeconds: now + skew }),
        );
      }
      expect([...outcomes, ...sequential].filter((o) => !o.ok)).toEqual([]);
    });

    it("gives a refunded hit back to the window, and refunds nothing from a window that is over", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      const hit = (at: number) =>
        limiter.hit({ key, limit: 2, windowSeconds: 60, nowEpochSeconds: at });
      expect(await hit(now)).toEqual({ ok: true });
      expect(await hit(now + 1)).toEqual({ ok: true });
      await limiter.refund({ key, windowSeconds: 60, nowEpochSeconds: now + 2 });
      expect(await hit(now + 3)).toEqual({ ok: true });
      expect(await hit(now + 4)).toEqual({ ok: false, reason: "limit", retryAfterSeconds: 56 });
      // Refunds never make room beyond the limit, nor reach into the next window.
      for (let i = 0; i < 3; i++) {
        await limiter.refund({ key, windowSeconds: 60, nowEpochSeconds: now + 5 });
      }
      expect(await hit(now + 6)).toEqual({ ok: true });
      expect(await hit(now + 7)).toEqual({ ok: true });
      expect(await hit(now + 8)).toEqual({ ok: false, reason: "limit", retryAfterSeconds: 52 });
      await limiter.refund({ key, windowSeconds: 60, nowEpochSeconds: now + 60 });
      expect(await hit(now + 60)).toEqual({ ok: true });
      expect(await hit(now + 61)).toEqual({ ok: true });
      expect(await hit(now + 62)).toEqual({ ok: false, reason: "limit", retryAfterSeconds: 58 });
      // A key never hit has nothing to refund.
      await limiter.refund({ key: freshId("test#"), windowSeconds: 60, nowEpochSeconds: now });
    });

    it("lets no more than the limit through a concurrent burst", async () => {
      const limiter = makeLimiter();
      const key = freshId("test#");
      const now = windowStart();
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, () =>
          limiter.hit({ key, limit: 4, windowSeconds: 600, nowEpochSeconds: now }),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(4);
    });
  });
}
