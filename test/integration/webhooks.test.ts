/**
 * Webhook deliveries against DynamoDB Local and a receiver on 127.0.0.1 that verifies each
 * request with the `standardwebhooks` library, with an injected clock: retries on the
 * schedule, the same `webhook-id` on each, and `failed` once the schedule runs out.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resources } from "../../functions/adapters/config.js";
import {
  httpWebhookSender,
  webhookSecretContext,
} from "../../functions/adapters/webhook-sender.js";
import { dynamoWebhookStore } from "../../functions/adapters/webhook-store.js";
import { seal } from "../../functions/core/crypto.js";
import type { DomainEvent } from "../../functions/core/events.js";
import {
  dispatchEvent,
  RETRY_SCHEDULE_SECONDS,
  retryDueDeliveries,
  type WebhookDeps,
} from "../../functions/core/webhooks.js";
import { ENCRYPTION_KEY, FakeClock, SeededRandom } from "../support/fakes.js";
import { useLocalAwsEnvironment } from "../support/local.js";

interface Received {
  path: string;
  id: string;
  /** The signature checked with the library against the attempt's own timestamp. */
  signed: boolean;
  /** `verify` passed (it also checks the timestamp against the real time). */
  verified: boolean;
  body: unknown;
}

const SECRET = `whsec_${Buffer.from("a webhook secret of 32 bytes....").toString("base64")}`;
let server: Server;
let url: string;
/** Statuses the receiver answers, in turn (the last one repeats). */
let script: number[] = [];
const received: Received[] = [];

beforeAll(async () => {
  useLocalAwsEnvironment();
  const verifier = new Webhook(SECRET);
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
      );
      let verified = false;
      try {
        verifier.verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      // The clock is injected: a later attempt's timestamp is hours ahead of the real time,
      // which `verify` refuses; its signature is checked for its own timestamp instead.
      const id = String(headers["webhook-id"]);
      const timestamp = new Date(Number(headers["webhook-timestamp"]) * 1000);
      const signed = verifier.sign(id, timestamp, body) === headers["webhook-signature"];
      received.push({ path: String(request.url), id, signed, verified, body: JSON.parse(body) });
      const status = script.length > 1 ? (script.shift() as number) : (script[0] ?? 200);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A fresh endpoint for `type`, and the deps of a dispatcher whose clock the test holds. */
async function world(clock: FakeClock) {
  const store = dynamoWebhookStore(resources.tableName());
  const random = new SeededRandom(Date.now() % 1000);
  const id = `we_${randomUUID()}`;
  await store.putEndpoint({
    id,
    url: `${url}/${id}`,
    eventTypes: ["user.login.succeeded"],
    sealedSecret: seal(ENCRYPTION_KEY, SECRET, webhookSecretContext(id), random),
    createdAt: new Date(clock.nowMs()).toISOString(),
  });
  const deps: WebhookDeps = {
    clock,
    random,
    store,
    sender: httpWebhookSender({
      encryptionKey: ENCRYPTION_KEY,
      timeoutMs: 2000,
      allowLoopback: true,
    }),
  };
  const mine = () => received.filter((r) => r.path === `/hooks/${id}`);
  return { deps, store, endpointId: id, mine };
}

function loginEvent(clock: FakeClock): DomainEvent {
  return {
    id: `evt_${randomUUID()}`,
    type: "user.login.succeeded",
    occurredAt: new Date(clock.nowMs()).toISOString(),
    locale: "en",
    userId: "usr_webhook",
    source: { ip: "203.0.113.7", userAgent: "ua" },
    data: { factor: "totp", via: "token" },
  };
}

/** The verifier checks the timestamp against the real time: keep the fake clock near it. */
const nearNow = () => new FakeClock(Date.now());

describe("webhook deliveries", () => {
  it("500, 500, 200: delivered on the third attempt, each with the same webhook-id and a valid signature", async () => {
    const clock = nearNow();
    const { deps, store, endpointId, mine } = await world(clock);
    script = [500, 500, 200];
    await dispatchEvent(deps, loginEvent(clock));
    // Not due yet: nothing happens.
    expect(await retryDueDeliveries(deps)).toBe(0);
    clock.advanceSeconds(RETRY_SCHEDULE_SECONDS[0]);
    await retryDueDeliveries(deps);
    clock.advanceSeconds(RETRY_SCHEDULE_SECONDS[1]);
    await retryDueDeliveries(deps);

    expect(mine()).toHaveLength(3);
    expect(new Set(mine().map((r) => r.id)).size).toBe(1);
    expect(mine().every((r) => r.signed)).toBe(true);
    const [delivery] = await store.deliveriesOf(endpointId, 10);
    expect(delivery).toMatchObject({ state: "delivered", nextAttemptAt: null });
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(mine()[0]).toMatchObject({
      verified: true,
      body: { type: "user.login.succeeded", data: { factor: "totp", ip: "203.0.113.7" } },
    });
  });

  it("fails after the whole schedule (over 24 hours) with every attempt's status", async () => {
    const clock = nearNow();
    const { deps, store, endpointId, mine } = await world(clock);
    script = [503];
    await dispatchEvent(deps, loginEvent(clock));
    for (const delay of RETRY_SCHEDULE_SECONDS) {
      clock.advanceSeconds(delay);
      await retryDueDeliveries(deps);
    }
    expect(RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3600);
    const [delivery] = await store.deliveriesOf(endpointId, 10);
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts.map((a) => a.status)).toEqual(
      Array(RETRY_SCHEDULE_SECONDS.length + 1).fill(503),
    );
    // Failed is final: no retry is due any more.
    clock.advanceSeconds(7 * 24 * 3600);
    expect(await retryDueDeliveries(deps)).toBe(0);
    expect(mine()).toHaveLength(RETRY_SCHEDULE_SECONDS.length + 1);
    expect(new Set(mine().map((r) => r.id)).size).toBe(1);
  });
});
