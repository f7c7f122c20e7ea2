/** The contract of `DeviceStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { DeviceStore, RememberedDevice } from "../../../functions/core/devices.js";
import { freshId, testNow } from "./common.js";

function device(now: number, userId = freshId("usr_")): RememberedDevice {
  return {
    id: freshId("dev_"),
    userId,
    tokenHash: freshId("hash_"),
    createdAtEpochSeconds: now,
    createdFrom: { ip: "203.0.113.7", userAgent: "Firefox" },
    lastUsedAtEpochSeconds: now,
    lastUsedFrom: { ip: "203.0.113.7", userAgent: "Firefox" },
    expiresAtEpochSeconds: now + 3600,
  };
}

export function deviceStoreContract(name: string, makeStore: () => DeviceStore) {
  describe(`${name}: DeviceStore contract`, () => {
    it("finds a device by its token hash in its own user's partition only", async () => {
      const store = makeStore();
      const now = testNow();
      const mine = device(now);
      const other = device(now);
      await store.create(mine);
      await store.create(other);
      expect(await store.findByTokenHash(mine.userId, mine.tokenHash)).toEqual(mine);
      expect(await store.findByTokenHash(mine.userId, other.tokenHash)).toBeNull();
      expect(await store.findByTokenHash(other.userId, mine.tokenHash)).toBeNull();
      expect(await store.findByTokenHash(mine.userId, freshId("hash_"))).toBeNull();
    });

    it("lists the user's devices and no one else's", async () => {
      const store = makeStore();
      const now = testNow();
      const first = device(now);
      const second = { ...device(now, first.userId), lastUsedFrom: {} };
      await store.create(first);
      await store.create(second);
      await store.create(device(now));
      const listed = await store.list(first.userId);
      expect(listed.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        [first, second].sort((a, b) => a.id.localeCompare(b.id)),
      );
      expect(await store.list(freshId("usr_"))).toEqual([]);
    });

    it("records a use before the device's end only, and not on another user's device", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = device(now);
      await store.create(stored);
      const source = { ip: "198.51.100.9", userAgent: "TwofaApp" };
      expect(await store.touch(freshId("usr_"), stored.id, now + 60, source)).toBe(false);
      expect(await store.touch(stored.userId, stored.id, now + 60, source)).toBe(true);
      expect(await store.findByTokenHash(stored.userId, stored.tokenHash)).toEqual({
        ...stored,
        lastUsedAtEpochSeconds: now + 60,
        lastUsedFrom: source,
      });
      expect(
        await store.touch(stored.userId, stored.id, stored.expiresAtEpochSeconds, source),
      ).toBe(false);
      expect(await store.touch(stored.userId, freshId("dev_"), now, source)).toBe(false);
    });

    it("removes a device once, and only for its user; a removed device is not used", async () => {
      const store = makeStore();
      const now = testNow();
      const stored = device(now);
      await store.create(stored);
      expect(await store.remove(freshId("usr_"), stored.id)).toBe(false);
      expect(await store.remove(stored.userId, stored.id)).toBe(true);
      expect(await store.remove(stored.userId, stored.id)).toBe(false);
      expect(await store.findByTokenHash(stored.userId, stored.tokenHash)).toBeNull();
      expect(await store.touch(stored.userId, stored.id, now, {})).toBe(false);
      expect(await store.list(stored.userId)).toEqual([]);
    });
  });
}
