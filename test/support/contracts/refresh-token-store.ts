/** The contract of `RefreshTokenStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type {
  NewSession,
  RefreshTokenRecord,
  RefreshTokenStore,
} from "../../../functions/core/tokens.js";
import { freshId, testNow } from "./common.js";

function record(now: number, userId = freshId("usr_")): RefreshTokenRecord {
  return {
    tokenHash: freshId("rt_"),
    userId,
    familyId: freshId("rtf_"),
    expiresAtEpochSeconds: now + 3600,
    familyExpiresAtEpochSeconds: now + 3600,
  };
}

/** A new session whose first token is `token`, begun at `now` from a browser. */
export function sessionOf(token: RefreshTokenRecord, now = testNow()): NewSession {
  return {
    token,
    createdAtEpochSeconds: now,
    source: { ip: "203.0.113.7", userAgent: "Firefox" },
  };
}

export function refreshTokenStoreContract(name: string, makeStore: () => RefreshTokenStore) {
  describe(`${name}: RefreshTokenStore contract`, () => {
    it("rotates a token once; presenting it again revokes its whole family", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(sessionOf(first, now));
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 3600 };
      expect(await store.rotate(first.tokenHash, second, now)).toEqual({
        ok: true,
        userId: first.userId,
        sessionId: first.familyId,
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
      await store.create(sessionOf(token, now));
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
      await store.create(sessionOf(token, now));
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
      await store.create(sessionOf(first, now));
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 7200 };
      expect(await store.rotate(first.tokenHash, second, now + 60)).toEqual({
        ok: true,
        userId: first.userId,
        sessionId: first.familyId,
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
      await store.create(sessionOf(first, now));
      const second = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 };
      expect((await store.rotate(first.tokenHash, second, now + 60)).ok).toBe(true);
      const third = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 5000 };
      expect(await store.rotate(second.tokenHash, third, now + 1800)).toEqual({
        ok: false,
        reason: "expired",
      });
    });

    it("records a session's creation and last use, and lists the user's sessions", async () => {
      const store = makeStore();
      const now = testNow();
      const userId = freshId("usr_");
      const first = record(now, userId);
      const other = record(now, userId);
      await store.create(sessionOf(first, now));
      await store.create(sessionOf(other, now));
      await store.create(sessionOf(record(now), now));
      const next = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 };
      const source = { ip: "198.51.100.9", userAgent: "curl/8" };
      expect((await store.rotate(first.tokenHash, next, now + 60, source)).ok).toBe(true);
      expect(await store.getSession(userId, first.familyId)).toEqual({
        id: first.familyId,
        userId,
        createdAtEpochSeconds: now,
        createdFrom: { ip: "203.0.113.7", userAgent: "Firefox" },
        lastUsedAtEpochSeconds: now + 60,
        lastUsedFrom: source,
        expiresAtEpochSeconds: now + 3600,
        idleExpiresAtEpochSeconds: now + 1800,
        revoked: false,
      });
      const listed = await store.listSessions(userId);
      expect(listed.map((s) => s.id).sort()).toEqual([first.familyId, other.familyId].sort());
      expect(await store.getSession(freshId("usr_"), first.familyId)).toBeNull();
    });

    it("finds the session of a token, used or not", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(sessionOf(first, now));
      const next = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 };
      await store.rotate(first.tokenHash, next, now);
      const expected = { userId: first.userId, sessionId: first.familyId };
      expect(await store.sessionOf(first.tokenHash)).toEqual(expected);
      expect(await store.sessionOf(next.tokenHash)).toEqual(expected);
      expect(await store.sessionOf(freshId("rt_"))).toBeNull();
    });

    it("revokes a session once, only its own user's, and its tokens stop rotating", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(sessionOf(first, now));
      expect(await store.revokeSession(freshId("usr_"), first.familyId)).toBe(false);
      expect(await store.revokeSession(first.userId, freshId("rtf_"))).toBe(false);
      expect(await store.revokeSession(first.userId, first.familyId)).toBe(true);
      expect(await store.revokeSession(first.userId, first.familyId)).toBe(false);
      expect((await store.getSession(first.userId, first.familyId))?.revoked).toBe(true);
      const next = { tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 };
      expect(await store.rotate(first.tokenHash, next, now)).toEqual({
        ok: false,
        reason: "revoked",
      });
    });

    it("a replayed token marks its session revoked", async () => {
      const store = makeStore();
      const now = testNow();
      const first = record(now);
      await store.create(sessionOf(first, now));
      const next = () => ({ tokenHash: freshId("rt_"), expiresAtEpochSeconds: now + 1800 });
      await store.rotate(first.tokenHash, next(), now);
      await store.rotate(first.tokenHash, next(), now);
      expect((await store.getSession(first.userId, first.familyId))?.revoked).toBe(true);
    });
  });
}
