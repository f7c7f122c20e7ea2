/** The contract of `RefreshTokenStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { RefreshTokenRecord, RefreshTokenStore } from "../../../functions/core/tokens.js";
import { freshId, testNow } from "./common.js";

function record(now: number): RefreshTokenRecord {
  return {
    tokenHash: freshId("rt_"),
    userId: freshId("usr_"),
    familyId: freshId("rtf_"),
    expiresAtEpochSeconds: now + 3600,
    familyExpiresAtEpochSeconds: now + 3600,
  };
}

export function refreshTokenStoreContract(name: string, makeStore: () => RefreshTokenStore) {
  describe(`${name}: RefreshTokenStore contract`, () => {
    it("rotates a token once; presenting it again revokes its whole family", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(first);
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 3600 };
      expect(await store.rotate(first.tokenHash, second, now)).toEqual({
        ok: true,
        userId: first.userId,
      });
      const third = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 3600 };
      expect(await store.rotate(first.tokenHash, third, now)).toEqual({
        ok: false,
        reason: "reused",
      });
      expect(await store.rotate(second.tokenHash, third, now)).toEqual({
        ok: false,
        reason: "revoked",
      });
    });

    it("refuses an unknown token and an expired one", async () => {
      const store = makeStore();
      const now = testNow();
      const token = record(now);
      await store.create(token);
      const next = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 7200 };
      expect(await store.rotate(freshId("rt_"), next, now)).toEqual({
        ok: false,
        reason: "unknown",
      });
      expect(await store.rotate(token.tokenHash, next, token.expiresAtEpochSeconds)).toEqual({
        ok: false,
        reason: "expired",
      });
    });

    it("refuses a token past its family's absolute end, whatever its own deadline", async () => {
      const store = makeStore();
      const now = testNow();
      const token = { ...record(now), expiresAtEpochSeconds: now + 7200 };
      await store.create(token);
      const next = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 7200 };
      expect(await store.rotate(token.tokenHash, next, now + 3600)).toEqual({
        ok: false,
        reason: "expired",
      });
    });

    it("gives a successor no deadline past its family's absolute end", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(first);
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 7200 };
      expect(await store.rotate(first.tokenHash, second, now + 60)).toEqual({
        ok: true,
        userId: first.userId,
      });
      const third = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 9000 };
      expect(await store.rotate(second.tokenHash, third, now + 3600)).toEqual({
        ok: false,
        reason: "expired",
      });
    });

    it("refuses a successor left unused past its own deadline, inside the family's lifetime", async () => {
      const store = makeStore();
      const now = testNow();
      const first = { ...record(now), familyExpiresAtEpochSeconds: now + 7200 };
      await store.create(first);
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 };
      expect((await store.rotate(first.tokenHash, second, now + 60)).ok).toBe(true);
      const third = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 5000 };
      expect(await store.rotate(second.tokenHash, third, now + 1800)).toEqual({
        ok: false,
        reason: "expired",
      });
    });
  });
}
