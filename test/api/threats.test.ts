/**
 * The threats of the abuse review, one test each, over HTTP: what a stranger, a password holder
 * or one greedy account can and cannot make the service do to a user. Threats that take days or
 * limits the test stack lifts are tested in core with a pinned clock, where they belong:
 *
 * - a password holder guesses TOTP over days: `test/unit/lockout.test.ts`;
 * - one account drains the day's SMS budget (daily shares): `test/unit/verification-codes.test.ts`,
 *   and SMS notices under their daily cap: `test/unit/notifications.test.ts`;
 * - a NAT of 50 users logs in, and a botnet registers accounts (the test stack lifts the per-IP
 *   limits): `test/unit/customers-and-tokens.test.ts`.
 */
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { authenticatorAppUser, totpCode } from "../support/authenticator-app.js";
import { apiClient, freshPhone, freshUsername, post, sleep } from "../support/http.js";
import { apiUrl, latestCodeFor, messagesFor } from "../support/local.js";
import { PASSWORD, passwordGrant, registerEmailUser, registerSmsUser } from "../support/users.js";

const COOLDOWN_MS = 2_100; // CODE_RESEND_COOLDOWN_SECONDS in the test stack, plus a margin
const PER_RECIPIENT = 5; // CODE_MAX_SENDS_PER_RECIPIENT's default, per 10 minutes
const PER_USER = 5; // CODE_MAX_SENDS_PER_USER's default, per 10 minutes
const PER_USERNAME_AND_SOURCE = 20; // PASSWORD_MAX_ATTEMPTS_PER_USERNAME_AND_IP's default
const LOCKOUT_FAILURES = 10; // LOCKOUT_MAX_FAILURES's default

/** Asks for public verification codes to `body`'s recipient until its window refuses. */
async function fillPublicWindow(path: string, body: Record<string, string>, alreadySent: number) {
  for (let i = alreadySent; i < PER_RECIPIENT; i++) {
    await sleep(COOLDOWN_MS);
    expect((await post(path, body)).status).toBe(204);
  }
  await sleep(COOLDOWN_MS);
  const refused = await post(path, body);
  expect(refused.status).toBe(429);
  expect(refused.body.error).toBe("too_many_requests");
}

/** A JSON POST sent from `localAddress` (any 127.0.0.0/8 address is this machine). */
function postFrom(localAddress: string, path: string, json: unknown) {
  const body = JSON.stringify(json);
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      `${apiUrl()}${path}`,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("1. a stranger locks a user out of SMS logins", () => {
  it("a stranger who fills a phone's public window does not block its owner's login or sign-in codes", async () => {
    // The registration's own verification code is the first send to the phone.
    const { username, phone } = await registerSmsUser();
    await fillPublicWindow("/v1/phone_verification_codes", { phoneNumber: phone }, 1);

    const since = new Date();
    const login = await passwordGrant(username);
    expect(login.status).toBe(400);
    expect(login.body.error).toBe("otp_required");
    const loginCode = await latestCodeFor(phone, { after: since });
    const tokens = await passwordGrant(username, { otp: loginCode });
    expect(tokens.status).toBe(200);

    const started = await apiClient().POST("/v1/sign_ins", {
      body: { identifier: username, password: PASSWORD },
    });
    const id = started.data?.id;
    expect(id).toBeTruthy();
    const prepared = await apiClient().POST("/v1/sign_ins/{id}/prepare_second_factor", {
      params: { path: { id: String(id) } },
      body: { strategy: "phone_code" },
    });
    expect(prepared.response.status).toBe(200);
    expect(prepared.data?.secondFactorVerification?.status).toBe("unverified");
  });

  it("a stranger who fills a mailbox's public window does not block its owner's login codes", async () => {
    const { username, email } = await registerEmailUser();
    await fillPublicWindow("/v1/email_verification_codes", { email }, 1);

    const login = await passwordGrant(username);
    expect(login.status).toBe(400);
    expect(login.body.error).toBe("otp_required");
  });
});

describe("2. a stranger burns a pending code", () => {
  it("twelve wrong-code registrations naming the phone refuse the stranger; the requester's right code, with its handle, still registers", async () => {
    const phone = freshPhone();
    const since = new Date();
    const created = await post("/v1/phone_verification_codes", { phoneNumber: phone });
    expect(created.status).toBe(204);
    const verificationId = created.headers.get("x-verification-id");
    expect(verificationId).toMatch(/^vrf_[A-Za-z0-9_-]{22}$/);
    const code = await latestCodeFor(phone, { after: since });

    const wrong = Array.from({ length: 13 }, (_, i) => String(100_000 + i)).filter(
      (c) => c !== code,
    );
    const answers: string[] = [];
    for (const guess of wrong.slice(0, 12)) {
      const res = await post("/v1/customers", {
        username: freshUsername(),
        password: PASSWORD,
        authMethod: "tfa_sms",
        phoneNumber: phone,
        phoneVerificationCode: guess,
      });
      answers.push(`${res.status} ${res.body.error}`);
    }
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("400 invalid_verification_code"));
    expect(answers.at(-1)).toBe("429 too_many_attempts");

    const owner = await post("/v1/customers", {
      username: freshUsername(),
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: phone,
      phoneVerificationCode: code,
      phoneVerificationId: verificationId,
    });
    expect(owner.status).toBe(201);
  });
});

describe("3. a consumed code blocks the next one", () => {
  it("a login right after a successful one gets a new code at once, within the old code's cooldown", async () => {
    const { username, phone } = await registerSmsUser();
    let since = new Date();
    expect((await passwordGrant(username)).body.error).toBe("otp_required");
    const first = await latestCodeFor(phone, { after: since });
    expect((await passwordGrant(username, { otp: first })).status).toBe(200);

    since = new Date();
    expect((await passwordGrant(username)).body.error).toBe("otp_required");
    const second = await latestCodeFor(phone, { after: since });
    expect((await passwordGrant(username, { otp: second })).status).toBe(200);
  });
});

describe("4. one account drains the day's SMS budget", () => {
  it("one account's codes stop at its own share while another user's keep flowing", async () => {
    const greedy = await registerSmsUser();
    const other = await registerSmsUser();
    for (let i = 0; i < PER_USER; i++) {
      if (i > 0) await sleep(COOLDOWN_MS);
      expect((await passwordGrant(greedy.username)).body.error).toBe("otp_required");
    }
    await sleep(COOLDOWN_MS);
    const refused = await passwordGrant(greedy.username);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("too_many_requests");

    const since = new Date();
    expect((await passwordGrant(other.username)).body.error).toBe("otp_required");
    const code = await latestCodeFor(other.phone, { after: since });
    expect((await passwordGrant(other.username, { otp: code })).status).toBe(200);
  });
});

describe("5. a password holder guesses TOTP over days", () => {
  it("ten wrong codes lock the second step, the user is told by email until when, and the right code waits", async () => {
    const user = await authenticatorAppUser();
    const valid = new Set([-1, 0, 1, 2].map((step) => totpCode(user.secret, step)));
    const wrong = ["000000", "111111", "222222", "333333", "444444"].find(
      (c) => !valid.has(c),
    ) as string;
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      expect((await passwordGrant(user.username, { otp: wrong })).body.error).toBe("invalid_otp");
    }
    const locked = await passwordGrant(user.username, { otp: totpCode(user.secret) });
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe("too_many_attempts");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);

    let notice: string | undefined;
    for (let i = 0; i < 50 && notice === undefined; i++) {
      notice = (await messagesFor(user.email)).find((m) => m.body.includes("locked"))?.body;
      if (notice === undefined) await sleep(100);
    }
    expect(notice).toMatch(/locked for 15 minutes, until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });
});

describe("6. a stranger keeps a known username refused", () => {
  it("a stranger's wrong passwords refuse the stranger, not the owner logging in from elsewhere", async () => {
    const username = freshUsername();
    expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
    const stranger = "127.0.0.1";
    const guess = (i: number) =>
      postFrom(stranger, "/v1/token", {
        grant_type: "password",
        username,
        password: `guess number ${i}`,
      });
    for (let i = 0; i < PER_USERNAME_AND_SOURCE; i++) {
      expect((await guess(i)).body.error).toBe("invalid_grant");
    }
    const refused = await guess(PER_USERNAME_AND_SOURCE);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe("too_many_requests");
    const owner = await postFrom("127.0.0.2", "/v1/token", {
      grant_type: "password",
      username,
      password: PASSWORD,
    });
    expect(owner.status).toBe(200);
    expect(owner.body.token_type).toBe("bearer");
  });
});
