/**
 * The OAuth2 token endpoint (RFC 6749 §4.3 password grant, §6 refresh) with a second factor for
 * TFA users, as Freshcom did it and stricter: wrong password and unknown user answer alike and
 * in like time, a login code serves only the login it was sent for, attempts are bounded,
 * refresh tokens rotate and a replayed one revokes its family.
 */

import { codeDestination } from "./contacts.js";
import { keyedHash, randomId } from "./crypto.js";
import { type DeviceSettings, deviceSkipsSecondFactor, rememberDevice } from "./devices.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, Locale, RequestSource } from "./events.js";
import { lockError } from "./lockout.js";
import type { PasskeyStore } from "./passkeys.js";
import type { PasswordPolicy, RefreshTokenLifetime } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import {
  type AttemptOutcome,
  attemptSecondFactor,
  type SecondFactorDeps,
} from "./second-factor.js";
import { type LoginFactor, recordLogin } from "./security-log.js";
import { normalizeUsername, signedInUser, type User, type UserStore } from "./users.js";
import { issueCode, type RateLimiter } from "./verification-codes.js";

const ACCESS_TOKEN_TTL_SECONDS = 15 * 60; // short-lived: NIST SP 800-63B §7.1 reauth bounds
const REFRESH_TOKEN_BYTES = 32;

/** What an access token says: whose it is and which session (refresh-token family) minted it. */
interface AccessTokenClaims {
  userId: string;
  sessionId: string;
}

export interface AccessTokenSigner {
  sign(claims: AccessTokenClaims, ttlSeconds: number): Promise<string>;
  /** The claims of a valid, unexpired access token; null otherwise (enrollment tokens too). */
  verify(token: string): Promise<AccessTokenClaims | null>;
  /** A token that authorizes only the factor-enrollment endpoints, for `userId`. */
  signEnrollment(userId: string, ttlSeconds: number): Promise<string>;
  /** The user id of a valid, unexpired enrollment token; null otherwise (access tokens too). */
  verifyEnrollment(token: string): Promise<string | null>;
}

export interface RefreshTokenRecord {
  tokenHash: string;
  userId: string;
  familyId: string;
  /** When this token stops working if unused (its idle deadline). */
  expiresAtEpochSeconds: number;
  /** When its family ends, whatever its use: fixed at login, never extended. */
  familyExpiresAtEpochSeconds: number;
}

/** A session as it begins: its refresh-token family and first token, written together. */
export interface NewSession {
  token: RefreshTokenRecord;
  createdAtEpochSeconds: number;
  /** Where the login came from, as API Gateway saw it. */
  source: RequestSource;
}

/** A session (a refresh-token family) as stored. */
export interface Session {
  id: string;
  userId: string;
  createdAtEpochSeconds: number;
  createdFrom: RequestSource;
  /** The last refresh (its creation until then): access tokens are not tracked one by one. */
  lastUsedAtEpochSeconds: number;
  lastUsedFrom: RequestSource;
  /** Its absolute end, fixed at login. */
  expiresAtEpochSeconds: number;
  /** When its latest refresh token stops working if unused. */
  idleExpiresAtEpochSeconds: number;
  revoked: boolean;
}

/** A successor token: its idle deadline, which the store caps at its family's end. */
export interface NextRefreshToken {
  tokenHash: string;
  expiresAtEpochSeconds: number;
}

export type RotateOutcome =
  | { ok: true; userId: string; sessionId: string }
  | { ok: false; reason: "unknown" | "expired" | "reused" | "revoked" };

export interface RefreshTokenStore {
  /** Writes the session and its first refresh token in one transaction. */
  create(session: NewSession): Promise<void>;
  /**
   * Marks `tokenHash` used and stores `next` in one transaction, if the token is before its own
   * deadline, its family before its absolute end (both checked in the write's condition, not
   * left to TTL deletion) and not revoked; the session records the use (`now`, `source`).
   * `next` expires at its deadline or at the family's end, whichever comes first. A token used
   * before revokes its whole family.
   */
  rotate(
    tokenHash: string,
    next: NextRefreshToken,
    now: number,
    source?: RequestSource,
  ): Promise<RotateOutcome>;
  /** The session a refresh token belongs to, used or not; null for an unknown token. */
  sessionOf(tokenHash: string): Promise<{ userId: string; sessionId: string } | null>;
  /** Every session of the user still stored (revoked and expired ones included). */
  listSessions(userId: string): Promise<Session[]>;
  getSession(userId: string, sessionId: string): Promise<Session | null>;
  /** Revokes the session; true when this call revoked it, false when it was gone or revoked. */
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** A hash of nothing anyone knows, verified for unknown users so they cost the same time. */
  dummyHash(): Promise<string>;
}

export interface TokenDeps extends PasswordCheckDeps {
  clock: Clock;
  random: Random;
  users: UserStore;
  passwords: PasswordHasher;
  signer: AccessTokenSigner;
  refreshTokens: RefreshTokenStore;
  refreshTokenLifetime: RefreshTokenLifetime;
  hashKey: Uint8Array;
  /** Where `user.session.created` goes (for the security log; it tells nobody). */
  events: EventPublisher;
  secondFactor: SecondFactorDeps;
  /** When true, a user without a second factor gets an enrollment token, never tokens. */
  requireTfa: boolean;
  /** The user's passkeys: a user whose only second factor is a passkey gets no tokens here. */
  passkeys?: Pick<PasskeyStore, "list">;
  /** Remembered devices: a device token skips the second factor. */
  devices: DeviceSettings;
}

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
  /** Only when the client asked to remember the device: shown this once. */
  device_token?: string;
  device_token_expires_in?: number;
}

const INVALID_GRANT = () =>
  new DomainError("invalid_grant", "The username or password is incorrect.");

export function refreshTokenHash(deps: Pick<TokenDeps, "hashKey">, token: string) {
  return keyedHash(deps.hashKey, "refresh_token", token);
}

/** What minting tokens needs: sign-ins complete with the same tokens as the token endpoint. */
export type TokenIssueDeps = Pick<
  TokenDeps,
  | "clock"
  | "random"
  | "signer"
  | "refreshTokens"
  | "refreshTokenLifetime"
  | "hashKey"
  | "events"
  | "devices"
>;

/** A session not yet written, and the refresh token only its caller will see. */
export interface MintedSession {
  session: NewSession;
  refreshToken: string;
}

/**
 * Mints a session and its first refresh token without writing them: the token endpoint writes
 * them alone, a sign-in in the same transaction that completes it.
 */
export function mintSession(
  deps: TokenIssueDeps,
  userId: string,
  source: RequestSource = {},
): MintedSession {
  const refreshToken = Buffer.from(deps.random.bytes(REFRESH_TOKEN_BYTES)).toString("base64url");
  const now = nowEpochSeconds(deps.clock);
  const { absoluteSeconds, idleSeconds } = deps.refreshTokenLifetime;
  return {
    refreshToken,
    session: {
      token: {
        tokenHash: refreshTokenHash(deps, refreshToken),
        userId,
        familyId: randomId(deps.random, "rtf_"),
        expiresAtEpochSeconds: now + Math.min(idleSeconds, absoluteSeconds),
        familyExpiresAtEpochSeconds: now + absoluteSeconds,
      },
      createdAtEpochSeconds: now,
      source,
    },
  };
}

/** The tokens of a session just written; its creation goes to the user's security log. */
export async function sessionTokens(
  deps: TokenIssueDeps,
  minted: MintedSession,
): Promise<TokenResponse> {
  const { userId, familyId } = minted.session.token;
  await publishSessionEvent(deps, "user.session.created", userId, familyId, minted.session.source);
  return {
    access_token: await deps.signer.sign({ userId, sessionId: familyId }, ACCESS_TOKEN_TTL_SECONDS),
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: minted.refreshToken,
  };
}

/** A session event for the user's security log and webhooks: it names no recipient. */
export function publishSessionEvent(
  deps: Pick<TokenIssueDeps, "events" | "random" | "clock">,
  type: "user.session.created" | "user.session.revoked",
  userId: string,
  sessionId: string,
  source: RequestSource = {},
): Promise<void> {
  return deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type,
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: "en",
    userId,
    source,
    data: { userId, sessionId },
  });
}

/** A new session for the user, written at once, and its tokens. */
async function issueTokens(
  deps: TokenIssueDeps,
  userId: string,
  source: RequestSource = {},
): Promise<TokenResponse> {
  const minted = mintSession(deps, userId, source);
  await deps.refreshTokens.create(minted.session);
  return sessionTokens(deps, minted);
}

/** An enrollment token lives long enough to verify a phone or email, or to scan a QR code. */
const ENROLLMENT_TOKEN_TTL_SECONDS = 10 * 60;

/**
 * Where every customer must use a second factor, a password-only user gets, for a correct
 * password, no tokens but a short-lived token for the factor-enrollment endpoints only.
 */
export async function enrollmentToken(
  deps: Pick<TokenDeps, "signer">,
  userId: string,
): Promise<{ token: string; expiresIn: number }> {
  return {
    token: await deps.signer.signEnrollment(userId, ENROLLMENT_TOKEN_TTL_SECONDS),
    expiresIn: ENROLLMENT_TOKEN_TTL_SECONDS,
  };
}

/** Whether a password-only user must enroll a second factor before getting tokens. */
export function needsEnrollment(deps: { requireTfa: boolean }, user: User): boolean {
  return deps.requireTfa && user.authMethod === "simple";
}

async function enrollmentRequired(deps: Pick<TokenDeps, "signer">, user: User): Promise<never> {
  const { token, expiresIn } = await enrollmentToken(deps, user.id);
  throw new DomainError(
    "tfa_enrollment_required",
    "Two-factor authentication is required: enroll a second factor with the enrollment token.",
    { extra: { enrollment_token: token, expires_in: expiresIn } },
  );
}

/** What checking a password needs: the users, the hasher, and the limits on guessing. */
export interface PasswordCheckDeps {
  clock: Clock;
  users: Pick<UserStore, "findByUsername">;
  passwords: PasswordHasher;
  limiter: RateLimiter;
  passwordPolicy: PasswordPolicy;
}

/**
 * Username and password, checked alike whether or not the user exists. Each attempt reserves
 * a slot against its source IP, its username from that source, and its username from anywhere
 * before any hash is computed, so online guessing and credential stuffing are bounded and cost
 * no argon2id hash past the limit. Only failures keep their slots: a correct password gives
 * them back, so a NAT's many users are not refused, and a stranger's guesses lock a username
 * out for the stranger's source only, up to a much higher username-wide ceiling.
 */
export async function authenticatePassword(
  deps: PasswordCheckDeps,
  username: string,
  password: string,
  sourceIp?: string,
): Promise<User> {
  return authenticatePasswordThen(deps, username, password, sourceIp, async (user) => user);
}

/**
 * `authenticatePassword`, then `next` with the user, in the same round as taking back the
 * windows' hits (a right password counts against none of them).
 */
export async function authenticatePasswordThen<T>(
  deps: PasswordCheckDeps,
  username: string,
  password: string,
  sourceIp: string | undefined,
  next: (user: User) => Promise<T>,
): Promise<T> {
  const normalized = normalizeUsername(username);
  const { passwordPolicy: policy } = deps;
  const now = nowEpochSeconds(deps.clock);
  const source = sourceIp ?? "unknown";
  const limits: [string, number][] = [
    [`password-ip#${source}`, policy.maxAttemptsPerIp],
    [`password-user-ip#${normalized}#${source}`, policy.maxAttemptsPerUsernameAndIp],
    [`password-user#${normalized}`, policy.maxAttemptsPerUsername],
  ];
  const window = { windowSeconds: policy.windowSeconds, nowEpochSeconds: now };
  // The windows are independent, and so is the user's lookup: all at once, in one round.
  const [user, ...hits] = await Promise.all([
    deps.users.findByUsername(normalized),
    ...limits.map(([key, limit]) => deps.limiter.hit({ key, limit, ...window })),
  ]);
  const reserved = limits.flatMap(([key], i) => (hits[i]?.ok ? [key] : []));
  const giveBack = () =>
    Promise.all(reserved.map((key) => deps.limiter.refund({ key, ...window })));
  const refused = hits.find((hit) => !hit.ok);
  if (refused !== undefined && !refused.ok) {
    // A refused attempt is no failure: it computed no hash and counts against nothing.
    await giveBack();
    throw new DomainError("too_many_requests", "Too many login attempts; try again later.", {
      retryAfterSeconds: Math.max(1, refused.retryAfterSeconds),
    });
  }
  const hash = user?.passwordHash ?? (await deps.passwords.dummyHash());
  const matches = await deps.passwords.verify(hash, password);
  if (!user || !matches) throw INVALID_GRANT();
  // Both run to their end, whatever `next` answers, before the request does.
  const [, after] = await Promise.allSettled([giveBack(), next(user)]);
  if (after.status === "rejected") throw after.reason;
  return after.value;
}

export function lockedError(retryAfterSeconds: number) {
  return lockError(
    retryAfterSeconds,
    () =>
      new DomainError("too_many_attempts", "Too many wrong codes; try again later.", {
        retryAfterSeconds: Math.max(1, retryAfterSeconds),
      }),
  );
}

/**
 * What a code proves: a login, or a step-up before a factor changes. Each is its own purpose,
 * so a code sent for one does not serve the other.
 */
export type OtpPurpose = "login" | "step_up";

const OTP_EVENT = {
  login: "user.tfa_code.created",
  step_up: "user.step_up_code.created",
} as const;

/** `otp_required`, with a fresh code sent for SMS and email users (none within the cooldown). */
export async function requireOtp(
  deps: SecondFactorDeps,
  user: User,
  locale: Locale,
  sourceIp?: string,
  purpose: OtpPurpose = "login",
): Promise<never> {
  const destination = codeDestination(user);
  // The factor whose code would be sent (none for an app, whose backup codes may still serve).
  const factor = destination
    ? destination.channel === "sms"
      ? "phone_code"
      : "email_code"
    : undefined;
  const now = nowEpochSeconds(deps.clock);
  const lockedFor = await deps.guard.lockedFor(user.id, now, deps.lockout, factor);
  if (lockedFor > 0) throw lockedError(lockedFor);
  const extra: Record<string, string> = { auth_method: user.authMethod };
  if (destination) {
    const sent = await issueCode(deps.codes, {
      purpose,
      subject: user.id,
      recipient: { channel: destination.channel, to: destination.to },
      eventType: OTP_EVENT[purpose],
      locale: user.locale ?? locale,
      ...(sourceIp === undefined ? {} : { sourceIp }),
    });
    // Within the cooldown the code sent moments ago is still valid: say so, send nothing.
    if (!sent.sent && sent.reason === "limit") {
      throw new DomainError("too_many_requests", "Too many codes were requested; try later.", {
        retryAfterSeconds: sent.retryAfterSeconds,
      });
    }
    extra.otp_destination = destination.masked;
  }
  throw new DomainError("otp_required", undefined, {
    extra,
    challenge: { kind: "otp", authMethod: user.authMethod },
  });
}

/** Checks an OTP of whatever kind the user's method calls for, for a login or a step-up. */
export async function checkLoginOtp(
  deps: SecondFactorDeps,
  user: User,
  otp: string,
  purpose: OtpPurpose = "login",
): Promise<AttemptOutcome> {
  if (user.authMethod === "totp") {
    const asTotp = await attemptSecondFactor(deps, user, { strategy: "totp", code: otp });
    if (asTotp.ok || asTotp.reason !== "malformed") return asTotp;
    return attemptSecondFactor(deps, user, { strategy: "backup_code", code: otp });
  }
  return attemptSecondFactor(deps, user, {
    strategy: user.authMethod === "tfa_email" ? "email_code" : "phone_code",
    code: otp,
    purpose,
    subject: user.id,
  });
}

export function otpFailure(outcome: Exclude<AttemptOutcome, { ok: true }>): DomainError {
  if (outcome.reason === "locked") return lockedError(outcome.retryAfterSeconds);
  if (outcome.reason === "exhausted") {
    return new DomainError(
      "too_many_attempts",
      "This code was tried too many times; log in again to get a new one.",
    );
  }
  return new DomainError("invalid_otp", "The one-time password is not valid.");
}

/** A user whose only second factor is a passkey: a password grant cannot carry an assertion. */
function passkeyRequired(): DomainError {
  return new DomainError(
    "otp_required",
    "This account's second factor is a passkey, which a password grant cannot carry: sign in with POST /v1/sign_ins, then prepare_second_factor and attempt_second_factor with strategy passkey.",
    { extra: { auth_method: "passkey" }, challenge: { kind: "otp", authMethod: "passkey" } },
  );
}

export async function passwordGrant(
  deps: TokenDeps,
  input: {
    username: string;
    password: string;
    otp?: string;
    locale: Locale;
    sourceIp?: string;
    userAgent?: string;
    /** A remembered device's token: skips the second factor when it is live and the user's. */
    deviceToken?: string;
    /** After a correct OTP: remember this device (a device token in the answer). */
    rememberDevice?: boolean;
  },
): Promise<TokenResponse> {
  const source = requestSource(input);
  return authenticatePasswordThen(
    deps,
    input.username,
    input.password,
    input.sourceIp,
    async (user) => {
      if (user.authMethod === "simple") {
        if (deps.passkeys && (await deps.passkeys.list(user.id)).length > 0) {
          throw passkeyRequired();
        }
        if (needsEnrollment(deps, user)) return enrollmentRequired(deps, user);
        const tokens = await issueTokens(deps, user.id, source);
        await recordLogin(deps.secondFactor, user, { ok: true, factor: "password", via: "token" });
        return tokens;
      }
      if (await skipsSecondFactor(deps, user, input.deviceToken, source)) {
        const tokens = await issueTokens(deps, user.id, source);
        await recordLogin(deps.secondFactor, user, { ok: true, factor: "device", via: "token" });
        return tokens;
      }
      if (input.otp === undefined || input.otp === "") {
        return requireOtp(deps.secondFactor, user, input.locale, input.sourceIp);
      }
      const outcome = await checkLoginOtp(deps.secondFactor, user, input.otp);
      const factor = loginOtpFactor(user, input.otp);
      if (!outcome.ok) {
        await recordLoginFailure(deps.secondFactor, user, factor, "token", outcome);
        throw otpFailure(outcome);
      }
      const tokens = await issueTokens(deps, user.id, source);
      await recordLogin(deps.secondFactor, user, { ok: true, factor, via: "token" });
      return input.rememberDevice ? withDeviceToken(deps, tokens, user.id, source) : tokens;
    },
  );
}

/** Whether a presented device token skips the second factor (under the user's lockout). */
function skipsSecondFactor(
  deps: TokenDeps,
  user: User,
  deviceToken: string | undefined,
  source: RequestSource,
): Promise<boolean> {
  const { guard, lockout } = deps.secondFactor;
  return deviceSkipsSecondFactor({ ...deps, guard, lockout }, user, deviceToken, source);
}

/**
 * The tokens of a login whose second factor was just completed, with a device token when the
 * feature is on and the user has no passkey: the client asked to remember the device.
 */
export async function withDeviceToken(
  deps: TokenIssueDeps & { passkeys?: Pick<PasskeyStore, "list"> | undefined },
  tokens: TokenResponse,
  userId: string,
  source: RequestSource,
): Promise<TokenResponse> {
  const issued = await rememberDevice(deps, userId, source);
  return issued
    ? { ...tokens, device_token: issued.token, device_token_expires_in: issued.expiresIn }
    : tokens;
}

/** A request's source as events and sessions record it. */
export function requestSource(input: { sourceIp?: string; userAgent?: string }): RequestSource {
  return {
    ...(input.sourceIp === undefined ? {} : { ip: input.sourceIp }),
    ...(input.userAgent === undefined || input.userAgent === ""
      ? {}
      : { userAgent: input.userAgent.slice(0, 512) }),
  };
}

/**
 * Rotates a refresh token. Each use pushes the session's idle deadline `idleSeconds` on, never
 * past its absolute end fixed at login: a token unused for longer, or presented after that end,
 * answers `invalid_grant` whether or not TTL deletion has removed it yet.
 */
export async function refreshGrant(
  deps: TokenDeps,
  refreshToken: string,
  source: RequestSource = {},
): Promise<TokenResponse> {
  const next = Buffer.from(deps.random.bytes(REFRESH_TOKEN_BYTES)).toString("base64url");
  const now = nowEpochSeconds(deps.clock);
  const rotated = await deps.refreshTokens.rotate(
    refreshTokenHash(deps, refreshToken),
    {
      tokenHash: refreshTokenHash(deps, next),
      expiresAtEpochSeconds: now + deps.refreshTokenLifetime.idleSeconds,
    },
    now,
    source,
  );
  if (!rotated.ok) {
    throw new DomainError("invalid_grant", "The refresh token is invalid, expired or revoked.");
  }
  return {
    access_token: await deps.signer.sign(
      { userId: rotated.userId, sessionId: rotated.sessionId },
      ACCESS_TOKEN_TTL_SECONDS,
    ),
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: next,
  };
}

/** Whether a session still lets its access tokens through: not revoked, before its end. */
async function sessionIsLive(
  deps: { refreshTokens: Pick<RefreshTokenStore, "getSession">; clock: Clock },
  claims: AccessTokenClaims,
): Promise<boolean> {
  const session = await deps.refreshTokens.getSession(claims.userId, claims.sessionId);
  return (
    session !== null &&
    !session.revoked &&
    session.expiresAtEpochSeconds > nowEpochSeconds(deps.clock)
  );
}

/** Who an access token signs in: its user and session, while the session is live. */
export interface SignedIn {
  userId: string;
  /** Absent for an enrollment token, which belongs to no session. */
  sessionId?: string;
}

export interface AccessCheckDeps {
  clock: Clock;
  signer: AccessTokenSigner;
  refreshTokens: Pick<RefreshTokenStore, "getSession">;
}

/**
 * An access token's user and session. The token's session is read on every request, so a
 * revoked session's access tokens stop working at once, not when they expire.
 */
export async function checkAccessToken(
  deps: AccessCheckDeps,
  token: string,
): Promise<SignedIn | null> {
  const claims = await deps.signer.verify(token);
  if (claims === null || !(await sessionIsLive(deps, claims))) return null;
  return claims;
}

/**
 * The same, loading the user in the same round trip. With `enrollment`, an enrollment token is
 * accepted too (the factor-enrollment endpoints) while its user has no second factor: it signs
 * in its user with no session.
 */
export async function checkAccessTokenWithUser(
  deps: AccessCheckDeps & { users: Pick<UserStore, "get"> },
  token: string,
  options: { enrollment?: boolean } = {},
): Promise<(SignedIn & { user: User }) | null> {
  const claims = await deps.signer.verify(token);
  if (claims !== null) {
    const [user, live] = await Promise.all([
      signedInUser(deps.users, claims.userId),
      sessionIsLive(deps, claims),
    ]);
    return live ? { ...claims, user } : null;
  }
  if (!options.enrollment) return null;
  const userId = await deps.signer.verifyEnrollment(token);
  if (userId === null) return null;
  const user = await signedInUser(deps.users, userId);
  // Its work is done once a second factor is on: from then on, the user logs in.
  return user.authMethod === "simple" ? { userId, user } : null;
}
/** The factor an OTP at the token endpoint is: a TOTP user's 6 digits, else a backup code. */
function loginOtpFactor(user: User, otp: string): LoginFactor {
  if (user.authMethod === "totp") return /^\d{6}$/.test(otp) ? "totp" : "backup_code";
  return user.authMethod === "tfa_email" ? "email_code" : "phone_code";
}

/** A failed second factor of a login, for the user's log (malformed input spends nothing). */
export async function recordLoginFailure(
  deps: SecondFactorDeps,
  user: User,
  factor: LoginFactor,
  via: "token" | "sign_in",
  outcome: Exclude<AttemptOutcome, { ok: true }>,
): Promise<void> {
  if (outcome.reason === "malformed") return;
  await recordLogin(deps, user, { ok: false, factor, via, reason: outcome.reason });
}
