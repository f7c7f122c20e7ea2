/**
 * Remembered devices in core, with in-memory stores and a pinned clock: a device token skips
 * the second factor at `/v1/token` and in sign-ins (a login success in the user's log), never
 * the password; it is ignored when invalid, expired, another user's or forgotten, while the
 * user is locked or their factor disabled, and for a user with a passkey; it is forgotten on a
 * password or factor change; 0 days turns the feature off.
 */
import { describe, expect, it } from "vitest";
import { requestEmailVerificationCode } from "../../functions/core/contact-verification.js";
import { updateUser } from "../../functions/core/customers.js";
import {
  deviceTokenHash,
  forgetDevice,
  forgetDevices,
  listDevices,
} from "../../functions/core/devices.js";
import type { Passkey } from "../../functions/core/passkeys.js";
import { changePassword } from "../../functions/core/password-change.js";
import {
  attemptSignInSecondFactor,
  createSignIn,
  prepareSignInSecondFactor,
} from "../../functions/core/sign-ins.js";
import { passwordGrant, type TokenDeps } from "../../functions/core/tokens.js";
import type { User } from "../../functions/core/users.js";
import { makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";
const PHONE = "+33612345678";
const FIREFOX = { sourceIp: "203.0.113.7", userAgent: "Firefox/133" };
const PHONE_APP = { sourceIp: "198.51.100.9", userAgent: "TwofaApp/2.1" };
const DAY = 86_400;

function world(user: Partial<User> = { authMethod: "tfa_sms", phoneNumber: PHONE }, days = 30) {
  const w = memoryWorld();
  w.devices.days = days;
  const stored = makeUser(user);
  w.users.seed(stored);
  type LoginInput = {
    password?: string;
    deviceToken?: string;
    rememberDevice?: boolean;
    otp?: string;
    sourceIp?: string;
    userAgent?: string;
  };
  const login = (input: LoginInput = {}) =>
    passwordGrant(w.tokens, {
      username: stored.username,
      password: PASSWORD,
      locale: "en",
      ...FIREFOX,
      ...input,
    });
  /** A full login with the SMS code, asking to remember the device: its device token. */
  const remember = async (source = FIREFOX) => {
    expect((await refusal(login(source))).code).toBe("otp_required");
    const answer = await login({ ...source, otp: w.lastCode(), rememberDevice: true });
    expect(answer.device_token).toMatch(/^dvt_[A-Za-z0-9_-]{43}$/);
    return answer.device_token as string;
  };
  const current = async () => (await w.users.get(stored.id)) as User;
  return {
    ...w,
    user: stored,
    login,
    remember,
    current,
  };
}

describe("remembering a device", () => {
  it("issues a device token only when asked, stored as a keyed hash bound to the user", async () => {
    const w = world();
    expect((await refusal(w.login())).code).toBe("otp_required");
    const plain = await w.login({ otp: w.lastCode() });
    expect(plain.device_token).toBeUndefined();
    expect(w.devices.store.devices.size).toBe(0);

    const token = await w.remember();
    const [device] = [...w.devices.store.devices.values()];
    expect(device).toMatchObject({
      userId: w.user.id,
      tokenHash: deviceTokenHash(w.tokens.hashKey, token),
      expiresAtEpochSeconds: device?.createdAtEpochSeconds
        ? device.createdAtEpochSeconds + 30 * DAY
        : 0,
    });
    expect(JSON.stringify(device)).not.toContain(token.slice(4));
    const remembered = w.events.published.filter((e) => e.type === "user.device.remembered");
    expect(remembered).toMatchObject([
      {
        userId: w.user.id,
        source: { ip: FIREFOX.sourceIp, userAgent: FIREFOX.userAgent },
        data: { deviceId: device?.id },
      },
    ]);
    expect(remembered[0]?.recipient).toBeUndefined();
    expect(JSON.stringify(w.events.published)).not.toContain(token);
  });

  it("a later password login with the token skips the second factor and records the use", async () => {
    const w = world();
    const token = await w.remember();
    const sent = w.events.published.filter((e) => e.sealedCode).length;
    w.clock.advanceSeconds(3600);
    const tokens = await w.login({ deviceToken: token, ...PHONE_APP });
    expect(tokens.token_type).toBe("bearer");
    expect(tokens.device_token).toBeUndefined();
    expect(w.events.published.filter((e) => e.sealedCode)).toHaveLength(sent);
    const [listed] = await listDevices(w, w.user.id);
    expect(listed).toMatchObject({
      createdAt: "2026-11-22T12:00:00.000Z",
      lastUsedAt: "2026-11-22T13:00:00.000Z",
      createdFrom: { ip: FIREFOX.sourceIp, userAgent: FIREFOX.userAgent },
      lastUsedFrom: { ip: PHONE_APP.sourceIp, userAgent: PHONE_APP.userAgent },
      expiresAt: "2026-12-22T12:00:00.000Z",
    });
  });

  it("never skips the password or its limits", async () => {
    const w = world();
    const token = await w.remember();
    expect((await refusal(w.login({ password: "wrong", deviceToken: token }))).code).toBe(
      "invalid_grant",
    );
  });

  it("ignores a malformed, unknown, expired or another user's token: the second factor is asked", async () => {
    const w = world();
    const stranger = makeUser({ authMethod: "tfa_sms", phoneNumber: "+33699999999" });
    w.users.seed(stranger);
    const mine = await w.remember();
    const strangers = await (async () => {
      expect(
        (
          await refusal(
            passwordGrant(w.tokens, {
              username: stranger.username,
              password: PASSWORD,
              locale: "en",
            }),
          )
        ).code,
      ).toBe("otp_required");
      const answer = await passwordGrant(w.tokens, {
        username: stranger.username,
        password: PASSWORD,
        locale: "en",
        otp: w.lastCode(),
        rememberDevice: true,
      });
      return answer.device_token as string;
    })();
    for (const token of [
      "nonsense",
      `dvt_${"A".repeat(43)}`,
      strangers,
      `${mine.slice(0, -1)}${mine.endsWith("A") ? "B" : "A"}`,
    ]) {
      expect((await refusal(w.login({ deviceToken: token }))).code).toBe("otp_required");
    }
    w.clock.advanceSeconds(30 * DAY);
    expect((await refusal(w.login({ deviceToken: mine }))).code).toBe("otp_required");
    expect(await listDevices(w, w.user.id)).toEqual([]);
  });

  it("a locked user is locked on every device", async () => {
    const w = world();
    const token = await w.remember();
    for (let i = 0; i < w.secondFactor.lockout.maxConsecutiveFailures; i += 1) {
      await w.guard.reserve(w.user.id, Math.floor(w.clock.nowMs() / 1000), w.secondFactor.lockout);
    }
    expect((await refusal(w.login({ deviceToken: token }))).code).toBe("too_many_attempts");
    const signIn = await refusal(
      createSignIn(w.signInStart, {
        identifier: w.user.username,
        password: PASSWORD,
        deviceToken: token,
      }),
    );
    expect(signIn.code).toBe("user_locked");
    w.clock.advanceSeconds(w.secondFactor.lockout.lockSeconds);
    expect((await w.login({ deviceToken: token })).token_type).toBe("bearer");
  });

  it("a skip is a login success in the user's log, decided by the device", async () => {
    const w = world();
    const token = await w.remember();
    await w.login({ deviceToken: token, ...PHONE_APP });
    const started = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
      deviceToken: token,
    });
    expect(started.signIn.status).toBe("complete");
    const logins = w.events.published.filter((e) => e.type === "user.login.succeeded");
    expect(logins.slice(-2)).toMatchObject([
      { userId: w.user.id, data: { factor: "device", via: "token" } },
      { userId: w.user.id, data: { factor: "device", via: "sign_in" } },
    ]);
  });

  it("past the hard cap, a device token does not stand in for the disabled factor", async () => {
    const w = world();
    const token = await w.remember();
    const policy = w.secondFactor.lockout;
    const now = () => Math.floor(w.clock.nowMs() / 1000);
    for (let i = 0; i < policy.hardCapFailures; i += 1) {
      const reserved = await w.guard.reserve(w.user.id, now(), policy, "phone_code");
      if (!reserved.ok) {
        w.clock.advanceSeconds(reserved.retryAfterSeconds);
        i -= 1;
      }
    }
    // No timed lock is left: only the hard cap refuses the SMS code now.
    w.clock.advanceSeconds(7 * DAY);
    expect((await refusal(w.login({ deviceToken: token }))).code).toBe("second_factor_disabled");
    const started = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
      deviceToken: token,
    });
    expect(started.signIn.status).toBe("needs_second_factor");
  });

  it("with 0 days the flag is ignored, no token is issued, and old tokens skip nothing", async () => {
    const w = world();
    const token = await w.remember();
    w.devices.days = 0;
    expect((await refusal(w.login({ deviceToken: token }))).code).toBe("otp_required");
    const answer = await w.login({ otp: w.lastCode(), rememberDevice: true });
    expect(answer.device_token).toBeUndefined();
    expect(w.devices.store.devices.size).toBe(1);
  });
});

describe("sign-ins", () => {
  it("attempt_second_factor with rememberDevice answers a device token; createSignIn with it completes at once", async () => {
    const w = world();
    const started = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
    });
    expect(started.signIn.status).toBe("needs_second_factor");
    await prepareSignInSecondFactor(w.signInAttempt, started.signIn.id, {
      strategy: "phone_code",
      locale: "en",
    });
    const attempted = await attemptSignInSecondFactor(w.signInAttempt, started.signIn.id, {
      strategy: "phone_code",
      code: w.lastCode(),
      rememberDevice: true,
    });
    const token = attempted.tokens?.device_token as string;
    expect(token).toMatch(/^dvt_/);

    const again = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
      deviceToken: token,
    });
    expect(again.signIn.status).toBe("complete");
    expect(again.tokens?.token_type).toBe("bearer");
    const ignored = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
      deviceToken: `dvt_${"B".repeat(43)}`,
    });
    expect(ignored.signIn.status).toBe("needs_second_factor");
  });
});

describe("a user with a passkey", () => {
  const passkeyOf = (userId: string): Passkey => ({
    id: "cred1",
    userId,
    name: "Laptop",
    publicKey: "pk",
    signCount: 0,
    transports: [],
    aaguid: "",
    backupEligible: false,
    backedUp: false,
    createdAt: "2026-11-22T12:00:00.000Z",
    lastUsedAt: null,
  });

  it("is never skipped past the passkey by a device token, and gets none", async () => {
    const w = world();
    const token = await w.remember();
    const passkeys = w.passkeys;
    await passkeys.add(passkeyOf(w.user.id));
    const tokens: TokenDeps = { ...w.tokens, passkeys };
    const grant = (input: { deviceToken?: string; otp?: string; rememberDevice?: boolean }) =>
      passwordGrant(tokens, {
        username: w.user.username,
        password: PASSWORD,
        locale: "en",
        ...input,
      });
    expect((await refusal(grant({ deviceToken: token }))).code).toBe("otp_required");
    const answer = await grant({ otp: w.lastCode(), rememberDevice: true });
    expect(answer.token_type).toBe("bearer");
    expect(answer.device_token).toBeUndefined();

    const passkey = w.signInPasskey;
    const started = await createSignIn(
      { ...w.signInStart, passkey },
      { identifier: w.user.username, password: PASSWORD, deviceToken: token },
    );
    expect(started.signIn.status).toBe("needs_second_factor");
    expect(started.signIn.supportedSecondFactors.map((f) => f.strategy)).toContain("passkey");
    await prepareSignInSecondFactor({ ...w.signInAttempt, passkey }, started.signIn.id, {
      strategy: "phone_code",
      locale: "en",
    });
    const attempted = await attemptSignInSecondFactor(
      { ...w.signInAttempt, passkey },
      started.signIn.id,
      { strategy: "phone_code", code: w.lastCode(), rememberDevice: true },
    );
    expect(attempted.signIn.status).toBe("complete");
    expect(attempted.tokens?.device_token).toBeUndefined();
    expect(w.devices.store.devices.size).toBe(1);
  });
});

describe("forgetting devices", () => {
  it("forgets one device of the user's; another user's or an unknown one is not_found", async () => {
    const w = world();
    const first = await w.remember(FIREFOX);
    const second = await w.remember(PHONE_APP);
    const listed = await listDevices(w, w.user.id);
    expect(listed).toHaveLength(2);
    const firefox = listed.find((d) => d.createdFrom.userAgent === FIREFOX.userAgent);
    const stranger = makeUser();
    for (const [userId, id] of [
      [stranger.id, firefox?.id ?? ""],
      [w.user.id, "dev_AAAAAAAAAAAAAAAAAAAAAA"],
      [w.user.id, "not-an-id"],
    ] as const) {
      expect((await refusal(forgetDevice(w.sessions, userId, id))).code).toBe("not_found");
    }
    await forgetDevice(w.sessions, w.user.id, firefox?.id ?? "", { ip: FIREFOX.sourceIp });
    expect((await refusal(w.login({ deviceToken: first }))).code).toBe("otp_required");
    expect((await w.login({ deviceToken: second })).token_type).toBe("bearer");
    expect(w.events.published.filter((e) => e.type === "user.device.forgotten")).toMatchObject([
      { userId: w.user.id, data: { deviceId: firefox?.id }, source: { ip: FIREFOX.sourceIp } },
    ]);
  });

  it("forgetDevices forgets them all and says how many", async () => {
    const w = world();
    const tokens = [await w.remember(FIREFOX), await w.remember(PHONE_APP)];
    expect(await forgetDevices(w.sessions, w.user.id, {})).toBe(2);
    for (const token of tokens) {
      expect((await refusal(w.login({ deviceToken: token }))).code).toBe("otp_required");
    }
    expect(await listDevices(w, w.user.id)).toEqual([]);
  });

  it("a password change forgets every device", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE, email: "joe@example.com" });
    const token = await w.remember();
    const input = {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
      locale: "en" as const,
    };
    expect((await refusal(changePassword(w.passwordChange, w.user, input))).code).toBe(
      "otp_required",
    );
    await changePassword(w.passwordChange, w.user, { ...input, otp: w.lastCode() });
    const relogin = await refusal(
      w.login({ password: "a brand new passphrase", deviceToken: token }),
    );
    expect(relogin.code).toBe("otp_required");
    expect(w.devices.store.devices.size).toBe(0);
  });

  it("a change of second factor forgets every device", async () => {
    const w = world();
    const token = await w.remember();
    await requestEmailVerificationCode(w.codes, { email: "joe@example.com", locale: "en" });
    const emailCode = w.lastCode();
    const change = {
      authMethod: "tfa_email" as const,
      email: "joe@example.com",
      emailVerificationCode: emailCode,
      locale: "en" as const,
    };
    expect((await refusal(updateUser(w.customers, await w.current(), change))).code).toBe(
      "otp_required",
    );
    await updateUser(w.customers, await w.current(), { ...change, otp: w.lastCode() });
    expect((await w.current()).authMethod).toBe("tfa_email");
    expect((await refusal(w.login({ deviceToken: token }))).code).toBe("otp_required");
    expect(w.events.published.some((e) => e.type === "user.device.forgotten")).toBe(true);
  });
});
