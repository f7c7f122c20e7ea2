import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { dynamoCodeStore } from "../../functions/adapters/code-store.js";
import { documentClient } from "../../functions/adapters/dynamo.js";
import { codeKey } from "../../functions/adapters/keys.js";
import { dynamoRateLimiter } from "../../functions/adapters/rate-limiter.js";
import { systemRandom } from "../../functions/adapters/system.js";
import { open } from "../../functions/core/crypto.js";
import { DEFAULT_CODE_POLICY } from "../../functions/core/policy.js";
import {
  type CodeDeps,
  checkAndConsumeCode,
  issueCode,
} from "../../functions/core/verification-codes.js";
import { FakeClock, MemoryEvents } from "../support/fakes.js";
import { useLocalAwsEnvironment } from "../support/local.js";

let table = "";
beforeAll(() => {
  useLocalAwsEnvironment();
  table = inject("tableName");
});

function deps(clock = new FakeClock(Date.now())) {
  const events = new MemoryEvents();
  const d: CodeDeps = {
    clock,
    random: systemRandom,
    store: dynamoCodeStore(table),
    limiter: dynamoRateLimiter(table),
    events,
    policy: { ...DEFAULT_CODE_POLICY, maxSendsPerIp: 1000 },
    codeHashKey: new Uint8Array(32).fill(3),
    encryptionKey: new Uint8Array(32).fill(4),
  };
  return { d, clock, events };
}

async function sendCode(d: CodeDeps, events: MemoryEvents, subject: string) {
  await issueCode(d, {
    purpose: "phone_verification",
    subject,
    recipient: { channel: "sms", to: subject },
    eventType: "phone_verification_code.created",
    locale: "en",
  });
  const event = events.published.at(-1);
  if (!event?.sealedCode) throw new Error("no code");
  return open(d.encryptionKey, event.sealedCode, event.id);
}

const unique = () => `+3361${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

describe("DynamoDB code store", () => {
  it("lets a code be checked at most 5 times", async () => {
    const { d, events } = setup();
    const subject = unique();
    const code = await sendCode(d, events, subject);
    const wrong = code === "000000" ? "111111" : "000000";
    const outcomes = [];
    for (let i = 0; i < 6; i++)
      outcomes.push(await checkAndConsumeCode(d, "phone_verification", subject, wrong));
    expect(outcomes.slice(0, 5).every((o) => !o.ok && o.reason === "incorrect")).toBe(true);
    expect(outcomes[5]).toMatchObject({ ok: false, reason: "exhausted" });
    expect(await checkAndConsumeCode(d, "phone_verification", subject, code)).toMatchObject({
      reason: "exhausted",
    });
  });

  it("a burst of 50 concurrent checks of one valid code consumes it exactly once", async () => {
    const { d, events } = setup();
    const subject = unique();
    const code = await sendCode(d, events, subject);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => checkAndConsumeCode(d, "phone_verification", subject, code)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses an expired code even while its item still exists", async () => {
    const { d, events, clock } = setup();
    const subject = unique();
    const code = await sendCode(d, events, subject);
    clock.advanceSeconds(DEFAULT_CODE_POLICY.ttlSeconds + 1);
    expect(await checkAndConsumeCode(d, "phone_verification", subject, code)).toMatchObject({
      ok: false,
      reason: "expired",
    });
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: table, Key: codeKey("phone_verification", subject) }),
    );
    expect(Item).toBeDefined();
  });

  it("stores no plaintext code", async () => {
    const { d, events } = setup();
    const subject = unique();
    const code = await sendCode(d, events, subject);
    const { Item } = await documentClient().send(
      new GetCommand({ TableName: table, Key: codeKey("phone_verification", subject) }),
    );
    expect(Item?.codeHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(Item)).not.toContain(code);
  });
});

describe("DynamoDB rate limiter", () => {
  it("refuses a hit within the cooldown and says how long to wait", async () => {
    const limiter = dynamoRateLimiter(table);
    const key = `test#${Math.random()}`;
    const now = Math.floor(Date.now() / 1000);
    expect(
      await limiter.hit({
        key,
        limit: 5,
        windowSeconds: 600,
        cooldownSeconds: 30,
        nowEpochSeconds: now,
      }),
    ).toEqual({ ok: true });
    expect(
      await limiter.hit({
        key,
        limit: 5,
        windowSeconds: 600,
        cooldownSeconds: 30,
        nowEpochSeconds: now + 10,
      }),
    ).toEqual({
      ok: false,
      reason: "cooldown",
      retryAfterSeconds: 20,
    });
  });

  it("lets no more than the limit through a concurrent burst", async () => {
    const limiter = dynamoRateLimiter(table);
    const key = `test#${Math.random()}`;
    const now = Math.floor(Date.now() / 1000);
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        limiter.hit({ key, limit: 5, windowSeconds: 600, nowEpochSeconds: now }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
  });

  it("opens a new window once the old one is over", async () => {
    const limiter = dynamoRateLimiter(table);
    const key = `test#${Math.random()}`;
    const now = Math.floor(Date.now() / 1000);
    await limiter.hit({ key, limit: 1, windowSeconds: 60, nowEpochSeconds: now });
    expect(
      (await limiter.hit({ key, limit: 1, windowSeconds: 60, nowEpochSeconds: now + 1 })).ok,
    ).toBe(false);
    expect(
      (await limiter.hit({ key, limit: 1, windowSeconds: 60, nowEpochSeconds: now + 61 })).ok,
    ).toBe(true);
  });
});

function setup() {
  return deps();
}
