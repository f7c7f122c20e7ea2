/**
 * The admin API over HTTP: the key before anything else, a user's factors, lock, sessions and
 * devices as an operator sees them (never a secret), an unlock, a reset of every second factor
 * (sessions ended, devices forgotten, the user told by SMS and email, the next login per the
 * policy), and every admin action in the user's log, the admin audit log and a webhook.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROUTES } from "../../infra/routes.js";
import {
  awayFromStepEnd,
  setUpAuthenticatorApp,
  totpCode,
  validateAuthenticatorApp,
} from "../support/authenticator-app.js";
import { call, freshUsername, post, sleep } from "../support/http.js";
import { apiUrl, latestCodeFor, messagesFor } from "../support/local.js";
import { type CreationOptions, SoftwareAuthenticator } from "../support/software-authenticator.js";
import {
  type Json,
  PASSWORD,
  passwordGrant,
  registerSmsUser,
  verifiedEmail,
  verifiedPhone,
  wrongOf,
} from "../support/users.js";
import {
  type Received,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../support/webhook-receiver.js";

const admin = (key = inject("adminApiKey")) => ({ "x-admin-api-key": key });
const ADMIN_ROUTES = ROUTES.filter((route) => route.path.startsWith("/v1/admin/"));

let receiver: WebhookReceiver;
let receiverUrl: string;
let received: Received[];

beforeAll(async () => {
  receiver = await startWebhookReceiver("/admin-hooks");
  receiverUrl = receiver.url;
  received = receiver.received;
});

afterAll(() => receiver.close());

const concrete = (path: string) => path.replace("{id}", "usr_0123456789abcdefABCDEF");

interface AdminUser {
  id: string;
  factors: {
    authMethod: string;
    phoneNumber: string | null;
    email: string | null;
    authenticatorApp: { linked: boolean; linkedAt: string | null };
    backupCodes: { total: number; remaining: number };
    passkeys: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[];
  };
  lock: {
    locked: boolean;
    lockedUntil: string | null;
    consecutiveFailures: number;
    disabledFactors: string[];
  };
  sessions: { id: string; createdAt: string; createdFrom: { ip: string | null } }[];
  devices: { id: string }[];
}

interface LogEntry {
  type: string;
  occurredAt: string;
  ip: string | null;
  data: Json;
}

/** The newest entries of the admin audit log, a few pages of them. */
async function auditLog(pages = 10): Promise<LogEntry[]> {
  const events: LogEntry[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const query: string = cursor === null ? "" : `?cursor=${cursor}`;
    const page = await call<{ events: LogEntry[]; nextCursor: string | null }>(
      "GET",
      `/v1/admin/security_events${query}`,
      { headers: admin() },
    );
    expect(page.status).toBe(200);
    events.push(...page.body.events);
    cursor = page.body.nextCursor;
    if (cursor === null) break;
  }
  return events;
}

const viewUser = (id: string) =>
  call<AdminUser & { error?: string }>("GET", `/v1/admin/users/${id}`, { headers: admin() });

async function userIdOf(access: string): Promise<string> {
  const me = await call("GET", "/v1/user", { token: access });
  expect(me.status).toBe(200);
  return String(me.body.id);
}

/** An SMS user (with a verified email too), signed in: the phone, the email, the tokens. */
async function smsAndEmailUser() {
  const phone = await verifiedPhone();
  const email = await verifiedEmail();
  const username = freshUsername();
  const created = await post("/v1/customers", {
    username,
    password: PASSWORD,
    authMethod: "tfa_sms",
    phoneNumber: phone.phone,
    phoneVerificationCode: phone.code,
    email: email.email,
    emailVerificationCode: email.code,
  });
  expect(created.status).toBe(201);
  const tokens = await passwordGrant(username, { otp: phone.code });
  expect(tokens.status).toBe(200);
  const access = String(tokens.body.access_token);
  return {
    username,
    phone: phone.phone,
    email: email.email,
    access,
    refresh: String(tokens.body.refresh_token),
    id: await userIdOf(access),
  };
}

/** Links an authenticator app, proving the SMS factor first; answers its secret. */
async function linkApp(user: { access: string; phone: string }): Promise<string> {
  const { secret } = await setUpAuthenticatorApp(user.access);
  await awayFromStepEnd();
  const since = new Date();
  const asked = await validateAuthenticatorApp(user.access, { code: totpCode(secret, -1) });
  expect(asked.status).toBe(400);
  const otp = await latestCodeFor(user.phone, { after: since });
  const linked = await validateAuthenticatorApp(user.access, {
    code: totpCode(secret, -1),
    otp,
  });
  expect(linked.body.response).toBe(true);
  return secret;
}

/** Adds a passkey, proving the app's factor. */
async function addPasskey(access: string, otp: string) {
  const authenticator = new SoftwareAuthenticator(apiUrl().replace("//127.0.0.1:", "//localhost:"));
  const options = await call("POST", "/v1/user/passkeys/registration_options", {
    token: access,
    json: { otp },
  });
  expect(options.status).toBe(200);
  const credential = authenticator.register(options.body as unknown as CreationOptions);
  const created = await call("POST", "/v1/user/passkeys", {
    token: access,
    json: { credential, name: "Laptop" },
  });
  expect(created.status).toBe(201);
}

describe("the admin key comes before anything else of the request", () => {
  it("answers 401 invalid_admin_key on every admin route to a bad body with no key or a wrong one", async () => {
    expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(8);
    for (const route of ADMIN_ROUTES) {
      for (const headers of [{}, admin("wrong"), admin(`${inject("adminApiKey")}x`)]) {
        // A body that is no JSON, or for a GET a cursor that is no cursor.
        const res =
          route.method === "GET"
            ? await call(route.method, `${concrete(route.path)}?cursor=%21%21`, { headers })
            : await call(route.method, concrete(route.path), {
                raw: '{"url": 12, "eventTypes": ',
                headers: { ...headers, "content-type": "application/json" },
              });
        expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
        expect(res.body).toMatchObject({ error: "invalid_admin_key" });
        expect(res.text).not.toMatch(/url|eventTypes|json/i);
      }
    }
  });

  it("with the key, the same bad body is refused for what it is", async () => {
    const res = await call("POST", "/v1/admin/webhook_endpoints", {
      raw: '{"url": 12, "eventTypes": ',
      headers: { ...admin(), "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_json");
  });
});

describe("GET /v1/admin/users/{id}", () => {
  it("shows the factors, lock, sessions and devices, and no secret", async () => {
    const user = await smsAndEmailUser();
    const secret = await linkApp(user);
    const view = await viewUser(user.id);
    expect(view.status).toBe(200);
    expect(view.body.factors).toMatchObject({
      authMethod: "totp",
      authenticatorApp: { linked: true },
      backupCodes: { total: 10, remaining: 10 },
      passkeys: [],
    });
    expect(view.body.factors.phoneNumber).toMatch(/^\+\*+\d{4}$/);
    expect(view.body.factors.email).toContain("*");
    expect(view.body.lock).toEqual({
      locked: false,
      lockedUntil: null,
      consecutiveFailures: 0,
      disabledFactors: [],
    });
    expect(view.body.sessions.length).toBeGreaterThanOrEqual(1);
    expect(view.body.sessions[0]?.createdFrom.ip).toBe("127.0.0.1");
    for (const secretValue of [user.phone, user.email, secret, user.refresh, user.access]) {
      expect(view.text).not.toContain(secretValue);
    }
    expect(view.text).not.toMatch(/hash|sealed|secret/i);
  });

  it("answers 404 user_not_found for an unknown or malformed id", async () => {
    for (const id of ["usr_0123456789abcdefABCDEF", "nobody"]) {
      const res = await viewUser(id);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe("user_not_found");
    }
  });
});

describe("POST /v1/admin/users/{id}/unlock", () => {
  it("lets a locked user log in again", async () => {
    const user = await registerSmsUser();
    const first = await passwordGrant(user.username, { otp: user.registrationCode });
    const id = await userIdOf(String(first.body.access_token));
    const wrong = wrongOf("000000");
    for (let i = 0; i < 10; i++) await passwordGrant(user.username, { otp: wrong });
    const locked = await viewUser(id);
    expect(locked.body.lock).toMatchObject({ locked: true, consecutiveFailures: 10 });
    expect(locked.body.lock.lockedUntil).not.toBeNull();
    const since = new Date();
    const refused = await passwordGrant(user.username, { otp: wrong });
    expect(refused.body.error).toBe("too_many_attempts");

    const unlocked = await call("POST", `/v1/admin/users/${id}/unlock`, { headers: admin() });
    expect(unlocked.status).toBe(204);
    expect((await viewUser(id)).body.lock.locked).toBe(false);

    const asked = await passwordGrant(user.username);
    expect(asked.body.error).toBe("otp_required");
    const code = await latestCodeFor(user.phone, { after: since });
    const tokens = await passwordGrant(user.username, { otp: code });
    expect(tokens.status).toBe(200);
  });

  it("answers 404 user_not_found for an unknown user", async () => {
    const res = await call("POST", "/v1/admin/users/usr_0123456789abcdefABCDEF/unlock", {
      headers: admin(),
    });
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("user_not_found");
  });
});

describe("POST /v1/admin/users/{id}/reset_second_factors", () => {
  it("removes every factor, ends every session, tells the user by SMS and email; the next login follows the policy", async () => {
    const user = await smsAndEmailUser();
    const secret = await linkApp(user);
    await addPasskey(user.access, totpCode(secret, 0));
    const before = await viewUser(user.id);
    expect(before.body.factors).toMatchObject({
      authMethod: "totp",
      authenticatorApp: { linked: true },
      backupCodes: { remaining: 10 },
      passkeys: [{ name: "Laptop" }],
    });
    const since = new Date().toISOString();

    const reset = await call("POST", `/v1/admin/users/${user.id}/reset_second_factors`, {
      headers: admin(),
    });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ id: user.id, authMethod: "simple" });
    expect(reset.body.sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect(reset.body.notified).toEqual([
      { channel: "sms", to: expect.stringMatching(/^\+\*+\d{4}$/) },
      { channel: "email", to: expect.stringContaining("*") },
    ]);

    const after = await viewUser(user.id);
    expect(after.body.factors).toMatchObject({
      authMethod: "simple",
      authenticatorApp: { linked: false, linkedAt: null },
      backupCodes: { total: 0, remaining: 0 },
      passkeys: [],
    });
    expect(after.body.sessions).toEqual([]);
    expect(after.body.devices).toEqual([]);

    // The old access and refresh tokens are refused.
    expect((await call("GET", "/v1/user", { token: user.access })).status).toBe(401);
    const refreshed = await post("/v1/token", {
      grant_type: "refresh_token",
      refresh_token: user.refresh,
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe("invalid_grant");

    // Told on every channel.
    const notice = async (to: string) => {
      for (let i = 0; i < 50; i++) {
        const found = (await messagesFor(to)).find(
          (m) => m.sentAt > since && /reset the two-factor authentication/.test(m.body),
        );
        if (found) return found;
        await sleep(100);
      }
      return undefined;
    };
    expect((await notice(user.phone))?.channel).toBe("sms");
    expect((await notice(user.email))?.channel).toBe("email");

    // The service does not require TFA here: the password alone logs in, with no second factor.
    const next = await passwordGrant(user.username);
    expect(next.status).toBe(200);
    const me = await call("GET", "/v1/user", { token: String(next.body.access_token) });
    expect(me.body).toMatchObject({ authMethod: "simple", tfaAppLinked: false });
    // The old TOTP code no longer serves as a factor anywhere.
    const started = await call("POST", "/v1/sign_ins", {
      json: { identifier: user.username, password: PASSWORD },
    });
    expect(started.body.status).toBe("complete");
  });

  it("forgets every remembered device", async () => {
    const user = await registerSmsUser();
    const remembered = await passwordGrant(user.username, {
      otp: user.registrationCode,
      remember_device: true,
    });
    expect(remembered.status).toBe(200);
    const id = await userIdOf(String(remembered.body.access_token));
    expect((await viewUser(id)).body.devices).toHaveLength(1);
    const reset = await call("POST", `/v1/admin/users/${id}/reset_second_factors`, {
      headers: admin(),
    });
    expect(reset.body).toMatchObject({ devicesForgotten: 1, notified: [{ channel: "sms" }] });
    expect((await viewUser(id)).body.devices).toEqual([]);
  });

  it("a reset concurrent with logins leaves no session created before it", async () => {
    const user = await registerSmsUser();
    const remembered = await passwordGrant(user.username, {
      otp: user.registrationCode,
      remember_device: true,
    });
    const deviceToken = String(remembered.body.device_token);
    const id = await userIdOf(String(remembered.body.access_token));
    const logins = Array.from({ length: 6 }, () =>
      passwordGrant(user.username, { device_token: deviceToken }),
    );
    const reset = call("POST", `/v1/admin/users/${id}/reset_second_factors`, {
      headers: admin(),
    });
    const [resetDone, ...loggedIn] = await Promise.all([reset, ...logins]);
    expect(resetDone.status).toBe(200);
    const resetAt = (await auditLog()).find(
      (e) => e.type === "admin.user.second_factors_reset" && e.data.userId === id,
    )?.occurredAt;
    expect(resetAt).toBeDefined();
    const resetSecond = Math.floor(Date.parse(String(resetAt)) / 1000);
    // Every session still live began at or after the reset: none that a login before it made.
    for (const session of (await viewUser(id)).body.sessions) {
      expect(Date.parse(session.createdAt) / 1000).toBeGreaterThanOrEqual(resetSecond);
    }
    // The first login's tokens, from before the reset, are refused.
    expect(
      (await call("GET", "/v1/user", { token: String(remembered.body.access_token) })).status,
    ).toBe(401);
    expect(loggedIn.every((r) => r.status === 200 || r.status === 400)).toBe(true);
  });

  it("answers 404 user_not_found for an unknown user", async () => {
    const res = await call(
      "POST",
      "/v1/admin/users/usr_0123456789abcdefABCDEF/reset_second_factors",
      { headers: admin() },
    );
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("user_not_found");
  });
});

describe("every admin action is a security event", () => {
  const USER_ACTIONS = [
    "admin.user.viewed",
    "admin.user.unlocked",
    "admin.user.second_factors_reset",
  ] as const;
  const OTHER_ACTIONS = [
    "admin.webhook_endpoint.created",
    "admin.webhook_endpoint.deleted",
    "admin.webhook_endpoints.listed",
    "admin.webhook_deliveries.listed",
    "admin.security_events.listed",
  ] as const;

  it("lands in the user's log and the admin audit log, and reaches a webhook receiver", async () => {
    const hook = await call<{ id: string; secret: string }>("POST", "/v1/admin/webhook_endpoints", {
      json: {
        url: receiverUrl,
        eventTypes: [...USER_ACTIONS, ...OTHER_ACTIONS, "user.second_factors.reset"],
      },
      headers: admin(),
    });
    expect(hook.status).toBe(201);
    const user = await registerSmsUser();
    const first = await passwordGrant(user.username, { otp: user.registrationCode });
    const id = await userIdOf(String(first.body.access_token));

    expect((await viewUser(id)).status).toBe(200);
    expect((await call("POST", `/v1/admin/users/${id}/unlock`, { headers: admin() })).status).toBe(
      204,
    );
    const reset = await call("POST", `/v1/admin/users/${id}/reset_second_factors`, {
      headers: admin(),
    });
    expect(reset.status).toBe(200);
    expect((await call("GET", "/v1/admin/webhook_endpoints", { headers: admin() })).status).toBe(
      200,
    );
    const deliveries = await call("GET", `/v1/admin/webhook_endpoints/${hook.body.id}/deliveries`, {
      headers: admin(),
    });
    expect(deliveries.status).toBe(200);
    const other = await call<{ id: string }>("POST", "/v1/admin/webhook_endpoints", {
      json: { url: `${receiverUrl}/other`, eventTypes: ["user.locked"] },
      headers: admin(),
    });
    expect(
      (await call("DELETE", `/v1/admin/webhook_endpoints/${other.body.id}`, { headers: admin() }))
        .status,
    ).toBe(204);
    expect((await call("GET", "/v1/admin/security_events", { headers: admin() })).status).toBe(200);

    // The user's own log: every admin action on them, with the admin as actor.
    const tokens = await passwordGrant(user.username);
    const mine = await call<{ events: LogEntry[] }>("GET", "/v1/user/security_events", {
      token: String(tokens.body.access_token),
    });
    const userTypes = mine.body.events.map((e) => e.type);
    for (const type of [...USER_ACTIONS, "user.second_factors.reset", "user.unlocked"]) {
      expect(userTypes, type).toContain(type);
    }
    const viewed = mine.body.events.find((e) => e.type === "admin.user.viewed");
    expect(viewed).toMatchObject({ ip: "127.0.0.1", data: { actor: "admin" } });

    // The admin audit log: every action, the user ones naming the user.
    const logged = await auditLog();
    for (const type of USER_ACTIONS) {
      expect(
        logged.some((e) => e.type === type && e.data.userId === id && e.data.actor === "admin"),
        type,
      ).toBe(true);
    }
    for (const type of OTHER_ACTIONS) {
      expect(
        logged.some((e) => e.type === type && e.data.actor === "admin"),
        type,
      ).toBe(true);
    }
    expect(
      logged.some(
        (e) => e.type === "admin.webhook_endpoint.deleted" && e.data.endpointId === other.body.id,
      ),
    ).toBe(true);
    expect(JSON.stringify(logged)).not.toContain(hook.body.secret);

    // The webhook receiver: every action, signed, verified with the library.
    const verifier = new Webhook(hook.body.secret);
    const wanted = new Set<string>([
      ...USER_ACTIONS,
      ...OTHER_ACTIONS,
      "user.second_factors.reset",
    ]);
    const seen = new Set<string>();
    for (let i = 0; i < 100 && seen.size < wanted.size; i++) {
      for (const r of received) {
        try {
          const payload = verifier.verify(r.body, r.headers) as { type: string; data: Json };
          if (USER_ACTIONS.includes(payload.type as never) && payload.data.userId !== id) continue;
          seen.add(payload.type);
        } catch {
          // Another endpoint's delivery.
        }
      }
      if (seen.size < wanted.size) await sleep(100);
    }
    expect([...seen].sort()).toEqual([...wanted].sort());
  });

  it("pages the admin audit log with an opaque cursor, and refuses one it did not give", async () => {
    const bad = await call("GET", "/v1/admin/security_events?cursor=bm90LWEtY3Vyc29y", {
      headers: admin(),
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: "invalid_request", field: "cursor" });
  });
});
