import { afterEach, describe, expect, it } from "vitest";
import {
  booleanFromEnv,
  ConfigError,
  intFromEnv,
  readCodePolicy,
  readRefreshTokenLifetime,
} from "../../functions/adapters/config.js";
import { readTemplates } from "../../functions/adapters/templates.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe("configuration fails the cold start rather than open", () => {
  it("reads true and false, and refuses anything else for a flag", () => {
    process.env.FLAG = "true";
    expect(booleanFromEnv("FLAG", false)).toBe(true);
    process.env.FLAG = "false";
    expect(booleanFromEnv("FLAG", true)).toBe(false);
    delete process.env.FLAG;
    expect(booleanFromEnv("FLAG", true)).toBe(true);
    for (const bad of ["TRUE", "1", "yes"]) {
      process.env.FLAG = bad;
      expect(() => booleanFromEnv("FLAG", false)).toThrow(ConfigError);
    }
  });

  it("refuses an integer outside its bounds", () => {
    process.env.N = "0";
    expect(() => intFromEnv("N", 5, [1, 10])).toThrow(ConfigError);
    process.env.N = "3";
    expect(intFromEnv("N", 5, [1, 10])).toBe(3);
  });

  it("reads the refresh-token idle timeout in days, 14 by default, never past the 30-day lifetime", () => {
    delete process.env.REFRESH_TOKEN_IDLE_DAYS;
    expect(readRefreshTokenLifetime()).toEqual({
      absoluteSeconds: 30 * 86_400,
      idleSeconds: 14 * 86_400,
    });
    process.env.REFRESH_TOKEN_IDLE_DAYS = "7";
    expect(readRefreshTokenLifetime().idleSeconds).toBe(7 * 86_400);
    process.env.REFRESH_TOKEN_IDLE_DAYS = "31";
    expect(() => readRefreshTokenLifetime()).toThrow(ConfigError);
  });

  it("reads a user's own code window apart from the recipient's, 5 each by default", () => {
    delete process.env.CODE_MAX_SENDS_PER_USER;
    delete process.env.CODE_MAX_SENDS_PER_RECIPIENT;
    expect(readCodePolicy()).toMatchObject({ maxSendsPerUser: 5, maxSendsPerRecipient: 5 });
    process.env.CODE_MAX_SENDS_PER_USER = "8";
    expect(readCodePolicy()).toMatchObject({ maxSendsPerUser: 8, maxSendsPerRecipient: 5 });
    process.env.CODE_MAX_SENDS_PER_USER = "0";
    expect(() => readCodePolicy()).toThrow(ConfigError);
  });

  it("reads the daily SMS shares per user and per phone, 50 and 100 by default", () => {
    delete process.env.SMS_DAILY_PER_USER;
    delete process.env.SMS_DAILY_PER_PHONE;
    expect(readCodePolicy()).toMatchObject({ smsDailyPerUser: 50, smsDailyPerPhone: 100 });
    process.env.SMS_DAILY_PER_USER = "20";
    expect(readCodePolicy().smsDailyPerUser).toBe(20);
    process.env.SMS_DAILY_PER_PHONE = "0";
    expect(() => readCodePolicy()).toThrow(ConfigError);
  });

  it("overrides one template and keeps the others", () => {
    process.env.NOTIFICATION_TEMPLATES = JSON.stringify({
      "user.tfa_code.created": { en: { subject: "Code", text: "Use {{code}}" } },
    });
    const templates = readTemplates();
    expect(templates["user.tfa_code.created"]?.en?.text).toBe("Use {{code}}");
    expect(templates["user.tfa_code.created"]?.fr?.text).toContain("{{code}}");
    expect(templates["user.locked"]?.en).toBeDefined();
  });

  it("refuses malformed template overrides", () => {
    for (const bad of ["{not json", '{"no.such.event":{}}', '{"user.locked":{"en":{"text":1}}}']) {
      process.env.NOTIFICATION_TEMPLATES = bad;
      expect(() => readTemplates()).toThrow(ConfigError);
    }
  });
});
