/**
 * Clerk-style sign-ins: a password first, then a second factor prepared (SMS or email code) or
 * attempted directly (TOTP, backup code), then tokens — the same ones `/v1/token` issues. A
 * sign-in is bound to nothing but its unguessable id, lives 10 minutes, and is completed by
 * one transaction that also writes its session, so concurrent correct attempts mint tokens
 * once and a failed write leaves it open rather than complete without tokens. Every evaluated
 * attempt counts against the user's lockout, shared with the token endpoint.
 *
 * Strategies offered follow the user's method, as `/v1/token` does (no weaker factor is
 * offered beside a stronger one): `tfa_sms` → `phone_code`; `tfa_email` → `email_code`;
 * `totp` → `totp`, and `backup_code` while unused backup codes remain.
 */
import type { AuthenticatorAppStore } from "./authenticator-app.js";
import { maskEmail, maskPhoneNumber } from "./contacts.js";
import { randomId } from "./crypto.js";
import { deviceSkipsSecondFactor } from "./devices.js";
import { DomainError } from "./errors.js";
import type { Locale, RequestSource } from "./events.js";
import type { AttemptGuard } from "./lockout.js";
import type { LockoutPolicy } from "./policy.js";
import { type Clock, nowEpochSeconds } from "./ports.js";
import {
  type AttemptInput,
  attemptSecondFactor,
  type SecondFactorDeps,
  STRATEGIES,
  type Strategy,
} from "./second-factor.js";
import {
  authenticatePassword,
  enrollmentToken,
  mintSession,
  type NewSession,
  needsEnrollment,
  type PasswordCheckDeps,
  type PasswordHasher,
  requestSource,
  sessionTokens,
  type TokenIssueDeps,
  type TokenResponse,
  withDeviceToken,
} from "./tokens.js";
import type { User, UserStore } from "./users.js";
import { issueCode } from "./verification-codes.js";

/** Clerk abandons an unfinished sign-in; 10 minutes matches the life of the codes it sends. */
export const SIGN_IN_TTL_SECONDS = 10 * 60;
const SIGN_IN_ID_PREFIX = "sia_";
/** `sia_` + 128 random bits in base64url (22 characters). */
export const SIGN_IN_ID_PATTERN = /^sia_[A-Za-z0-9_-]{22}$/;

type SignInStatus = "needs_second_factor" | "needs_enrollment" | "complete";

interface SecondFactorOption {
  strategy: Strategy;
  /** Where a code goes, masked (`+*******4321`, `j*****e@example.com`). */
  safeIdentifier?: string;
}

export interface StoredVerification {
  strategy: Strategy;
  status: "unverified" | "verified" | "failed";
  attempts: number;
  expiresAtEpochSeconds: number;
}

export interface SignIn {
  id: string;
  userId: string;
  status: SignInStatus;
  supportedSecondFactors: SecondFactorOption[];
  verification: StoredVerification | null;
  /** The refresh-token family the sign-in created: Clerk's session. */
  createdSessionId: string | null;
  createdAtEpochSeconds: number;
  expiresAtEpochSeconds: number;
}

export interface SignInStore {
  /** Stores the sign-in; a complete one with the session it created, in one transaction. */
  create(signIn: SignIn, session?: NewSession): Promise<void>;
  get(id: string): Promise<SignIn | null>;
  /** Replaces the verification while the sign-in needs a second factor and is live. */
  startVerification(id: string, verification: StoredVerification, now: number): Promise<boolean>;
  /** Counts one failed attempt of `strategy`; `failed` marks the verification failed. */
  countFailure(id: string, strategy: Strategy, failed: boolean): Promise<void>;
  /**
   * Marks the sign-in complete with `verification` (the verified one) and writes the session
   * it creates, in one transaction, if it still needs a second factor and is live: true for
   * exactly one caller, whatever strategies race. A failed write leaves neither, so a sign-in
   * is never complete without its tokens.
   */
  complete(
    id: string,
    verification: StoredVerification,
    session: NewSession,
    now: number,
  ): Promise<boolean>;
}

/** What starting a sign-in needs: no code is sent; the events are the security log's. */
export interface SignInStartDeps extends TokenIssueDeps, PasswordCheckDeps {
  /** When true, a user without a second factor gets `needs_enrollment` and no tokens. */
  requireTfa: boolean;
  users: UserStore;
  passwords: PasswordHasher;
  signIns: SignInStore;
  guard: AttemptGuard;
  lockout: LockoutPolicy;
  authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes">;
}

export interface SignInPrepareDeps {
  users: Pick<UserStore, "get">;
  signIns: SignInStore;
  secondFactor: SecondFactorDeps;
  authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes">;
}

export type SignInAttemptDeps = SignInPrepareDeps & TokenIssueDeps;

/** The SignIn as clients see it (Clerk's shape, camelCase). */
export interface PublicSignIn {
  object: "sign_in";
  id: string;
  status: SignInStatus;
  supportedSecondFactors: SecondFactorOption[];
  secondFactorVerification: {
    status: "unverified" | "verified" | "failed" | "expired";
    strategy: Strategy;
    attempts: number;
    expireAt: string;
    error: { code: string; message: string } | null;
  } | null;
  createdSessionId: string | null;
  /** When the sign-in is abandoned. */
  expireAt: string;
}

export interface SignInWithTokens {
  signIn: PublicSignIn;
  /** Present only on the response that completes the sign-in. */
  tokens?: TokenResponse;
  /** With `needs_enrollment`: the token for the factor-enrollment endpoints only. */
  enrollmentToken?: string;
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

function publicSignIn(signIn: SignIn, now: number): PublicSignIn {
  const v = signIn.verification;
  let verification: PublicSignIn["secondFactorVerification"] = null;
  if (v) {
    const expired = v.status === "unverified" && v.expiresAtEpochSeconds <= now;
    const status = expired ? "expired" : v.status;
    verification = {
      status,
      strategy: v.strategy,
      attempts: v.attempts,
      expireAt: iso(v.expiresAtEpochSeconds),
      error:
        status === "failed"
          ? { code: "verification_failed", message: "Too many failed attempts." }
          : status === "expired"
            ? { code: "verification_expired", message: "This verification has expired." }
            : null,
    };
  }
  return {
    object: "sign_in",
    id: signIn.id,
    status: signIn.status,
    supportedSecondFactors: signIn.supportedSecondFactors,
    secondFactorVerification: verification,
    createdSessionId: signIn.createdSessionId,
    expireAt: iso(signIn.expiresAtEpochSeconds),
  };
}

async function secondFactorsOf(
  deps: { authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes"> },
  user: User,
): Promise<SecondFactorOption[]> {
  switch (user.authMethod) {
    case "simple":
      return [];
    case "tfa_sms":
      return user.phoneNumber
        ? [{ strategy: "phone_code", safeIdentifier: maskPhoneNumber(user.phoneNumber) }]
        : [];
    case "tfa_email":
      return user.email ? [{ strategy: "email_code", safeIdentifier: maskEmail(user.email) }] : [];
    case "totp": {
      if (!user.totp) return [];
      const unused = (await deps.authenticatorApps.listBackupCodes(user.id)).some(
        (code) => !code.used,
      );
      return unused ? [{ strategy: "totp" }, { strategy: "backup_code" }] : [{ strategy: "totp" }];
    }
  }
}

const notFound = () => new DomainError("not_found", "No such sign-in.");
const signInExpired = () =>
  new DomainError("verification_expired", "This sign-in has expired; start a new one.");
const alreadyVerified = () =>
  new DomainError("verification_already_verified", "This sign-in is already complete.");
const userLocked = (retryAfterSeconds: number) =>
  new DomainError("user_locked", "Too many wrong codes: this account is locked for a while.", {
    retryAfterSeconds: Math.max(1, retryAfterSeconds),
  });

function isStrategy(value: string): value is Strategy {
  return (STRATEGIES as readonly string[]).includes(value);
}

/**
 * `POST /v1/sign_ins`: checks the password (unknown user and wrong password alike); a user
 * without TFA is signed in at once, others get `needs_second_factor`.
 */
export async function createSignIn(
  deps: SignInStartDeps,
  input: {
    identifier: string;
    password: string;
    sourceIp?: string;
    userAgent?: string;
    /** A remembered device's token: completes the sign-in without a second factor. */
    deviceToken?: string;
  },
): Promise<SignInWithTokens> {
  const user = await authenticatePassword(deps, input.identifier, input.password, input.sourceIp);
  const now = nowEpochSeconds(deps.clock);
  const signIn: SignIn = {
    id: randomId(deps.random, SIGN_IN_ID_PREFIX),
    userId: user.id,
    status: "needs_second_factor",
    supportedSecondFactors: [],
    verification: null,
    createdSessionId: null,
    createdAtEpochSeconds: now,
    expiresAtEpochSeconds: now + SIGN_IN_TTL_SECONDS,
  };
  if (needsEnrollment(deps, user)) {
    const enrolling: SignIn = { ...signIn, status: "needs_enrollment" };
    await deps.signIns.create(enrolling);
    const { token } = await enrollmentToken(deps, user.id);
    return { signIn: publicSignIn(enrolling, now), enrollmentToken: token };
  }
  if (
    user.authMethod === "simple" ||
    (await deviceSkipsSecondFactor(deps, user.id, input.deviceToken, requestSource(input)))
  ) {
    const minted = mintSession(deps, user.id, requestSource(input));
    const sessionId = minted.session.token.familyId;
    const complete: SignIn = { ...signIn, status: "complete", createdSessionId: sessionId };
    await deps.signIns.create(complete, minted.session);
    return { signIn: publicSignIn(complete, now), tokens: await sessionTokens(deps, minted) };
  }
  const lockedFor = await deps.guard.lockedFor(user.id, now, deps.lockout);
  if (lockedFor > 0) throw userLocked(lockedFor);
  const factors = await secondFactorsOf(deps, user);
  if (factors.length === 0) throw noSecondFactors();
  const pending: SignIn = { ...signIn, supportedSecondFactors: factors };
  await deps.signIns.create(pending);
  return { signIn: publicSignIn(pending, now) };
}

const noSecondFactors = () =>
  new DomainError("no_second_factors", "This account has no second factor to sign in with.");

export async function getSignIn(
  deps: { signIns: Pick<SignInStore, "get">; clock: Clock },
  id: string,
): Promise<PublicSignIn> {
  const signIn = SIGN_IN_ID_PATTERN.test(id) ? await deps.signIns.get(id) : null;
  if (!signIn) throw notFound();
  return publicSignIn(signIn, nowEpochSeconds(deps.clock));
}

/** Why a conditional write on a sign-in found it no longer open: completed, or expired. */
async function closedError(signIns: SignInStore, id: string): Promise<DomainError> {
  const latest = await signIns.get(id);
  return latest?.status === "complete" ? alreadyVerified() : signInExpired();
}

/** The live sign-in still waiting for a second factor, its user, and the strategy checked. */
async function openSignIn(
  deps: SignInPrepareDeps,
  id: string,
  rawStrategy: string,
  now: number,
): Promise<{ signIn: SignIn; user: User; strategy: Strategy }> {
  const signIn = SIGN_IN_ID_PATTERN.test(id) ? await deps.signIns.get(id) : null;
  if (!signIn) throw notFound();
  if (signIn.status === "complete") throw alreadyVerified();
  if (signIn.expiresAtEpochSeconds <= now) throw signInExpired();
  if (signIn.status === "needs_enrollment") {
    throw new DomainError(
      "tfa_enrollment_required",
      "This account has no second factor yet: enroll one with the enrollment token.",
    );
  }
  if (!isStrategy(rawStrategy)) {
    throw new DomainError(
      "verification_strategy_invalid",
      `Unknown strategy; use one of ${STRATEGIES.join(", ")}.`,
      { field: "strategy" },
    );
  }
  const user = await deps.users.get(signIn.userId);
  if (!user) throw notFound();
  // The user's factors now, not when the sign-in began: an app unlinked meanwhile is gone.
  const factors = await secondFactorsOf(deps, user);
  if (factors.length === 0) throw noSecondFactors();
  if (!factors.some((f) => f.strategy === rawStrategy)) {
    throw new DomainError(
      "strategy_for_user_invalid",
      `This account cannot sign in with ${rawStrategy}; use ${factors.map((f) => f.strategy).join(" or ")}.`,
      { field: "strategy" },
    );
  }
  return { signIn, user, strategy: rawStrategy };
}

/**
 * `prepare_second_factor`: sends an SMS or email code bound to this sign-in (a new one replaces
 * the last; one per cooldown). TOTP and backup codes need no preparation.
 */
export async function prepareSignInSecondFactor(
  deps: SignInPrepareDeps,
  id: string,
  input: { strategy: string; locale: Locale; sourceIp?: string },
): Promise<PublicSignIn> {
  const sf = deps.secondFactor;
  const now = nowEpochSeconds(sf.clock);
  if (input.strategy === "totp" || input.strategy === "backup_code") {
    // Still a 404 for an unknown id, before saying anything about strategies.
    if (!SIGN_IN_ID_PATTERN.test(id) || !(await deps.signIns.get(id))) throw notFound();
    throw new DomainError(
      "verification_strategy_invalid",
      `${input.strategy} needs no preparation: attempt it directly.`,
      { field: "strategy" },
    );
  }
  const { signIn, user, strategy } = await openSignIn(deps, id, input.strategy, now);
  const lockedFor = await sf.guard.lockedFor(user.id, now, sf.lockout);
  if (lockedFor > 0) throw userLocked(lockedFor);
  const recipient =
    strategy === "phone_code"
      ? { channel: "sms" as const, to: user.phoneNumber ?? "" }
      : { channel: "email" as const, to: user.email ?? "" };
  const sent = await issueCode(sf.codes, {
    purpose: "sign_in",
    subject: signIn.id,
    userId: user.id,
    recipient,
    eventType: "user.tfa_code.created",
    locale: user.locale ?? input.locale,
    ...(input.sourceIp === undefined ? {} : { sourceIp: input.sourceIp }),
    expiresAtEpochSeconds: Math.min(now + sf.codes.policy.ttlSeconds, signIn.expiresAtEpochSeconds),
  });
  if (!sent.sent) {
    throw new DomainError(
      "too_many_requests",
      sent.reason === "cooldown"
        ? "A code was just sent; wait before asking for another."
        : "Too many codes were requested; try later.",
      { retryAfterSeconds: Math.max(1, sent.retryAfterSeconds) },
    );
  }
  const verification: StoredVerification = {
    strategy,
    status: "unverified",
    attempts: 0,
    expiresAtEpochSeconds: sent.expiresAtEpochSeconds,
  };
  if (!(await deps.signIns.startVerification(signIn.id, verification, now))) {
    throw await closedError(deps.signIns, signIn.id);
  }
  return publicSignIn({ ...signIn, verification }, now);
}

/**
 * `attempt_second_factor`: checks the code; on success completes the sign-in once and mints
 * tokens. A malformed code is `form_code_incorrect` and spends nothing.
 */
export async function attemptSignInSecondFactor(
  deps: SignInAttemptDeps,
  id: string,
  input: {
    strategy: string;
    code: unknown;
    source?: RequestSource;
    /** Remember this device: the tokens then carry a device token. */
    rememberDevice?: boolean;
  },
): Promise<SignInWithTokens> {
  const sf = deps.secondFactor;
  const now = nowEpochSeconds(sf.clock);
  const opened = await openSignIn(deps, id, input.strategy, now);
  const { user, strategy } = opened;
  let signIn = opened.signIn;

  let attempt: AttemptInput;
  if (strategy === "phone_code" || strategy === "email_code") {
    const v = signIn.verification;
    if (!v || v.strategy !== strategy) {
      throw new DomainError(
        "verification_missing",
        `Call prepare_second_factor with ${strategy} first.`,
        { field: "strategy" },
      );
    }
    if (v.status === "failed") throw verificationFailed();
    if (v.expiresAtEpochSeconds <= now) throw codeExpired();
    attempt = { strategy, code: input.code, purpose: "sign_in", subject: signIn.id };
  } else {
    attempt = { strategy, code: input.code };
    if (signIn.verification?.strategy !== strategy) {
      // TOTP and backup codes are attempted directly: the verification starts here.
      const verification: StoredVerification = {
        strategy,
        status: "unverified",
        attempts: 0,
        expiresAtEpochSeconds: signIn.expiresAtEpochSeconds,
      };
      if (!(await deps.signIns.startVerification(signIn.id, verification, now))) {
        throw await closedError(deps.signIns, signIn.id);
      }
      signIn = { ...signIn, verification };
    }
  }

  const outcome = await attemptSecondFactor(sf, user, attempt);
  if (outcome.ok) {
    const minted = mintSession(deps, user.id, input.source);
    const sessionId = minted.session.token.familyId;
    const before = signIn.verification;
    const verified: StoredVerification = {
      strategy,
      status: "verified",
      attempts: before?.strategy === strategy ? before.attempts + 1 : 1,
      expiresAtEpochSeconds: before?.expiresAtEpochSeconds ?? signIn.expiresAtEpochSeconds,
    };
    if (!(await deps.signIns.complete(signIn.id, verified, minted.session, now))) {
      throw await closedError(deps.signIns, signIn.id);
    }
    const sessionMinted = await sessionTokens(deps, minted);
    const tokens = input.rememberDevice
      ? await withDeviceToken(deps, sessionMinted, user.id, input.source ?? {})
      : sessionMinted;
    const complete: SignIn = {
      ...signIn,
      status: "complete",
      createdSessionId: sessionId,
      verification: verified,
    };
    return { signIn: publicSignIn(complete, now), tokens };
  }
  switch (outcome.reason) {
    case "malformed":
      throw codeIncorrect();
    case "locked":
      throw userLocked(outcome.retryAfterSeconds);
    case "incorrect": {
      const attempts = (signIn.verification?.attempts ?? 0) + 1;
      const spent =
        attempt.strategy !== "totp" &&
        attempt.strategy !== "backup_code" &&
        attempts >= sf.codes.policy.maxAttemptsPerCode;
      await deps.signIns.countFailure(signIn.id, strategy, spent);
      throw codeIncorrect();
    }
    case "exhausted":
      await deps.signIns.countFailure(signIn.id, strategy, true);
      throw verificationFailed();
    case "expired":
      throw codeExpired();
    case "missing": {
      // The code is gone: consumed by a concurrent attempt that completed the sign-in.
      const latest = await deps.signIns.get(signIn.id);
      if (latest?.status === "complete") throw alreadyVerified();
      throw new DomainError("verification_missing", "No code is waiting: prepare a new one.", {
        field: "strategy",
      });
    }
  }
}

const codeIncorrect = () =>
  new DomainError("form_code_incorrect", "Incorrect code.", { field: "code" });
const verificationFailed = () =>
  new DomainError(
    "verification_failed",
    "Too many failed attempts: prepare a new code or start a new sign-in.",
  );
const codeExpired = () =>
  new DomainError("verification_expired", "This code has expired; prepare a new one.");
