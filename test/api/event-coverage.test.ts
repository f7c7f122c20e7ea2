/**
 * Every event type, end to end over HTTP: a scenario through the API causes it, the user's
 * security log (`GET /v1/user/security_events`) has it with its outcome and the request's
 * source, contacts masked and no secret, and one webhook endpoint subscribed to every type
 * delivers it to a receiver on 127.0.0.1, signed (verified with `standardwebhooks`).
 *
 * A few scenarios cover all types: one user's flow causes several. A guard fails as soon as
 * `EVENT_TYPES` has a type that is neither caused by a scenario here, nor listed with the
 * test that covers it elsewhere and why.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EVENT_TYPES } from "../../functions/core/events.js";
import { awayFromStepEnd, setUpAuthenticatorApp, totpCode } from "../support/authenticator-app.js";
import { call, freshUsername, type HttpResult, sleep } from "../support/http.js";
import { apiUrl, latestCodeFor } from "../support/local.js";
import {
  type CreationOptions,
  type RequestOptions,
  SoftwareAuthenticator,
} from "../support/software-authenticator.js";
import { type Json, PASSWORD, verifiedEmail, verifiedPhone, wrongOf } from "../support/users.js";

// --- which test covers each type -------------------------------------------------------------

type Scenario = "sms" | "app" | "lockout" | "passkeys" | "connector";

/** The types a scenario of this file causes through the API, each with its scenario. */
const THROUGH_THE_API: Record<string, Scenario> = {
  "user.tfa_code.created": "sms",
  "user.step_up_code.created": "sms",
  "user.contact.changed": "sms",
  "user.login.succeeded": "sms",
  "user.login.failed": "sms",
  "user.password.changed": "sms",
  "user.session.created": "sms",
  "user.session.revoked": "sms",
  "user.device.remembered": "sms",
  "user.device.forgotten": "sms",
  "user.tfa.enabled": "app",
  "user.tfa.disabled": "app",
  "user.backup_codes.regenerated": "app",
  "user.backup_code.used": "app",
  "user.locked": "lockout",
  "user.passkey.added": "passkeys",
  "user.passkey.removed": "passkeys",
  "user.passkey.cloned": "passkeys",
  "account.twofa_needed": "connector",
  "account.twofa_answered": "connector",
};

/**
 * Types that no API scenario can cause in a test, each with the test that covers it and why.
 * (Admin event types are covered by `test/api/admin.test.ts`: add them here, naming it.)
 */
/** Admin actions and the reset's notice: each reaches the log and a webhook receiver there. */
const ADMIN_TESTS =
  "test/api/admin.test.ts: every admin action in the logs and at a webhook receiver";

const COVERED_ELSEWHERE: Record<string, string> = {
  "user.second_factors.reset": ADMIN_TESTS,
  "admin.user.viewed": ADMIN_TESTS,
  "admin.user.unlocked": ADMIN_TESTS,
  "admin.user.second_factors_reset": ADMIN_TESTS,
  "admin.security_events.listed": ADMIN_TESTS,
  "admin.webhook_endpoint.created": ADMIN_TESTS,
  "admin.webhook_endpoint.deleted": ADMIN_TESTS,
  "admin.webhook_endpoints.listed": ADMIN_TESTS,
  "admin.webhook_deliveries.listed": ADMIN_TESTS,
  "user.unlocked":
    "test/api/admin.test.ts (an administrator's unlock, in the log and at a webhook receiver), " +
    "test/unit/event-coverage.test.ts and test/unit/lockout.test.ts: also published when a " +
    "second factor succeeds after a lock has ended (15 minutes, the same for every test of the " +
    "shared stack)",
  "phone_verification_code.created":
    "test/unit/event-coverage.test.ts: a code to a phone no user owns yet names no user, so it " +
    "has no log entry and no webhook delivery (test/api/verification-codes.test.ts sends it)",
  "email_verification_code.created":
    "test/unit/event-coverage.test.ts: a code to an email no user owns yet names no user, so " +
    "it has no log entry and no webhook delivery (test/api/verification-codes.test.ts sends it)",
};

/** Outcomes the log gives as `failure`; every other type is a `success`. */
const FAILURES = new Set(["user.login.failed", "user.locked"]);
/** Types raised by the connector's workflow, not by a request: they carry no source. */
const WITHOUT_REQUEST = new Set(["account.twofa_needed"]);

describe("event coverage", () => {
  it("every event type is caused by a scenario here or covered by a named test elsewhere", () => {
    const known = new Set<string>(EVENT_TYPES);
    const uncovered = EVENT_TYPES.filter(
      (type) => !(type in THROUGH_THE_API) && !(type in COVERED_ELSEWHERE),
    );
    expect(uncovered).toEqual([]);
    const both = EVENT_TYPES.filter((type) => type in THROUGH_THE_API && type in COVERED_ELSEWHERE);
    expect(both).toEqual([]);
    const unknown = [...Object.keys(THROUGH_THE_API), ...Object.keys(COVERED_ELSEWHERE)].filter(
      (type) => !known.has(type),
    );
    expect(unknown).toEqual([]);
  });
});

// --- one receiver and one endpoint for every type --------------------------------------------

interface Delivery {
  type: string;
  data: Json & { id: string; userId: string };
  /** The body as received, for the secrets check. */
  raw: string;
}

let server: Server;
let endpointId: string;
let verifier: Webhook;
/** Every delivery to this file's endpoint whose signature verified, in arrival order. */
const deliveries: Delivery[] = [];
/** Deliveries whose signature did not verify: there must be none. */
const forged: string[] = [];

const admin = () => ({ "x-admin-api-key": inject("adminApiKey") });

beforeAll(async () => {
  const pending: { headers: Record<string, string>; body: string }[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      pending.push({
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
        ),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      drain();
      response.writeHead(204).end();
    });
  });
  const drain = () => {
    if (!verifier) return;
    for (const { headers, body } of pending.splice(0)) {
      try {
        const payload = verifier.verify(body, headers) as Omit<Delivery, "raw">;
        deliveries.push({ ...payload, raw: body });
      } catch {
        forged.push(body);
      }
    }
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/every-type`;
  const created = await call<{ id: string; secret: string }>(
    "POST",
    "/v1/admin/webhook_endpoints",
    { json: { url, eventTypes: [...EVENT_TYPES] }, headers: admin() },
  );
  expect(created.status).toBe(201);
  endpointId = created.body.id;
  verifier = new Webhook(created.body.secret);
  drain();
});

afterAll(async () => {
  if (endpointId) {
    await call("DELETE", `/v1/admin/webhook_endpoints/${endpointId}`, { headers: admin() });
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

// --- requests with a recognisable source -----------------------------------------------------

const USER_AGENT = "event-coverage-test/1.0 (+https://example.com)";

/** One API call from this test's user agent. */
function send<T = Json>(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  return call<T>(method, path, {
    ...options,
    headers: { "user-agent": USER_AGENT, ...options.headers },
  });
}

const grant = (username: string, extra: Json = {}) =>
  send("POST", "/v1/token", {
    json: { grant_type: "password", username, password: PASSWORD, ...extra },
  });

function tokensOf(res: HttpResult): { access: string; refresh: string } {
  expect(res.status, res.text).toBe(200);
  return { access: String(res.body.access_token), refresh: String(res.body.refresh_token) };
}

/** Waits out the resend cooldown of the test stack (2 s) before another code to one contact. */
const cooldown = () => sleep(2_100);

// --- what each scenario's user must show ------------------------------------------------------

interface LogEntry {
  id: string;
  type: string;
  occurredAt: string;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  data: Json;
}

async function wholeLog(access: string): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const page: HttpResult<{ events: LogEntry[]; nextCursor: string | null }> = await call(
      "GET",
      `/v1/user/security_events${query}`,
      { token: access },
    );
    expect(page.status).toBe(200);
    all.push(...page.body.events);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return all;
}

/** Keys whose values would be secret. */
const SECRET_KEY = /secret|token|hash|password|sealed|otp|^code$/i;

function keysOf(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

interface Expected {
  /** A token of a session that is still live, to read the log. */
  access: string;
  /** The user's contacts, which appear only masked. */
  contacts: string[];
  /** Every secret the scenario saw: codes, backup codes, TOTP secrets, tokens, passwords. */
  secrets: string[];
}

/**
 * The scenario's types are each in the user's log (with outcome and source) and delivered to
 * the receiver signed; no entry or delivery of the user holds a contact in clear or a secret.
 */
async function expectRecorded(scenario: Scenario, user: Expected): Promise<void> {
  const types = Object.entries(THROUGH_THE_API)
    .filter(([, s]) => s === scenario)
    .map(([type]) => type);
  const log = await wholeLog(user.access);
  const userIds = new Set<string>();
  for (const type of types) {
    const entry = log.find((e) => e.type === type);
    expect(entry, `${type} in the log`).toBeDefined();
    if (!entry) continue;
    expect(entry.outcome, type).toBe(FAILURES.has(type) ? "failure" : "success");
    if (WITHOUT_REQUEST.has(type)) {
      expect({ ip: entry.ip, userAgent: entry.userAgent }, type).toEqual({
        ip: null,
        userAgent: null,
      });
    } else {
      expect({ ip: entry.ip, userAgent: entry.userAgent }, type).toEqual({
        ip: "127.0.0.1",
        userAgent: USER_AGENT,
      });
    }
  }

  // Each of those entries reaches the receiver, signed, with the same public form.
  const wanted = types.map((type) => log.find((e) => e.type === type) as LogEntry);
  const deliveredOf = (entry: LogEntry) => deliveries.find((d) => d.data.id === entry.id);
  for (let i = 0; i < 150 && wanted.some((e) => !deliveredOf(e)); i += 1) await sleep(100);
  for (const entry of wanted) {
    const delivery = deliveredOf(entry);
    expect(delivery, `${entry.type} delivered`).toBeDefined();
    expect(delivery).toMatchObject({
      type: entry.type,
      data: {
        id: entry.id,
        outcome: entry.outcome,
        ip: entry.ip,
        userAgent: entry.userAgent,
        ...entry.data,
      },
    });
    userIds.add(String(delivery?.data.userId));
  }
  expect(userIds.size).toBe(1);
  expect(forged).toEqual([]);

  // Nothing secret and no contact in clear, in the log or in any delivery about this user.
  const mine = deliveries.filter((d) => userIds.has(d.data.userId));
  const texts = [...log.map((e) => JSON.stringify(e)), ...mine.map((d) => d.raw)];
  const everything = texts.join("\n");
  for (const secret of user.secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(6);
    expect(everything.includes(secret), `a secret (${secret.length} chars) leaked`).toBe(false);
  }
  for (const contact of user.contacts) {
    expect(everything.includes(contact), `${contact} in clear`).toBe(false);
  }
  const secretKeys = [...log.flatMap((e) => keysOf(e)), ...mine.flatMap((d) => keysOf(d))].filter(
    (key) => SECRET_KEY.test(key) && key !== "raw",
  );
  expect(secretKeys).toEqual([]);
  // Where a contact is named (where a code or a notice went), it is masked.
  for (const entry of log) {
    if (typeof entry.data.destination === "string") {
      expect(entry.data.destination).toContain("*");
    }
  }
}

// --- the scenarios ----------------------------------------------------------------------------

/** A user registered with SMS TFA (not signed in), the code that verified the phone. */
async function registeredSmsUser() {
  const { phone, code } = await verifiedPhone();
  const username = freshUsername();
  const created = await send("POST", "/v1/customers", {
    json: {
      username,
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: phone,
      phoneVerificationCode: code,
    },
  });
  expect(created.status).toBe(201);
  return { username, phone, code };
}

describe("each event type reaches the security log and a webhook", () => {
  it("an SMS user: codes, a failed and a remembered login, a device forgotten, a logout, a contact and a password changed", async () => {
    const { username, phone, code } = await registeredSmsUser();
    const first = tokensOf(await grant(username, { otp: code }));
    const secrets = [PASSWORD, code, first.access, first.refresh];

    // A login code sent, a wrong code, then the right one with this device remembered.
    await cooldown();
    let since = new Date();
    expect((await grant(username)).body.error).toBe("otp_required");
    const loginCode = await latestCodeFor(phone, { after: since });
    expect((await grant(username, { otp: wrongOf(loginCode) })).body.error).toBe("invalid_otp");
    const remembered = await grant(username, { otp: loginCode, remember_device: true });
    const second = tokensOf(remembered);
    const deviceToken = String(remembered.body.device_token);
    expect(deviceToken).toMatch(/^dvt_/);
    secrets.push(loginCode, second.access, second.refresh, deviceToken);

    // Every remembered device forgotten; the first session logged out.
    expect((await send("DELETE", "/v1/user/devices", { token: second.access })).status).toBe(204);
    expect((await send("POST", "/v1/logout", { json: { token: first.refresh } })).status).toBe(200);

    // A new phone: a step-up code to the current one first, then the change.
    const next = await verifiedPhone();
    secrets.push(next.code);
    await cooldown();
    since = new Date();
    const change = { phoneNumber: next.phone, phoneVerificationCode: next.code };
    const asked = await send("PATCH", "/v1/user", { token: second.access, json: change });
    expect(asked.body.error).toBe("otp_required");
    const stepUp = await latestCodeFor(phone, { after: since });
    secrets.push(stepUp);
    const changed = await send("PATCH", "/v1/user", {
      token: second.access,
      json: { ...change, otp: stepUp },
    });
    expect(changed.status, changed.text).toBe(200);

    // The password, confirmed with a code sent to the new phone.
    await cooldown();
    since = new Date();
    const newPassword = "another passphrase for the log";
    const body = { currentPassword: PASSWORD, newPassword };
    expect(
      (await send("PUT", "/v1/user/password", { token: second.access, json: body })).body.error,
    ).toBe("otp_required");
    const passwordCode = await latestCodeFor(next.phone, { after: since });
    secrets.push(passwordCode, newPassword);
    const done = await send("PUT", "/v1/user/password", {
      token: second.access,
      json: { ...body, otp: passwordCode },
    });
    expect(done.status, done.text).toBe(204);

    await expectRecorded("sms", {
      access: second.access,
      contacts: [phone, next.phone],
      secrets,
    });
  });

  it("an authenticator-app user: the app linked, a backup code used, new codes, the app unlinked", async () => {
    const { email, code } = await verifiedEmail();
    const username = freshUsername();
    expect(
      (
        await send("POST", "/v1/customers", {
          json: { username, password: PASSWORD, email, emailVerificationCode: code },
        })
      ).status,
    ).toBe(201);
    const { access, refresh } = tokensOf(await grant(username));
    const { secret } = await setUpAuthenticatorApp(access);
    await awayFromStepEnd();
    const linked = await send<{ response?: boolean }>("POST", "/api/2.0/settings/tfaapp/validate", {
      token: access,
      json: { code: totpCode(secret, -1) },
    });
    expect(linked.body.response).toBe(true);
    const listed = await send<{ response?: { code: string | null }[] }>(
      "GET",
      "/api/2.0/settings/tfaappcodes",
      { token: access },
    );
    const backupCodes = (listed.body.response ?? []).map((c) => String(c.code));
    expect(backupCodes).toHaveLength(10);
    const [firstBackup = "", secondBackup = ""] = backupCodes;

    const byBackup = tokensOf(await grant(username, { otp: firstBackup }));
    const renewed = await send<{ response?: { code: string | null }[] }>(
      "PUT",
      "/api/2.0/settings/tfaappnewcodes",
      { token: byBackup.access, json: { otp: secondBackup } },
    );
    expect(renewed.status, renewed.text).toBe(200);
    const newCodes = (renewed.body.response ?? []).flatMap((c) => (c.code ? [c.code] : []));
    await awayFromStepEnd();
    const unlinked = await send<{ response?: boolean }>("PUT", "/api/2.0/settings/tfaappnewapp", {
      token: byBackup.access,
      json: { otp: totpCode(secret, 1) },
    });
    expect(unlinked.status, unlinked.text).toBe(200);

    await expectRecorded("app", {
      access: byBackup.access,
      contacts: [email],
      secrets: [
        PASSWORD,
        code,
        access,
        refresh,
        secret,
        byBackup.access,
        byBackup.refresh,
        ...backupCodes,
        ...newCodes,
      ],
    });
  });

  it("a user locked out by wrong codes", async () => {
    const { username, phone, code } = await registeredSmsUser();
    const { access, refresh } = tokensOf(await grant(username, { otp: code }));
    let locked = false;
    for (let i = 0; i < 12 && !locked; i += 1) {
      const res = await grant(username, { otp: i % 2 === 0 ? "000000" : "111111" });
      expect(res.body.error).toMatch(/invalid_otp|too_many_attempts/);
      locked = res.body.error === "too_many_attempts";
    }
    expect(locked).toBe(true);
    await expectRecorded("lockout", {
      access,
      contacts: [phone],
      secrets: [PASSWORD, code, access, refresh],
    });
  });

  it("a passkey added, refused as cloned, and removed", async () => {
    const { email, code } = await verifiedEmail();
    const username = freshUsername();
    expect(
      (
        await send("POST", "/v1/customers", {
          json: { username, password: PASSWORD, email, emailVerificationCode: code },
        })
      ).status,
    ).toBe(201);
    const { access, refresh } = tokensOf(await grant(username));
    const authenticator = new SoftwareAuthenticator(
      apiUrl().replace("//127.0.0.1:", "//localhost:"),
      1,
    );
    const options = await send("POST", "/v1/user/passkeys/registration_options", {
      token: access,
      json: {},
    });
    expect(options.status).toBe(200);
    const added = await send("POST", "/v1/user/passkeys", {
      token: access,
      json: { credential: authenticator.register(options.body as unknown as CreationOptions) },
    });
    expect(added.status, added.text).toBe(201);

    /** A password sign-in answered with an assertion whose sign count is `signCount`. */
    const signInWith = async (signCount: number) => {
      const started = await send("POST", "/v1/sign_ins", {
        json: { identifier: username, password: PASSWORD },
      });
      const id = String(started.body.id);
      const prepared = await send("POST", `/v1/sign_ins/${id}/prepare_second_factor`, {
        json: { strategy: "passkey" },
      });
      const nonce = (prepared.body.secondFactorVerification as Json).nonce as RequestOptions;
      return send("POST", `/v1/sign_ins/${id}/attempt_second_factor`, {
        json: {
          strategy: "passkey",
          publicKeyCredential: authenticator.authenticate(nonce, { signCount }),
        },
      });
    };
    expect((await signInWith(5)).body.status).toBe("complete");
    expect((await signInWith(3)).body.error).toBe("passkey_cloned");

    const removed = await send("DELETE", `/v1/user/passkeys/${String(added.body.id)}`, {
      token: access,
      json: {},
    });
    expect(removed.status, removed.text).toBe(204);

    await expectRecorded("passkeys", {
      access,
      contacts: [email],
      secrets: [PASSWORD, code, access, refresh],
    });
  });

  it("a connector run asks its owner for a code, and the owner answers", async () => {
    const { email, code } = await verifiedEmail();
    const owner = freshUsername();
    expect(
      (
        await send("POST", "/v1/customers", {
          json: { username: owner, password: PASSWORD, email, emailVerificationCode: code },
        })
      ).status,
    ).toBe(201);
    const { access, refresh } = tokensOf(await grant(owner));
    const target = await registeredSmsUser();
    const account = await send("POST", "/v1/accounts", {
      token: access,
      json: { connector: "demo", auth: { login: target.username, password: PASSWORD } },
    });
    expect(account.status, account.text).toBe(201);
    const accountId = String(account.body.id);

    await cooldown();
    const since = new Date();
    const run = await send("POST", `/v1/accounts/${accountId}/runs`, {
      token: access,
      json: { manual: true },
    });
    expect(run.status, run.text).toBe(201);
    const vendorCode = await latestCodeFor(target.phone, { after: since });
    let answered: HttpResult | undefined;
    for (let i = 0; i < 100; i += 1) {
      answered = await send("POST", `/v1/accounts/${accountId}/twofa_code`, {
        token: access,
        json: { code: vendorCode },
      });
      // 409 until the run waits for the code.
      if (answered.status !== 409) break;
      await sleep(100);
    }
    expect(answered?.status, answered?.text).toBe(202);

    await expectRecorded("connector", {
      access,
      contacts: [email],
      secrets: [PASSWORD, code, vendorCode, access, refresh],
    });
  });
});
