/** Security-log entries from domain events: public data only, contacts masked. */
import { describe, expect, it } from "vitest";
import type { DomainEvent } from "../../functions/core/events.js";
import { securityLogEntry } from "../../functions/core/security-log.js";

const base: DomainEvent = {
  id: "evt_1",
  type: "user.tfa_code.created",
  occurredAt: "2026-11-22T12:00:00.000Z",
  locale: "en",
  userId: "usr_1",
  source: { ip: "203.0.113.9", userAgent: "ua" },
  recipient: { channel: "sms", to: "+33612345678" },
  sealedCode: "sealed-secret",
  data: { minutes: 10, userId: "usr_1", newEmail: "joe.doe@example.com", backupCode: "abcd" },
};

describe("a security-log entry", () => {
  it("keeps public data, masks contacts and leaves out the sealed code and secret-named values", () => {
    const entry = securityLogEntry(base);
    expect(entry).toEqual({
      id: "evt_1",
      type: "user.tfa_code.created",
      occurredAt: "2026-11-22T12:00:00.000Z",
      outcome: "success",
      ip: "203.0.113.9",
      userAgent: "ua",
      data: {
        minutes: 10,
        newEmail: "j*****e@example.com",
        channel: "sms",
        destination: "+*******5678",
      },
    });
    expect(JSON.stringify(entry)).not.toContain("sealed");
  });

  it("marks failures, and an event that names no user has no entry", () => {
    expect(securityLogEntry({ ...base, type: "user.login.failed" })?.outcome).toBe("failure");
    expect(securityLogEntry({ ...base, type: "user.locked" })?.outcome).toBe("failure");
    const { userId: _ignored, ...anonymous } = base;
    expect(securityLogEntry(anonymous)).toBeNull();
  });
});
