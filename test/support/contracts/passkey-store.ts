/** The contracts of `PasskeyStore` and `ChallengeStore`, run against the fakes and DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { ChallengeStore, Passkey, PasskeyStore } from "../../../functions/core/passkeys.js";
import { freshId, testNow } from "./common.js";

function passkey(userId: string, overrides: Partial<Passkey> = {}): Passkey {
  return {
    id: freshId("cred"),
    userId,
    name: "Laptop",
    publicKey: "pQECAyYgASFYIA",
    signCount: 0,
    transports: ["internal"],
    aaguid: "00000000-0000-0000-0000-000000000000",
    backupEligible: true,
    backedUp: false,
    createdAt: "2026-11-22T12:00:00.000Z",
    lastUsedAt: null,
    ...overrides,
  };
}

export function passkeyStoreContract(name: string, makeStore: () => PasskeyStore) {
  describe(`${name}: PasskeyStore contract`, () => {
    it("stores a passkey under its user, found by its credential id", async () => {
      const store = makeStore();
      const userId = freshId("usr_");
      const key = passkey(userId);
      expect(await store.add(key)).toBe(true);
      expect(await store.list(userId)).toEqual([key]);
      expect(await store.find(key.id)).toEqual(key);
      expect(await store.find(freshId("cred"))).toBeNull();
      expect(await store.list(freshId("usr_"))).toEqual([]);
    });

    it("claims a credential id once across users", async () => {
      const store = makeStore();
      const key = passkey(freshId("usr_"));
      expect(await store.add(key)).toBe(true);
      const otherUser = freshId("usr_");
      expect(await store.add({ ...key, userId: otherUser })).toBe(false);
      expect(await store.list(otherUser)).toEqual([]);
      expect(await store.add(key)).toBe(false);
    });

    it("lists a user's passkeys oldest first", async () => {
      const store = makeStore();
      const userId = freshId("usr_");
      const newer = passkey(userId, { createdAt: "2026-11-23T12:00:00.000Z" });
      const older = passkey(userId, { createdAt: "2026-11-21T12:00:00.000Z" });
      await store.add(newer);
      await store.add(older);
      expect((await store.list(userId)).map((p) => p.id)).toEqual([older.id, newer.id]);
    });

    it("renames and removes only the user's own passkey", async () => {
      const store = makeStore();
      const userId = freshId("usr_");
      const key = passkey(userId);
      await store.add(key);
      expect(await store.rename(freshId("usr_"), key.id, "Stolen")).toBe(false);
      expect(await store.rename(userId, key.id, "Phone")).toBe(true);
      expect((await store.find(key.id))?.name).toBe("Phone");
      expect(await store.remove(freshId("usr_"), key.id)).toBe(false);
      expect(await store.remove(userId, key.id)).toBe(true);
      expect(await store.find(key.id)).toBeNull();
      expect(await store.list(userId)).toEqual([]);
      expect(await store.remove(userId, key.id)).toBe(false);
      expect(await store.rename(userId, key.id, "Gone")).toBe(false);
      // The credential id is free again once removed.
      expect(await store.add({ ...key, userId: freshId("usr_") })).toBe(true);
    });

    it("records a use only over the sign count it was read with", async () => {
      const store = makeStore();
      const userId = freshId("usr_");
      const key = passkey(userId, { signCount: 4 });
      await store.add(key);
      const use = { signCount: 5, backedUp: true, lastUsedAt: "2026-11-22T13:00:00.000Z" };
      expect(await store.recordUse(userId, key.id, { ...use, previousSignCount: 3 })).toBe(false);
      expect(await store.recordUse(userId, key.id, { ...use, previousSignCount: 4 })).toBe(true);
      expect(await store.recordUse(userId, key.id, { ...use, previousSignCount: 4 })).toBe(false);
      expect(await store.find(key.id)).toMatchObject({
        signCount: 5,
        backedUp: true,
        lastUsedAt: use.lastUsedAt,
      });
      expect(await store.recordUse(freshId("usr_"), key.id, { ...use, previousSignCount: 5 })).toBe(
        false,
      );
    });
  });
}

export function challengeStoreContract(name: string, makeStore: () => ChallengeStore) {
  describe(`${name}: ChallengeStore contract`, () => {
    const challenge = (subject: string, value: string, expiresAtEpochSeconds: number) => ({
      purpose: "sign_in" as const,
      subject,
      challenge: value,
      expiresAtEpochSeconds,
    });

    it("keeps one challenge per purpose and subject; a new one replaces the last", async () => {
      const store = makeStore();
      const now = testNow();
      const subject = freshId("sia_");
      await store.put(challenge(subject, "first", now + 300));
      await store.put(challenge(subject, "second", now + 300));
      expect(await store.get("sign_in", subject)).toEqual(challenge(subject, "second", now + 300));
      expect(await store.get("registration", subject)).toBeNull();
      expect(await store.consume("sign_in", subject, "first", now)).toBe(false);
    });

    it("consumes a live challenge once", async () => {
      const store = makeStore();
      const now = testNow();
      const subject = freshId("sia_");
      await store.put(challenge(subject, "c", now + 300));
      const results = await Promise.all([
        store.consume("sign_in", subject, "c", now),
        store.consume("sign_in", subject, "c", now),
        store.consume("sign_in", subject, "c", now),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get("sign_in", subject)).toBeNull();
    });

    it("refuses to consume an expired challenge", async () => {
      const store = makeStore();
      const now = testNow();
      const subject = freshId("sia_");
      await store.put(challenge(subject, "c", now + 300));
      expect(await store.consume("sign_in", subject, "c", now + 300)).toBe(false);
      expect(await store.consume("sign_in", subject, "c", now + 299)).toBe(true);
    });
  });
}
