import { describe, expect, it } from "vitest";
import { seal } from "../../functions/core/crypto.js";
import type { DomainEvent } from "../../functions/core/events.js";
import {
  DEFAULT_TEMPLATES,
  deliverNotification,
  type MessageSender,
  type NotifierDeps,
} from "../../functions/core/notifications.js";
import { DEFAULT_CODE_POLICY } from "../../functions/core/policy.js";
import {
  FakeClock,
  MemoryDeliveryStore,
  MemoryRateLimiter,
  SeededRandom,
} from "../support/fakes.js";

function world(policy = {}) {
  const sent: { to: string; text: string }[] = [];
  const sender: MessageSender = {
    sendSms: async (to, text) => (sent.push({ to, text }), `sms-${sent.length}`),
    sendEmail: async (to, _subject, text) => (sent.push({ to, text }), `mail-${sent.length}`),
  };
  const deps: NotifierDeps = {
    clock: new FakeClock(),
    limiter: new MemoryRateLimiter(),
    policy: { ...DEFAULT_CODE_POLICY, ...policy },
    sender,
    deliveries: new MemoryDeliveryStore(),
    templates: DEFAULT_TEMPLATES,
    encryptionKey: new Uint8Array(32).fill(9),
    serviceName: "Twofa",
  };
  return { deps, sent };
}

let n = 0;
function notice(to: string): DomainEvent {
  n += 1;
  return {
    id: `evt_${n}`,
    type: "account.twofa_needed",
    occurredAt: new Date().toISOString(),
    locale: "en",
    recipient: { channel: "sms", to },
    data: { connector: "demo" },
  };
}

describe("notifier (core)", () => {
  it("sends a user's SMS notices only under their daily notice cap, while their codes keep flowing", async () => {
    const { deps, sent } = world({ smsDailyNoticesPerUser: 3, maxSendsPerRecipient: 100 });
    const random = new SeededRandom(5);
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(
        await deliverNotification(deps, { ...notice("+33612345678"), userId: "usr_a" }),
      );
    }
    expect(outcomes).toEqual(["sent", "sent", "sent", "suppressed", "suppressed"]);
    const id = "evt_code_after_notices";
    expect(
      await deliverNotification(deps, {
        id,
        type: "user.tfa_code.created",
        occurredAt: new Date().toISOString(),
        locale: "en",
        userId: "usr_a",
        recipient: { channel: "sms", to: "+33612345678" },
        sealedCode: seal(deps.encryptionKey, "123456", id, random),
        data: { minutes: 10 },
      }),
    ).toBe("sent");
    // Another user's notices to another phone are not held back.
    expect(await deliverNotification(deps, { ...notice("+33612345679"), userId: "usr_b" })).toBe(
      "sent",
    );
    expect(sent).toHaveLength(5);
    // The next UTC day, the user's notices go again.
    (deps.clock as FakeClock).advanceSeconds(24 * 60 * 60);
    expect(await deliverNotification(deps, { ...notice("+33612345678"), userId: "usr_a" })).toBe(
      "sent",
    );
  });

  it("tells a locked user until when, or that the method that failed waits for another factor or a reset", async () => {
    const { deps, sent } = world();
    const locked = (data: DomainEvent["data"]): DomainEvent => ({
      id: `evt_locked_${Object.keys(data).length}`,
      type: "user.locked",
      occurredAt: new Date().toISOString(),
      locale: "en",
      recipient: { channel: "email", to: "joe@example.com" },
      data,
    });
    await deliverNotification(deps, locked({ minutes: 30, until: "2026-12-02 15:30 UTC" }));
    await deliverNotification(
      deps,
      locked({ minutes: 1440, until: "2026-12-03 15:00 UTC", disabled: 1 }),
    );
    expect(sent[0]?.text).toContain("locked for 30 minutes, until 2026-12-02 15:30 UTC.");
    expect(sent[0]?.text).not.toContain("another one");
    expect(sent[1]?.text).toContain("until you sign in with another one or ask for a reset");
    expect(sent[1]?.text).not.toContain("{{");
    expect(sent[1]?.text).not.toContain("1440 minutes");
  });

  it("sends one message for an event delivered twice", async () => {
    const { deps, sent } = world();
    const event = notice("+33612345678");
    expect(await deliverNotification(deps, event)).toBe("sent");
    expect(await deliverNotification(deps, event)).toBe("duplicate");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain("demo");
  });

  it("suppresses SMS notices past the recipient's window, so events cannot pump SMS", async () => {
    const { deps, sent } = world({ maxSendsPerRecipient: 3 });
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(await deliverNotification(deps, notice("+33612345678")));
    expect(outcomes).toEqual(["sent", "sent", "sent", "suppressed", "suppressed"]);
    expect(sent).toHaveLength(3);
  });

  it("suppresses SMS notices once the day's SMS budget is spent", async () => {
    const { deps, sent } = world({ smsDailyBudget: 2 });
    for (const to of ["+33612345671", "+33612345672", "+33612345673"]) {
      await deliverNotification(deps, notice(to));
    }
    expect(sent.map((m) => m.to)).toEqual(["+33612345671", "+33612345672"]);
  });

  it("never suppresses a code, whose sends were counted when it was issued", async () => {
    const { deps, sent } = world({ maxSendsPerRecipient: 1, smsDailyBudget: 0 });
    const random = new SeededRandom(3);
    for (let i = 0; i < 3; i++) {
      const id = `evt_code_${i}`;
      await deliverNotification(deps, {
        id,
        type: "user.tfa_code.created",
        occurredAt: new Date().toISOString(),
        locale: "fr",
        recipient: { channel: "sms", to: "+33612345678" },
        sealedCode: seal(deps.encryptionKey, `12345${i}`, id, random),
        data: { minutes: 10 },
      });
    }
    expect(sent.map((m) => m.text.match(/\d{6}/)?.[0])).toEqual(["123450", "123451", "123452"]);
    expect(sent[0]?.text).toContain("Votre code de connexion");
  });
});
