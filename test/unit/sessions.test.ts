/**
 * Sessions in core, with in-memory stores and a pinned clock: what a session records, listing
 * with `current`, ending one (its refresh and access tokens alike), logout, password changes
 * and factor changes that end the other sessions, enrollment where TFA is required, and a
 * sign-in that is never complete without its session.
 */
import { describe, expect, it } from "vitest";
import {
  requestEmailVerificationCode,
  requestPhoneVerificationCode,
} from "../../functions/core/contact-verification.js";
import { open } from "../../functions/core/crypto.js";
import { type AccountSettings, updateUser } from "../../functions/core/customers.js";
import { changePassword } from "../../functions/core/password-change.js";
import { DEFAULT_REGISTRATION_POLICY } from "../../functions/core/policy.js";
import {
  deleteSession,
  listSessions,
  logout,
  revokeOtherSessions,
} from "../../functions/core/sessions.js";
import {
  attemptSignInSecondFactor,
  createSignIn,
  prepareSignInSecondFactor,
} from "../../functions/core/sign-ins.js";
import {
  checkAccessToken,
  checkAccessTokenWithUser,
  passwordGrant,
  refreshGrant,
  type TokenDeps,
} from "../../functions/core/tokens.js";
import type { User } from "../../functions/core/users.js";
import { ENCRYPTION_KEY, makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";
const PHONE = "+33612345678";
const FIREFOX = { sourceIp: "203.0.113.7", userAgent: "Firefox/133" };
const PHONE_APP = { sourceIp: "198.51.100.9", userAgent: "TwofaApp/2.1" };

function world(user: Partial<User> = {}, options: { requireTfa?: boolean } = {}) {
  const w = memoryWorld();
  const stored = makeUser(user);
  w.users.seed(stored);
  const requireTfa = options.requireTfa ?? false;
  const tokens: TokenDeps = {
    ...w.signInStart,
    requireTfa,
    secondFactor: w.secondFactor,
  };
  const signInStart = { ...w.signInStart, requireTfa };
  const settings: AccountSettings = {
    defaultAuthMethod: requireTfa ? "tfa_sms" : "simple",
    requireTfa,
  };
  const customers = {
    users: w.users,
    passwords: w.signInStart.passwords,
    secondFactor: w.secondFactor,
    settings,
    registrationPolicy: DEFAULT_REGISTRATION_POLICY,
    sessions: w.sessions,
  };
  const passwordChange = { ...w.signInStart, ...w.sessions, secondFactor: w.secondFactor };
  const logoutDeps = { ...w.sessions, signer: tokens.signer, hashKey: tokens.hashKey };
  const access = { clock: w.clock, signer: tokens.signer, refreshTokens: w.refreshTokens };
  const login = (source: { sourceIp?: string; userAgent?: string } = FIREFOX, otp?: string) =>
    passwordGrant(tokens, {
      username: stored.username,
      password: PASSWORD,
      locale: "en",
      ...source,
      ...(otp === undefined ? {} : { otp }),
    });
  /** The last code sent, as the recipient reads it. */
  const lastCode = () => {
    const event = w.events.published.filter((e) => e.sealedCode).at(-1);
    return open(ENCRYPTION_KEY, event?.sealedCode ?? "", event?.id ?? "");
  };
  const sessionOf = async (accessToken: string) =>
    (await checkAccessToken(access, accessToken))?.sessionId;
  const current = async () => (await w.users.get(stored.id)) as User;
  return {
    ...w,
    user: stored,
    tokens,
    signInStart,
    customers,
    passwordChange,
    logoutDeps,
    access,
    login,
    lastCode,
    sessionOf,
    current,
  };
}

describe("a session records its creation and last use", () => {
  it("lists the user's sessions with where each began and was last used, and marks the caller's current", async () => {
    const w = world();
    const laptop = await w.login(FIREFOX);
    const phone = await w.login(PHONE_APP);
    w.clock.advanceSeconds(120);
    const refreshed = await refreshGrant(w.tokens, phone.refresh_token, {
      ip: "192.0.2.44",
      userAgent: "TwofaApp/2.2",
    });
    const phoneSession = await w.sessionOf(refreshed.access_token);
    expect(phoneSession).toBe(await w.sessionOf(phone.access_token));

    const listed = await listSessions(w.sessions, w.user.id, phoneSession);
    expect(listed).toHaveLength(2);
    const [first, second] = listed;
    expect(first).toMatchObject({
      id: phoneSession,
      current: true,
      createdAt: "2026-11-22T12:00:00.000Z",
      lastUsedAt: "2026-11-22T12:02:00.000Z",
      createdFrom: { ip: PHONE_APP.sourceIp, userAgent: PHONE_APP.userAgent },
      lastUsedFrom: { ip: "192.0.2.44", userAgent: "TwofaApp/2.2" },
    });
    expect(second).toMatchObject({
      id: await w.sessionOf(laptop.access_token),
      current: false,
      lastUsedAt: "2026-11-22T12:00:00.000Z",
      createdFrom: { ip: FIREFOX.sourceIp, userAgent: FIREFOX.userAgent },
    });
  });

  it("publishes user.session.created with the user and the request's source, to nobody", async () => {
    const w = world();
    const tokens = await w.login(FIREFOX);
    const event = w.events.published.find((e) => e.type === "user.session.created");
    expect(event).toMatchObject({
      userId: w.user.id,
      source: { ip: FIREFOX.sourceIp, userAgent: FIREFOX.userAgent },
      data: { sessionId: await w.sessionOf(tokens.access_token) },
    });
    expect(event?.recipient).toBeUndefined();
  });

  it("does not list a session past its idle deadline or its end", async () => {
    const w = world();
    await w.login();
    w.clock.advanceSeconds(w.tokens.refreshTokenLifetime.idleSeconds);
    expect(await listSessions(w.sessions, w.user.id, undefined)).toEqual([]);
  });
});

describe("ending a session", () => {
  it("deleting another session stops its refresh token and its access token at once", async () => {
    const w = world();
    const mine = await w.login(FIREFOX);
    const other = await w.login(PHONE_APP);
    const otherSession = (await w.sessionOf(other.access_token)) as string;
    await deleteSession(w.sessions, w.user.id, otherSession, { ip: FIREFOX.sourceIp });

    expect(await checkAccessToken(w.access, other.access_token)).toBeNull();
    expect((await refusal(refreshGrant(w.tokens, other.refresh_token))).code).toBe("invalid_grant");
    expect(await checkAccessToken(w.access, mine.access_token)).not.toBeNull();
    expect((await refreshGrant(w.tokens, mine.refresh_token)).access_token).toMatch(/^at\./);
    expect(w.events.published.filter((e) => e.type === "user.session.revoked")).toMatchObject([
      { userId: w.user.id, data: { sessionId: otherSession }, source: { ip: FIREFOX.sourceIp } },
    ]);
  });

  it("answers not_found for another user's session, an unknown one, and one already ended", async () => {
    const w = world();
    const stranger = makeUser();
    w.users.seed(stranger);
    const tokens = await w.login();
    const session = (await w.sessionOf(tokens.access_token)) as string;
    for (const [userId, id] of [
      [stranger.id, session],
      [w.user.id, "rtf_AAAAAAAAAAAAAAAAAAAAAA"],
      [w.user.id, "not-an-id"],
    ] as const) {
      expect((await refusal(deleteSession(w.sessions, userId, id))).code).toBe("not_found");
    }
    await deleteSession(w.sessions, w.user.id, session);
    expect((await refusal(deleteSession(w.sessions, w.user.id, session))).code).toBe("not_found");
  });

  it("logout with a refresh token ends its session; any other token is answered alike", async () => {
    const w = world();
    const tokens = await w.login();
    await logout(w.logoutDeps, { token: "nonsense" });
    await logout(w.logoutDeps, { token: tokens.refresh_token });
    expect((await refusal(refreshGrant(w.tokens, tokens.refresh_token))).code).toBe(
      "invalid_grant",
    );
    expect(await checkAccessToken(w.access, tokens.access_token)).toBeNull();
    await logout(w.logoutDeps, { token: tokens.refresh_token });
  });

  it("logout with an access token (token_type_hint) ends its session", async () => {
    const w = world();
    const tokens = await w.login();
    await logout(w.logoutDeps, { token: tokens.access_token, tokenTypeHint: "access_token" });
    expect((await refusal(refreshGrant(w.tokens, tokens.refresh_token))).code).toBe(
      "invalid_grant",
    );
  });

  it("revokeOtherSessions keeps the caller's session and ends every other", async () => {
    const w = world();
    const mine = await w.login(FIREFOX);
    const others = [await w.login(PHONE_APP), await w.login(PHONE_APP)];
    const ended = await revokeOtherSessions(
      w.sessions,
      w.user.id,
      await w.sessionOf(mine.access_token),
    );
    expect(ended).toBe(2);
    for (const other of others) {
      expect(await checkAccessToken(w.access, other.access_token)).toBeNull();
    }
    expect(await checkAccessToken(w.access, mine.access_token)).not.toBeNull();
  });
});

describe("changing the password", () => {
  it("ends every other session, keeps the caller's, and the user is told", async () => {
    const w = world({ email: "joe@example.com" });
    const mine = await w.login(FIREFOX);
    const other = await w.login(PHONE_APP);
    await changePassword(w.passwordChange, w.user, {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
      locale: "en",
      sessionId: (await w.sessionOf(mine.access_token)) as string,
      ...FIREFOX,
    });
    expect(await checkAccessToken(w.access, other.access_token)).toBeNull();
    expect((await refusal(refreshGrant(w.tokens, other.refresh_token))).code).toBe("invalid_grant");
    expect(await checkAccessToken(w.access, mine.access_token)).not.toBeNull();
    expect((await refusal(w.login())).code).toBe("invalid_grant");
    const changed = w.events.published.find((e) => e.type === "user.password.changed");
    expect(changed).toMatchObject({
      userId: w.user.id,
      recipient: { channel: "email", to: "joe@example.com" },
      source: { ip: FIREFOX.sourceIp, userAgent: FIREFOX.userAgent },
    });
    const relogin = await passwordGrant(w.tokens, {
      username: w.user.username,
      password: "a brand new passphrase",
      locale: "en",
    });
    expect(relogin.token_type).toBe("bearer");
  });

  it("a wrong current password is refused and counts against the login limits", async () => {
    const w = world();
    const hits: string[] = [];
    const limiter = w.signInStart.limiter;
    const deps = {
      ...w.passwordChange,
      limiter: {
        hit: (input: Parameters<typeof limiter.hit>[0]) => {
          hits.push(input.key);
          return limiter.hit(input);
        },
        refund: limiter.refund.bind(limiter),
      },
    };
    const error = await refusal(
      changePassword(deps, w.user, {
        currentPassword: "not my password",
        newPassword: "a brand new passphrase",
        locale: "en",
      }),
    );
    expect(error).toMatchObject({ code: "invalid_grant", options: { field: "currentPassword" } });
    expect(hits).toContain(`password-user#${w.user.username}`);
    expect((await w.login()).token_type).toBe("bearer");
  });

  it("the new password must meet the password policy", async () => {
    const w = world();
    const error = await refusal(
      changePassword(w.passwordChange, w.user, {
        currentPassword: PASSWORD,
        newPassword: "short",
        locale: "en",
      }),
    );
    expect(error).toMatchObject({ code: "invalid_request", options: { field: "newPassword" } });
  });

  it("where TFA is on it needs a current second factor", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const input = {
      currentPassword: PASSWORD,
      newPassword: "a brand new passphrase",
      locale: "en" as const,
    };
    expect((await refusal(changePassword(w.passwordChange, w.user, input))).code).toBe(
      "otp_required",
    );
    const code = w.lastCode();
    const wrong = code === "000000" ? "111111" : "000000";
    expect(
      (await refusal(changePassword(w.passwordChange, w.user, { ...input, otp: wrong }))).code,
    ).toBe("invalid_otp");
    await changePassword(w.passwordChange, w.user, { ...input, otp: code });
    expect((await w.current()).passwordHash).toBe("plain:a brand new passphrase");
  });
});

describe("a change of second factor ends the other sessions", () => {
  it("turning SMS TFA on through PATCH /v1/user keeps only the caller's session", async () => {
    const w = world();
    const mine = await w.login(FIREFOX);
    const other = await w.login(PHONE_APP);
    await requestPhoneVerificationCode(w.codes, { phoneNumber: PHONE, locale: "en" });
    await updateUser(w.customers, w.user, {
      authMethod: "tfa_sms",
      phoneNumber: PHONE,
      phoneVerificationCode: w.lastCode(),
      locale: "en",
      sessionId: (await w.sessionOf(mine.access_token)) as string,
    });
    expect(await checkAccessToken(w.access, other.access_token)).toBeNull();
    expect(await checkAccessToken(w.access, mine.access_token)).not.toBeNull();
  });

  it("a change that moves no factor (an email added by a password-only user) ends nothing", async () => {
    const w = world();
    const mine = await w.login(FIREFOX);
    const other = await w.login(PHONE_APP);
    await requestEmailVerificationCode(w.codes, { email: "joe@example.com", locale: "en" });
    await updateUser(w.customers, w.user, {
      email: "joe@example.com",
      emailVerificationCode: w.lastCode(),
      locale: "en",
      sessionId: (await w.sessionOf(mine.access_token)) as string,
    });
    expect(await checkAccessToken(w.access, other.access_token)).not.toBeNull();
  });
});

describe("REQUIRE_TFA reaches password-only users", () => {
  it("a correct password answers tfa_enrollment_required with an enrollment token, no tokens", async () => {
    const w = world({}, { requireTfa: true });
    const error = await refusal(w.login());
    expect(error.code).toBe("tfa_enrollment_required");
    const token = String(error.options.extra?.enrollment_token);
    expect(error.options.extra?.expires_in).toBe(600);
    expect(w.refreshTokens.records).toHaveLength(0);

    // The enrollment endpoints take it; nothing else does.
    expect(await checkAccessToken(w.access, token)).toBeNull();
    const deps = { ...w.access, users: w.users };
    expect(await checkAccessTokenWithUser(deps, token)).toBeNull();
    expect(await checkAccessTokenWithUser(deps, token, { enrollment: true })).toMatchObject({
      userId: w.user.id,
      user: { id: w.user.id },
    });
    expect((await checkAccessTokenWithUser(deps, token, { enrollment: true }))?.sessionId).toBe(
      undefined,
    );
  });

  it("a wrong password still answers invalid_grant, with no enrollment token", async () => {
    const w = world({}, { requireTfa: true });
    const error = await refusal(
      passwordGrant(w.tokens, { username: w.user.username, password: "wrong!", locale: "en" }),
    );
    expect(error.code).toBe("invalid_grant");
    expect(error.options.extra).toBeUndefined();
  });

  it("once a factor is on, a normal login gives tokens", async () => {
    const w = world({}, { requireTfa: true });
    await refusal(w.login());
    await requestPhoneVerificationCode(w.codes, { phoneNumber: PHONE, locale: "en" });
    await updateUser(w.customers, w.user, {
      authMethod: "tfa_sms",
      phoneNumber: PHONE,
      phoneVerificationCode: w.lastCode(),
      locale: "en",
    });
    expect((await refusal(w.login())).code).toBe("otp_required");
    expect((await w.login(FIREFOX, w.lastCode())).token_type).toBe("bearer");
  });

  it("an enrollment token stops working once a second factor is on", async () => {
    const w = world({}, { requireTfa: true });
    const token = String((await refusal(w.login())).options.extra?.enrollment_token);
    const deps = { ...w.access, users: w.users };
    expect(await checkAccessTokenWithUser(deps, token, { enrollment: true })).not.toBeNull();
    await requestPhoneVerificationCode(w.codes, { phoneNumber: PHONE, locale: "en" });
    await updateUser(w.customers, w.user, {
      authMethod: "tfa_sms",
      phoneNumber: PHONE,
      phoneVerificationCode: w.lastCode(),
      locale: "en",
    });
    expect(await checkAccessTokenWithUser(deps, token, { enrollment: true })).toBeNull();
  });

  it("a sign-in answers needs_enrollment with the enrollment token, and goes no further", async () => {
    const w = world({}, { requireTfa: true });
    const started = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
    });
    expect(started.signIn.status).toBe("needs_enrollment");
    expect(started.tokens).toBeUndefined();
    const deps = { ...w.access, users: w.users };
    expect(
      await checkAccessTokenWithUser(deps, started.enrollmentToken ?? "", { enrollment: true }),
    ).toMatchObject({ userId: w.user.id });
    const error = await refusal(
      prepareSignInSecondFactor(w.signInAttempt, started.signIn.id, {
        strategy: "phone_code",
        locale: "en",
      }),
    );
    expect(error.code).toBe("tfa_enrollment_required");
  });
});

describe("a sign-in is never complete without its session", () => {
  it("when the completing write fails, the sign-in stays open and a new code completes it", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: PHONE });
    const { signIn } = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
    });
    const prepare = () =>
      prepareSignInSecondFactor(w.signInAttempt, signIn.id, {
        strategy: "phone_code",
        locale: "en",
      });
    await prepare();
    w.signIns.failNextComplete = true;
    await expect(
      attemptSignInSecondFactor(w.signInAttempt, signIn.id, {
        strategy: "phone_code",
        code: w.lastCode(),
      }),
    ).rejects.toThrow(/injected/);
    expect((await w.signIns.get(signIn.id))?.status).toBe("needs_second_factor");
    expect(await w.refreshTokens.listSessions(w.user.id)).toEqual([]);

    w.clock.advanceSeconds(w.codes.policy.resendCooldownSeconds);
    await prepare();
    const done = await attemptSignInSecondFactor(w.signInAttempt, signIn.id, {
      strategy: "phone_code",
      code: w.lastCode(),
    });
    expect(done.signIn.status).toBe("complete");
    const tokens = done.tokens;
    expect(tokens).toBeDefined();
    expect(done.signIn.createdSessionId).toBe(await w.sessionOf(tokens?.access_token ?? ""));
    expect((await refreshGrant(w.tokens, tokens?.refresh_token ?? "")).token_type).toBe("bearer");
  });
});
