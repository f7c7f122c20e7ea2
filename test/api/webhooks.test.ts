/**
 * Signed webhooks and the admin API over HTTP: an endpoint registered with the admin key gets
 * each event of its types, signed per Standard Webhooks, verified here with the library.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call, freshUsername, post, sleep } from "../support/http.js";
import { PASSWORD, passwordGrant } from "../support/users.js";
import {
  type Received,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../support/webhook-receiver.js";

let receiver: WebhookReceiver;
let receiverUrl: string;
let received: Received[];

beforeAll(async () => {
  receiver = await startWebhookReceiver("/hooks");
  receiverUrl = receiver.url;
  received = receiver.received;
});

afterAll(() => receiver.close());

const admin = (key = inject("adminApiKey")) => ({ "x-admin-api-key": key });

describe("the admin API's key", () => {
  it("is required: missing or wrong answers 401 invalid_admin_key", async () => {
    const missing = await call("GET", "/v1/admin/webhook_endpoints");
    expect(missing.status).toBe(401);
    expect(missing.body.error).toBe("invalid_admin_key");
    const wrong = await call("GET", "/v1/admin/webhook_endpoints", {
      headers: admin(`${inject("adminApiKey")}x`),
    });
    expect(wrong.status).toBe(401);
    const created = await call("POST", "/v1/admin/webhook_endpoints", {
      json: { url: receiverUrl, eventTypes: ["user.login.succeeded"] },
      headers: admin("nope"),
    });
    expect(created.status).toBe(401);
  });
});

describe("signed webhooks", () => {
  it("delivers a user's login to a registered endpoint, signed with the secret shown once", async () => {
    const created = await call<{ id: string; secret: string; url: string }>(
      "POST",
      "/v1/admin/webhook_endpoints",
      {
        json: { url: `${receiverUrl}/login`, eventTypes: ["user.login.succeeded"] },
        headers: admin(),
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    const listed = await call<{ endpoints: Record<string, unknown>[] }>(
      "GET",
      "/v1/admin/webhook_endpoints",
      { headers: admin() },
    );
    const mine = listed.body.endpoints.find((e) => e.id === created.body.id);
    expect(mine).toMatchObject({
      url: `${receiverUrl}/login`,
      eventTypes: ["user.login.succeeded"],
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const username = freshUsername();
    expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
    expect((await passwordGrant(username)).status).toBe(200);

    const verifier = new Webhook(created.body.secret);
    type Payload = { type: string; data: Record<string, unknown> };
    let delivery: Payload | undefined;
    for (let i = 0; i < 80 && delivery === undefined; i++) {
      for (const r of received) {
        try {
          const payload = verifier.verify(r.body, r.headers) as Payload | undefined;
          if (payload?.data?.factor === "password") delivery = payload;
        } catch {
          // Another endpoint's delivery, or not this login.
        }
      }
      if (delivery === undefined) await sleep(100);
    }
    expect(delivery).toMatchObject({
      type: "user.login.succeeded",
      data: { factor: "password", via: "token", outcome: "success" },
    });

    let states: string[] = [];
    for (let i = 0; i < 30 && !states.includes("delivered"); i++) {
      const deliveries = await call<{ deliveries: { state: string }[] }>(
        "GET",
        `/v1/admin/webhook_endpoints/${created.body.id}/deliveries`,
        { headers: admin() },
      );
      expect(deliveries.status).toBe(200);
      states = deliveries.body.deliveries.map((d) => d.state);
      if (!states.includes("delivered")) await sleep(100);
    }
    expect(states).toContain("delivered");

    const removed = await call("DELETE", `/v1/admin/webhook_endpoints/${created.body.id}`, {
      headers: admin(),
    });
    expect(removed.status).toBe(204);
    const again = await call("DELETE", `/v1/admin/webhook_endpoints/${created.body.id}`, {
      headers: admin(),
    });
    expect(again.status).toBe(404);
  });

  it("refuses an endpoint that is not a URL or names no known event type", async () => {
    const badUrl = await call("POST", "/v1/admin/webhook_endpoints", {
      json: { url: "ftp://example.com/x", eventTypes: ["user.login.succeeded"] },
      headers: admin(),
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ error: "invalid_request", field: "url" });
    const badType = await call("POST", "/v1/admin/webhook_endpoints", {
      json: { url: receiverUrl, eventTypes: ["user.nothing"] },
      headers: admin(),
    });
    expect(badType.body).toMatchObject({ error: "invalid_request", field: "eventTypes" });
  });
});
