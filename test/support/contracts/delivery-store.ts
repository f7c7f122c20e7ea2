/** The contract of `DeliveryStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { DeliveryStore } from "../../../functions/core/notifications.js";
import { freshId, testNow } from "./common.js";

const LEASE_SECONDS = 60;

function record() {
  return {
    eventId: freshId("evt_"),
    eventType: "user.tfa.enabled" as const,
    channel: "email" as const,
  };
}

export function deliveryStoreContract(name: string, makeStore: () => DeliveryStore) {
  describe(`${name}: DeliveryStore contract`, () => {
    it("claims an event once while it is being sent, and never after it was sent", async () => {
      const store = makeStore();
      const now = testNow();
      const claimed = record();
      expect(await store.claim(claimed, now, LEASE_SECONDS)).toBe(true);
      expect(await store.get(claimed.eventId)).toMatchObject({ ...claimed, status: "sending" });
      expect(await store.claim(claimed, now + 1, LEASE_SECONDS)).toBe(false);
      await store.finish(
        claimed.eventId,
        { status: "sent", providerMessageId: "m-1" },
        "2026-11-22T12:00:00.000Z",
      );
      expect(await store.get(claimed.eventId)).toMatchObject({
        ...claimed,
        status: "sent",
        providerMessageId: "m-1",
      });
      expect(await store.claim(claimed, now + 10 * LEASE_SECONDS, LEASE_SECONDS)).toBe(false);
      expect(await store.get(freshId("evt_"))).toBeNull();
    });

    it("lets a failed delivery be claimed again at once, and a crashed one after its lease", async () => {
      const store = makeStore();
      const now = testNow();
      const failed = record();
      await store.claim(failed, now, LEASE_SECONDS);
      await store.finish(
        failed.eventId,
        { status: "failed", failure: "Boom" },
        "2026-11-22T12:00:00.000Z",
      );
      expect(await store.get(failed.eventId)).toMatchObject({ status: "failed", failure: "Boom" });
      expect(await store.claim(failed, now + 1, LEASE_SECONDS)).toBe(true);

      const crashed = record();
      await store.claim(crashed, now, LEASE_SECONDS);
      expect(await store.claim(crashed, now + LEASE_SECONDS, LEASE_SECONDS)).toBe(false);
      expect(await store.claim(crashed, now + LEASE_SECONDS + 1, LEASE_SECONDS)).toBe(true);
    });
  });
}
