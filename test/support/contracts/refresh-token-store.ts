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
  });
}
