/** The contract of `CodeStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { CodeStore, StoredCode } from "../../../functions/core/verification-codes.js";
import { freshId, testNow } from "./common.js";

function code(now: number, overrides: Partial<StoredCode> = {}): StoredCode {
  return {
    purpose: "phone_verification",
    subject: freshId("+33"),
    challengeId: freshId("ch_"),
    codeHash: freshId("hash_"),
    attempts: 0,
    maxAttempts: 3,
    expiresAtEpochSeconds: now + 600,
    ...overrides,
  };
}

export function codeStoreContract(name: string, makeStore: () => CodeStore) {
  describe(`${name}: CodeStore contract`, () => {
    it("counts attempts up to the budget and answers the code as it is after each", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now);
      await store.put(stored);
      for (const attempts of [1, 2, 3]) {
        expect(await store.reserveAttempt(stored.purpose, stored.subject, now)).toEqual({
          ok: true,
          code: { ...stored, attempts },
        });
      }
      expect(await store.reserveAttempt(stored.purpose, stored.subject, now)).toEqual({
        ok: false,
        reason: "exhausted",
      });
    });

    it("counts checks with the code's handle and checks without it on separate budgets", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now, {
        handleHash: "handle-hash",
        anonymousAttempts: 0,
        maxAnonymousAttempts: 2,
      });
      await store.put(stored);
      const { purpose, subject } = stored;
      for (const anonymousAttempts of [1, 2]) {
        expect(await store.reserveAttempt(purpose, subject, now, "anonymous")).toEqual({
          ok: true,
          code: { ...stored, anonymousAttempts },
        });
      }
      expect(await store.reserveAttempt(purpose, subject, now, "anonymous")).toEqual({
        ok: false,
        reason: "exhausted",
      });
      // The anonymous budget is spent; the handle's is whole.
      expect(
        await store.reserveAttempt(purpose, subject, now, { handleHash: "handle-hash" }),
      ).toEqual({ ok: true, code: { ...stored, attempts: 1, anonymousAttempts: 2 } });
      expect(
        await store.reserveAttempt(purpose, subject, now, { handleHash: "another-hash" }),
      ).toEqual({ ok: false, reason: "other_handle" });
    });

    it("tells a missing code from an expired one", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now);
      expect(await store.reserveAttempt(stored.purpose, stored.subject, now)).toEqual({
        ok: false,
        reason: "missing",
      });
      await store.put(stored);
      expect(
        await store.reserveAttempt(stored.purpose, stored.subject, stored.expiresAtEpochSeconds),
      ).toEqual({ ok: false, reason: "expired" });
    });

    it("replaces the earlier code of the same purpose and subject", async () => {
      const store = makeStore();
      const now = testNow();
      const first = code(now);
      const second = { ...first, challengeId: freshId("ch_"), codeHash: freshId("hash_") };
      await store.put(first);
      await store.put(second);
      const reserved = await store.reserveAttempt(first.purpose, first.subject, now);
      expect(reserved.ok && reserved.code.challengeId).toBe(second.challengeId);
      expect(await store.consume(first.purpose, first.subject, first.challengeId, now)).toBe(false);
    });

    it("consumes a live code once, for its challenge only", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now);
      await store.put(stored);
      const { purpose, subject, challengeId } = stored;
      expect(await store.consume(purpose, subject, freshId("ch_"), now)).toBe(false);
      expect(await store.consume(purpose, subject, challengeId, now)).toBe(true);
      expect(await store.consume(purpose, subject, challengeId, now)).toBe(false);
      expect(await store.reserveAttempt(purpose, subject, now)).toEqual({
        ok: false,
        reason: "missing",
      });
    });

    it("does not consume an expired code, even while its item exists", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now);
      await store.put(stored);
      const { purpose, subject, challengeId, expiresAtEpochSeconds } = stored;
      expect(await store.consume(purpose, subject, challengeId, expiresAtEpochSeconds)).toBe(false);
      expect(await store.consume(purpose, subject, challengeId, now)).toBe(true);
    });

    it("lets exactly one of concurrent consumptions win", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = code(now);
      await store.put(stored);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.consume(stored.purpose, stored.subject, stored.challengeId, now),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
