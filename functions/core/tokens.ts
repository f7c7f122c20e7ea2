/**
 * The OAuth2 token endpoint (RFC 6749 §4.3 password grant, §6 refresh) with a second factor for
 * TFA users, as Freshcom did it and stricter: wrong password and unknown user answer alike and
 * in like time, a login code serves only the login it was sent for, attempts are bounded,
 * refresh tokens rotate and a replayed one revokes its family.
 */

import { codeDestination } from "./contacts.js";
import { keyedHash, randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { Locale } from "./events.js";
import type { PasswordPolicy, RefreshTokenLifetime } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import {
  type AttemptOutcome,
  attemptSecondFactor,
  type SecondFactorDeps,
} from "./second-factor.js";
import { type LoginFactor, recordLogin } from "./security-log.js";
import { normalizeUsername, type User, type UserStore } from "./users.js";
import { issueCode, type RateLimiter } from "./verification-codes.js";

const ACCESS_TOKEN_TTL_SECONDS = 15 * 60; // short-lived: NIST SP 800-63B §7.1 reauth bounds
const REFRESH_TOKEN_BYTES = 32;

export interface AccessTokenSigner {
  sign(userId: string, ttlSeconds: number): Promise<string>;
  /** The user id of a valid, unexpired token; null otherwise. */
  verify(token: string): Promise<string | null>;
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

/** A successor token: its idle deadline, which the store caps at its family's end. */
export interface NextRefreshToken {
  tokenHash: string;
  expiresAtEpochSeconds: number;
}

export type RotateOutcome =
  | { ok: true; userId: string }
  | { ok: false; reason: "unknown" | "expired" | "reused" | "revoked" };

export interface RefreshTokenStore {
  create(record: RefreshTokenRecord): Promise<void>;
  /**
   * Marks `tokenHash` used and stores `next` in one transaction, if the token is before its own
   * deadline, its family before its absolute end (both checked in the write's condition, not
   * left to TTL deletion) and not revoked. `next` expires at its deadline or at the family's
   * end, whichever comes first. A token used before revokes its whole family.
   */
  rotate(tokenHash: string, next: NextRefreshToken, now: number): Promise<RotateOutcome>;
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
  secondFactor: SecondFactorDeps;
}

export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  refresh_token: string;
}

const INVALID_GRANT = () =>
  new DomainError("invalid_grant", "The username or password is incorrect.");

function refreshTokenHash(deps: Pick<TokenDeps, "hashKey">, token: string) {
  return keyedHash(deps.hashKey, "refresh_token", token);
}

/** What minting tokens needs: sign-ins complete with the same tokens as the token endpoint. */
export type TokenIssueDeps = Pick<
  TokenDeps,
  "clock" | "random" | "signer" | "refreshTokens" | "refreshTokenLifetime" | "hashKey"
>;

async function issueTokens(
  deps: TokenIssueDeps,
  userId: string,
  familyId = randomId(deps.random, "rtf_"),
): Promise<TokenResponse> {
  const refresh = Buffer.from(deps.random.bytes(REFRESH_TOKEN_BYTES)).toString("base64url");
  const now = nowEpochSeconds(deps.clock);
  const { absoluteSeconds, idleSeconds } = deps.refreshTokenLifetime;
  await deps.refreshTokens.create({
    tokenHash: refreshTokenHash(deps, refresh),
    userId,
    familyId,
    expiresAtEpochSeconds: now + Math.min(idleSeconds, absoluteSeconds),
    familyExpiresAtEpochSeconds: now + absoluteSeconds,
  });
  return {
    access_token: await deps.signer.sign(userId, ACCESS_TOKEN_TTL_SECONDS),
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refresh,
  };
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
  const reserved: string[] = [];
  const giveBack = () =>
    Promise.all(reserved.map((key) => deps.limiter.refund({ key, ...window })));
  for (const [key, limit] of limits) {
    const hit = await deps.limiter.hit({ key, limit, ...window });
    if (!hit.ok) {
      // A refused attempt is no failure: it computed no hash and counts against nothing.
      await giveBack();
      throw new DomainError("too_many_requests", "Too many login attempts; try again later.", {
        retryAfterSeconds: Math.max(1, hit.retryAfterSeconds),
      });
    }
    reserved.push(key);
  }
  const user = await deps.users.findByUsername(normalized);
  const hash = user?.passwordHash ?? (await deps.passwords.dummyHash());
  const matches = await deps.passwords.verify(hash, password);
  if (!user || !matches) throw INVALID_GRANT();
  await giveBack();
  return user;
}

export function lockedError(retryAfterSeconds: number) {
  return new DomainError("too_many_attempts", "Too many wrong codes; try again later.", {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
  });
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
  const lockedFor = await deps.guard.lockedFor(user.id, nowEpochSeconds(deps.clock), deps.lockout);
  if (lockedFor > 0) throw lockedError(lockedFor);
  const destination = codeDestination(user);
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

export async function passwordGrant(
  deps: TokenDeps,
  input: { username: string; password: string; otp?: string; locale: Locale; sourceIp?: string },
): Promise<TokenResponse> {
  const user = await authenticatePassword(deps, input.username, input.password, input.sourceIp);
  if (user.authMethod === "simple") {
    const tokens = await issueTokens(deps, user.id);
    await recordLogin(deps.secondFactor, user, { ok: true, factor: "password", via: "token" });
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
  const tokens = await issueTokens(deps, user.id);
  await recordLogin(deps.secondFactor, user, { ok: true, factor, via: "token" });
  return tokens;
}

/**
 * Rotates a refresh token. Each use pushes the session's idle deadline `idleSeconds` on, never
 * past its absolute end fixed at login: a token unused for longer, or presented after that end,
 * answers `invalid_grant` whether or not TTL deletion has removed it yet.
 */
export async function refreshGrant(deps: TokenDeps, refreshToken: string): Promise<TokenResponse> {
  const next = Buffer.from(deps.random.bytes(REFRESH_TOKEN_BYTES)).toString("base64url");
  const now = nowEpochSeconds(deps.clock);
  const rotated = await deps.refreshTokens.rotate(
    refreshTokenHash(deps, refreshToken),
    {
      tokenHash: refreshTokenHash(deps, next),
      expiresAtEpochSeconds: now + deps.refreshTokenLifetime.idleSeconds,
    },
    now,
  );
  if (!rotated.ok) {
    throw new DomainError("invalid_grant", "The refresh token is invalid, expired or revoked.");
  }
  return {
    access_token: await deps.signer.sign(rotated.userId, ACCESS_TOKEN_TTL_SECONDS),
    token_type: "bearer",
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: next,
  };
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

export { issueTokens };
