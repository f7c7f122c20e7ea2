/** The user's security log over HTTP: what reaches it, what never does, and its pages. */
import { describe, expect, it } from "vitest";
import { authenticatorAppUser, smsUser, totpCode } from "../support/authenticator-app.js";
import { call, post } from "../support/http.js";
import { latestCodeFor } from "../support/local.js";
import { passwordGrant, wrongOf } from "../support/users.js";

interface SecurityEvent {
  id: string;
  type: string;
  occurredAt: string;
  outcome: "success" | "failure";
  ip: string | null;
  userAgent: string | null;
  data: Record<string, string | number>;
}
interface Page {
  events: SecurityEvent[];
  nextCursor: string | null;
}

const USER_AGENT = "security-log-test/1.0";

const securityEvents = (access: string, cursor?: string) =>
  call<Page>(
    "GET",
    `/v1/user/security_events${cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`}`,
    { token: access },
  );

/** Every entry of the user's log, newest first, page after page. */
async function wholeLog(access: string): Promise<SecurityEvent[]> {
  const all: SecurityEvent[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages += 1) {
    const page = await securityEvents(access, cursor);
    expect(page.status).toBe(200);
    all.push(...page.body.events);
    if (page.body.nextCursor === null) return all;
    cursor = page.body.nextCursor;
  }
  throw new Error("the log did not end");
}

describe("the security log", () => {
  it("records a login code sent, a wrong code and a login with the factor, with the request's source", async () => {
    const { username, phone, access } = await smsUser();
    const since = new Date();
    const headers = { "user-agent": USER_AGENT };
    const asked = await call("POST", "/v1/token", {
      form: { grant_type: "password", username, password: "correct horse battery staple" },
      headers,
    });
    expect(asked.body.error).toBe("otp_required");
    const otp = await latestCodeFor(phone, { after: since });
    const wrong = await call("POST", "/v1/token", {
      form: {
        grant_type: "password",
        username,
        password: "correct horse battery staple",
        otp: wrongOf(otp),
      },
      headers,
    });
    expect(wrong.body.error).toBe("invalid_otp");
    const right = await call("POST", "/v1/token", {
      form: { grant_type: "password", username, password: "correct horse battery staple", otp },
      headers,
    });
    expect(right.status).toBe(200);

    const log = await wholeLog(access);
    const [succeeded, failed, sent] = log;
    expect(succeeded).toMatchObject({
      type: "user.login.succeeded",
      outcome: "success",
      ip: "127.0.0.1",
      userAgent: USER_AGENT,
      data: { factor: "phone_code", via: "token" },
    });
    expect(failed).toMatchObject({
      type: "user.login.failed",
      outcome: "failure",
      userAgent: USER_AGENT,
      data: { factor: "phone_code", reason: "incorrect" },
    });
    expect(sent).toMatchObject({
      type: "user.tfa_code.created",
      userAgent: USER_AGENT,
      data: { channel: "sms", destination: `+${"*".repeat(phone.length - 5)}${phone.slice(-4)}` },
    });
    // The first login (at registration) is there too, older.
    expect(log.filter((e) => e.type === "user.login.succeeded")).toHaveLength(2);
    // Never a contact in clear, never a code, never anything sealed.
    const text = JSON.stringify(log);
    expect(text).not.toContain(phone);
    expect(text).not.toContain(otp);
    expect(text).not.toMatch(/sealed/i);
  });

  it("records factor changes, a backup code used and a sign-in with its factor", async () => {
    const user = await authenticatorAppUser();
    const backupCode = user.backupCodes[0] ?? "";
    const byBackup = await passwordGrant(user.username, { otp: backupCode });
    expect(byBackup.status).toBe(200);
    const started = await post("/v1/sign_ins", {
      identifier: user.username,
      password: "correct horse battery staple",
    });
    const id = String(started.body.id);
    const attempted = await post(`/v1/sign_ins/${id}/attempt_second_factor`, {
      strategy: "totp",
      code: totpCode(user.secret, 1),
    });
    expect(attempted.body.status).toBe("complete");

    const log = await wholeLog(user.access);
    const types = log.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual([
      "user.login.succeeded",
      "user.login.succeeded",
      "user.backup_code.used",
    ]);
    expect(log[0]?.data).toMatchObject({ factor: "totp", via: "sign_in" });
    expect(log[1]?.data).toMatchObject({ factor: "backup_code", via: "token" });
    expect(types).toContain("user.tfa.enabled");
    const text = JSON.stringify(log);
    expect(text).not.toContain(user.email);
    expect(text).not.toContain(backupCode);
  });

  it("pages newest first with an opaque cursor, and refuses a cursor it did not give", async () => {
    const { username, access } = await smsUser();
    const phoneLogins = 22;
    // Each wrong code is one more entry, and so is each attempt refused by the lockout.
    for (let i = 0; i < phoneLogins; i += 1) {
      const res = await passwordGrant(username, { otp: i % 2 === 0 ? "000000" : "111111" });
      expect(res.body.error).toMatch(/invalid_otp|too_many_attempts/);
    }
    const first = await securityEvents(access);
    expect(first.status).toBe(200);
    expect(first.body.events).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const log = await wholeLog(access);
    expect(log.length).toBeGreaterThan(20);
    expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
    const times = log.map((e) => e.occurredAt);
    expect([...times].sort().reverse()).toEqual(times);

    for (const bad of ["nope", "bm9wZQ", "x".repeat(600), "%%%"]) {
      const res = await securityEvents(access, bad);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: "invalid_request", field: "cursor" });
    }
  });

  it("answers only a signed-in user", async () => {
    const res = await call("GET", "/v1/user/security_events");
    expect(res.status).toBe(401);
  });
});
