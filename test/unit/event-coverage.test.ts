/**
 * The event types that no HTTP scenario can cause in a test (`test/api/event-coverage.test.ts`
 * lists them), each as core publishes it, through the security log's entry and a webhook
 * endpoint subscribed to every type:
 *
 * - `user.unlocked`: published when a factor succeeds after a lock has ended (15 minutes) or
 *   past the hard cap, or by an administrator's reset; here, by the reset.
 * - `phone_verification_code.created`, `email_verification_code.created`: a code to a contact
 *   no user owns yet. It names no user, so it has no log entry and is delivered to no endpoint.
 */
import { describe, expect, it } from "vitest";
import {
  requestEmailVerificationCode,
  requestPhoneVerificationCode,
} from "../../functions/core/contact-verification.js";
import { open } from "../../functions/core/crypto.js";
import { type DomainEvent, EVENT_TYPES } from "../../functions/core/events.js";
import { unlock } from "../../functions/core/lockout.js";
import { securityLogEntry } from "../../functions/core/security-log.js";
import {
  dispatchEvent,
  type WebhookDelivery,
  type WebhookDeps,
} from "../../functions/core/webhooks.js";
import { ENCRYPTION_KEY, makeUser, memoryWorld } from "../support/fakes.js";

const SOURCE = { ip: "203.0.113.7", userAgent: "admin-console/2.0" };

/** One endpoint subscribed to every type; what it is sent. */
function everyTypeEndpoint(w: ReturnType<typeof memoryWorld>) {
  const sent: { payload: string }[] = [];
  const deliveries: WebhookDelivery[] = [];
  const endpoint = {
    id: "wep_every",
    url: "https://hooks.example.com/every",
    eventTypes: [...EVENT_TYPES],
    sealedSecret: "sealed",
    createdAt: "2026-11-22T12:00:00.000Z",
  };
  const unused = () => Promise.reject(new Error("not used by dispatchEvent"));
  const deps: WebhookDeps = {
    clock: w.clock,
    random: w.random,
    store: {
      putEndpoint: unused,
      getEndpoint: unused,
      deleteEndpoint: unused,
      due: unused,
      deliveriesOf: unused,
      listEndpoints: async () => [endpoint],
      async createDelivery(delivery) {
        deliveries.push(delivery);
        return true;
      },
      recordAttempt: async () => true,
    },
    sender: {
      async send(_endpoint, message) {
        sent.push({ payload: message.payload });
        return { status: 204 };
      },
    },
  };
  return { deps, sent, deliveries };
}

const lastEvent = (w: ReturnType<typeof memoryWorld>): DomainEvent => {
  const event = w.events.published.at(-1);
  if (!event) throw new Error("nothing was published");
  return event;
};

describe("event types covered at the unit tier", () => {
  it("user.unlocked (an administrator's reset) is a log entry and a delivery, with its source", async () => {
    const w = memoryWorld();
    const user = makeUser({ authMethod: "tfa_email", email: "joe@example.com" });
    w.users.seed(user);
    await unlock(w.secondFactor, user, SOURCE);
    const event = lastEvent(w);
    expect(event.type).toBe("user.unlocked");

    const entry = securityLogEntry(event);
    expect(entry).toMatchObject({
      type: "user.unlocked",
      outcome: "success",
      ip: SOURCE.ip,
      userAgent: SOURCE.userAgent,
      data: { by: "reset" },
    });
    expect(entry?.data).not.toHaveProperty("userId");

    const endpoint = everyTypeEndpoint(w);
    await dispatchEvent(endpoint.deps, event);
    expect(endpoint.sent).toHaveLength(1);
    expect(JSON.parse(endpoint.sent[0]?.payload ?? "{}")).toEqual({
      type: "user.unlocked",
      timestamp: event.occurredAt,
      data: {
        id: event.id,
        userId: user.id,
        outcome: "success",
        ip: SOURCE.ip,
        userAgent: SOURCE.userAgent,
        by: "reset",
      },
    });
  });

  it("a verification code to a contact names no user: no log entry, no delivery, no secret published in clear", async () => {
    const w = memoryWorld();
    await requestPhoneVerificationCode(w.codes, { phoneNumber: "+33612345678", locale: "en" });
    const phone = lastEvent(w);
    await requestEmailVerificationCode(w.codes, { email: "new@example.com", locale: "en" });
    const email = lastEvent(w);
    expect([phone.type, email.type]).toEqual([
      "phone_verification_code.created",
      "email_verification_code.created",
    ]);
    for (const event of [phone, email]) {
      expect(event.userId).toBeUndefined();
      expect(event.sealedCode).toEqual(expect.any(String));
      const code = open(ENCRYPTION_KEY, event.sealedCode ?? "", event.id);
      expect(code).toMatch(/^\d{6}$/);
      expect(JSON.stringify(event.data)).not.toContain(code);
      expect(securityLogEntry(event)).toBeNull();
      const endpoint = everyTypeEndpoint(w);
      await dispatchEvent(endpoint.deps, event);
      expect(endpoint.deliveries).toEqual([]);
      expect(endpoint.sent).toEqual([]);
    }
  });
});
