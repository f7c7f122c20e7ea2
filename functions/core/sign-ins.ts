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
 * `totp` → `totp`, and `backup_code` while unused backup codes remain; `passkey` beside them
 * for any user who has one. A sign-in may also start with a passkey alone (`needs_first_factor`).
 */
import type { AuthenticatorAppStore } from "./authenticator-app.js";
import { maskEmail, maskPhoneNumber } from "./contacts.js";
import { randomId } from "./crypto.js";
import { deviceSkipsSecondFactor } from "./devices.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, Locale, RequestSource } from "./events.js";
import { type AttemptGuard, lockError } from "./lockout.js";
import {
  type ChallengeStore,
  challengeExpired,
  checkAssertion,
  issueChallenge,
  type PasskeyRequestOptions,
  type PasskeyStore,
  passkeyInvalid,
  publishPasskeyEvent,
  type RelyingParty,
  requestOptions,
  type StoredChallenge,
  userIdOfAssertion,
  type WebAuthnVerifier,
} from "./passkeys.js";
import type { LockoutPolicy } from "./policy.js";
import { type Clock, nowEpochSeconds } from "./ports.js";
import {
  type AttemptInput,
  attemptPasskeyFactor,
  attemptSecondFactor,
  type SecondFactorDeps,
  STRATEGIES,
  type Strategy,
} from "./second-factor.js";
import { recordLogin } from "./security-log.js";
import {
  authenticatePasswordThen,
  enrollmentToken,
  mintSession,
  type NewSession,
  needsEnrollment,
  type PasswordCheckDeps,
  type PasswordHasher,
  recordLoginFailure,
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

type SignInStatus = "needs_first_factor" | "needs_second_factor" | "needs_enrollment" | "complete";

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
  /** Failed attempts over the sign-in's life, whatever the strategy (absent: none). */
  failures?: number;
  /** A sign-in with a passkey alone: its first factor (the user is known once it verifies). */
  firstFactorVerification?: StoredVerification;
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
  /**
   * Marks a sign-in that needs its first factor complete for `userId` and writes the session it
   * creates, in one transaction, if still open and live: true for exactly one caller.
   */
  completeFirstFactor(
    id: string,
    userId: string,
    verification: StoredVerification,
    session: NewSession,
    now: number,
  ): Promise<boolean>;
}

/** Passkeys in sign-ins: challenges, credentials, the relying party; the verifier to attempt. */
export interface SignInPasskeyDeps {
  challenges: ChallengeStore;
  passkeys: PasskeyStore;
  relyingParty: RelyingParty;
  verifier?: WebAuthnVerifier;
}

/** What starting a sign-in needs: no code is sent; a login without TFA is recorded. */
export interface SignInStartDeps extends TokenIssueDeps, PasswordCheckDeps {
  events: EventPublisher;
  /** When true, a user without a second factor gets `needs_enrollment` and no tokens. */
  requireTfa: boolean;
  users: UserStore;
  passwords: PasswordHasher;
  signIns: SignInStore;
  guard: AttemptGuard;
  lockout: LockoutPolicy;
  authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes">;
  passkey?: SignInPasskeyDeps;
}

export interface SignInPrepareDeps {
  users: Pick<UserStore, "get">;
  signIns: SignInStore;
  secondFactor: SecondFactorDeps;
  authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes">;
  passkey?: SignInPasskeyDeps;
}

export type SignInAttemptDeps = SignInPrepareDeps & TokenIssueDeps;

interface PublicVerification {
  status: "unverified" | "verified" | "failed" | "expired";
  strategy: Strategy;
  attempts: number;
  expireAt: string;
  error: { code: string; message: string } | null;
  /** For a passkey, on the response that prepares it: the WebAuthn request options. */
  nonce?: PasskeyRequestOptions;
}

/** The SignIn as clients see it (Clerk's shape, camelCase). */
export interface PublicSignIn {
  object: "sign_in";
  id: string;
  status: SignInStatus;
  supportedSecondFactors: SecondFactorOption[];
  /** Present on a sign-in started with a passkey alone. */
  firstFactorVerification?: PublicVerification;
  secondFactorVerification: PublicVerification | null;
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

function publicVerification(v: StoredVerification, now: number): PublicVerification {
  const expired = v.status === "unverified" && v.expiresAtEpochSeconds <= now;
  const status = expired ? "expired" : v.status;
  return {
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

function publicSignIn(signIn: SignIn, now: number): PublicSignIn {
  const v = signIn.verification;
  const verification = v ? publicVerification(v, now) : null;
  const first = signIn.firstFactorVerification;
  return {
    object: "sign_in",
    id: signIn.id,
    status: signIn.status,
    supportedSecondFactors: signIn.supportedSecondFactors,
    ...(first ? { firstFactorVerification: publicVerification(first, now) } : {}),
    secondFactorVerification: verification,
    createdSessionId: signIn.createdSessionId,
    expireAt: iso(signIn.expiresAtEpochSeconds),
  };
}

/** The factors of the user's method, then `passkey` when they have one. */
async function secondFactorsOf(
  deps: {
    authenticatorApps: Pick<AuthenticatorAppStore, "listBackupCodes">;
    passkey?: { passkeys: Pick<PasskeyStore, "list"> };
  },
  user: User,
): Promise<SecondFactorOption[]> {
  const byMethod = await methodFactorsOf(deps, user);
  return (await hasPasskeys(deps, user)) ? [...byMethod, { strategy: "passkey" }] : byMethod;
}

async function hasPasskeys(
  deps: { passkey?: { passkeys: Pick<PasskeyStore, "list"> } },
  user: User,
): Promise<boolean> {
  return deps.passkey !== undefined && (await deps.passkey.passkeys.list(user.id)).length > 0;
}

async function methodFactorsOf(
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
  lockError(
    retryAfterSeconds,
    () =>
      new DomainError("user_locked", "Too many wrong codes: this account is locked for a while.", {
        retryAfterSeconds: Math.max(1, retryAfterSeconds),
      }),
  );

function isStrategy(value: string): value is Strategy {
  return (STRATEGIES as readonly string[]).includes(value);
}

/**
 * `POST /v1/sign_ins`: checks the password (unknown user and wrong password alike); a user
 * without TFA is signed in at once, and so is one whose remembered device's token stands in
 * for their method's factor (never for a passkey); others get `needs_second_factor`.
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
  const source = requestSource(input);
  return authenticatePasswordThen(
    deps,
    input.identifier,
    input.password,
    input.sourceIp,
    async (user): Promise<SignInWithTokens> => {
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
      /** Completes the sign-in at once, with its session, decided by `factor`. */
      const completeNow = async (factor: "password" | "device"): Promise<SignInWithTokens> => {
        const minted = mintSession(deps, user.id, source);
        const sessionId = minted.session.token.familyId;
        const complete: SignIn = { ...signIn, status: "complete", createdSessionId: sessionId };
        await deps.signIns.create(complete, minted.session);
        const tokens = await sessionTokens(deps, minted);
        await recordLogin(deps, user, { ok: true, factor, via: "sign_in" });
        return { signIn: publicSignIn(complete, now), tokens };
      };
      const passkeyUser = user.authMethod === "simple" && (await hasPasskeys(deps, user));
      if (needsEnrollment(deps, user) && !passkeyUser) {
        const enrolling: SignIn = { ...signIn, status: "needs_enrollment" };
        await deps.signIns.create(enrolling);
        const { token } = await enrollmentToken(deps, user.id);
        return { signIn: publicSignIn(enrolling, now), enrollmentToken: token };
      }
      if (user.authMethod === "simple" && !passkeyUser) return completeNow("password");
      // A remembered device stands in for the method's factor, never for a passkey.
      const deviceDeps = { ...deps, passkeys: deps.passkey?.passkeys };
      if (await deviceSkipsSecondFactor(deviceDeps, user, input.deviceToken, source)) {
        return completeNow("device");
      }
      // The lockout and the user's factors are read at once.
      const [lockedFor, factors] = await Promise.all([
        deps.guard.lockedFor(user.id, now, deps.lockout),
        secondFactorsOf(deps, user),
      ]);
      if (lockedFor > 0) throw userLocked(lockedFor);
      if (factors.length === 0) throw noSecondFactors();
      const pending: SignIn = { ...signIn, supportedSecondFactors: factors };
      await deps.signIns.create(pending);
      return { signIn: publicSignIn(pending, now) };
    },
  );
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
  // The user's factors now, not when the sign-in began: an app unlinked meanwhile is gone. A
  // TOTP attempt by an app user needs no query of the backup codes: the app admits it alone.
  const factors: SecondFactorOption[] =
    rawStrategy === "totp" && user.authMethod === "totp" && user.totp
      ? [{ strategy: "totp" }]
      : await secondFactorsOf(deps, user);
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
  if (input.strategy === "passkey") return preparePasskeySecondFactor(deps, id, now);
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
  const lockedFor = await sf.guard.lockedFor(user.id, now, sf.lockout, strategy);
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
    code?: unknown;
    publicKeyCredential?: unknown;
    source?: RequestSource;
    /** Remember this device (never after a passkey): the tokens then carry a device token. */
    rememberDevice?: boolean;
  },
): Promise<SignInWithTokens> {
  const sf = deps.secondFactor;
  const now = nowEpochSeconds(sf.clock);
  if (input.strategy === "passkey") {
    return attemptPasskeySecondFactor(deps, id, input.publicKeyCredential, now, input.source);
  }
  const opened = await openSignIn(deps, id, input.strategy, now);
  const { user } = opened;
  const strategy = opened.strategy as Exclude<Strategy, "passkey">;
  let signIn = opened.signIn;
  // One sign-in gets no more guesses than one round of the user's lockout, however many
  // lock periods it outlives: then only a new sign-in, behind the password, goes on.
  if ((signIn.failures ?? 0) >= sf.lockout.maxConsecutiveFailures) {
    const lockedFor = await sf.guard.lockedFor(user.id, now, sf.lockout, strategy);
    throw lockedFor > 0 ? userLocked(lockedFor) : signInSpent();
  }

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
    await recordLogin(sf, user, { ok: true, factor: strategy, via: "sign_in" });
    const tokens = input.rememberDevice
      ? await withDeviceToken(
          { ...deps, passkeys: deps.passkey?.passkeys },
          sessionMinted,
          user.id,
          input.source ?? {},
        )
      : sessionMinted;
    const complete: SignIn = {
      ...signIn,
      status: "complete",
      createdSessionId: sessionId,
      verification: verified,
    };
    return { signIn: publicSignIn(complete, now), tokens };
  }
  await recordLoginFailure(sf, user, strategy, "sign_in", outcome);
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
const signInSpent = () =>
  new DomainError(
    "verification_failed",
    "Too many failed attempts for this sign-in: start a new one.",
  );
const codeExpired = () =>
  new DomainError("verification_expired", "This code has expired; prepare a new one.");

// ---------------------------------------------------------------------------------------------
// Passkeys: a second factor after the password, or a sign-in by themselves

function passkeyDeps(deps: { passkey?: SignInPasskeyDeps }): SignInPasskeyDeps {
  // Composed for every sign-in handler; absent only where passkeys are not offered.
  if (!deps.passkey) {
    throw new DomainError("verification_strategy_invalid", "Passkeys are not offered here.", {
      field: "strategy",
    });
  }
  return deps.passkey;
}

function verifierOf(passkey: SignInPasskeyDeps): WebAuthnVerifier {
  if (!passkey.verifier) throw new Error("The sign-in attempt needs a WebAuthn verifier");
  return passkey.verifier;
}

/** The challenge of a sign-in, live at `now`. */
async function liveChallenge(
  passkey: SignInPasskeyDeps,
  signInId: string,
  now: number,
): Promise<StoredChallenge> {
  const challenge = await passkey.challenges.get("sign_in", signInId);
  if (!challenge || challenge.expiresAtEpochSeconds <= now) throw challengeExpired();
  return challenge;
}

/**
 * `prepare_second_factor {strategy: "passkey"}`: a challenge bound to this sign-in; the SignIn
 * answers the WebAuthn request options as `secondFactorVerification.nonce`, with the user's
 * passkeys as `allowCredentials`.
 */
async function preparePasskeySecondFactor(
  deps: SignInPrepareDeps,
  id: string,
  now: number,
): Promise<PublicSignIn> {
  const passkey = passkeyDeps(deps);
  const sf = deps.secondFactor;
  const { signIn, user } = await openSignIn(deps, id, "passkey", now);
  const lockedFor = await sf.guard.lockedFor(user.id, now, sf.lockout);
  if (lockedFor > 0) throw userLocked(lockedFor);
  const allow = await passkey.passkeys.list(user.id);
  const challenge = await issueChallenge(
    { ...passkey, clock: sf.clock, random: sf.random },
    "sign_in",
    signIn.id,
    signIn.expiresAtEpochSeconds,
  );
  const verification: StoredVerification = {
    strategy: "passkey",
    status: "unverified",
    attempts: 0,
    expiresAtEpochSeconds: challenge.expiresAtEpochSeconds,
  };
  if (!(await deps.signIns.startVerification(signIn.id, verification, now))) {
    throw await closedError(deps.signIns, signIn.id);
  }
  const prepared = publicSignIn({ ...signIn, verification }, now);
  return {
    ...prepared,
    secondFactorVerification: {
      ...publicVerification(verification, now),
      nonce: requestOptions(passkey.relyingParty, challenge, allow, now),
    },
  };
}

/** `attempt_second_factor {strategy: "passkey", publicKeyCredential}`: one of the user's passkeys. */
async function attemptPasskeySecondFactor(
  deps: SignInAttemptDeps,
  id: string,
  response: unknown,
  now: number,
  source: RequestSource | undefined,
): Promise<SignInWithTokens> {
  const passkey = passkeyDeps(deps);
  const sf = deps.secondFactor;
  const { signIn, user } = await openSignIn(deps, id, "passkey", now);
  if (signIn.verification?.strategy !== "passkey") {
    throw new DomainError(
      "verification_missing",
      "Call prepare_second_factor with passkey first.",
      {
        field: "strategy",
      },
    );
  }
  if (signIn.verification.status === "failed") throw verificationFailed();
  const challenge = await liveChallenge(passkey, signIn.id, now);
  const credentialId = (response as { id?: unknown } | null)?.id;
  const outcome = await attemptPasskeyFactor(sf, user, async () => {
    const mine = (await passkey.passkeys.list(user.id)).find((p) => p.id === credentialId);
    return checkAssertion(
      { ...passkey, clock: sf.clock, random: sf.random, verifier: verifierOf(passkey) },
      challenge,
      response,
      mine ?? null,
    );
  });
  if (!outcome.ok) {
    if ("reason" in outcome) throw userLocked(outcome.retryAfterSeconds);
    if (outcome.cloned) {
      await publishPasskeyEvent(sf, user, "user.passkey.cloned", outcome.cloned, source);
    }
    if (outcome.error.code !== "passkey_challenge_expired") {
      await deps.signIns.countFailure(signIn.id, "passkey", false);
    } else {
      const latest = await deps.signIns.get(signIn.id);
      if (latest?.status === "complete") throw alreadyVerified();
    }
    throw outcome.error;
  }
  const minted = mintSession(deps, user.id, source);
  const sessionId = minted.session.token.familyId;
  const verified: StoredVerification = {
    ...signIn.verification,
    status: "verified",
    attempts: signIn.verification.attempts + 1,
  };
  if (!(await deps.signIns.complete(signIn.id, verified, minted.session, now))) {
    throw await closedError(deps.signIns, signIn.id);
  }
  const tokens = await sessionTokens(deps, minted);
  await recordLogin(sf, user, { ok: true, factor: "passkey", via: "sign_in" });
  const complete: SignIn = {
    ...signIn,
    status: "complete",
    createdSessionId: sessionId,
    verification: verified,
  };
  return { signIn: publicSignIn(complete, now), tokens };
}

/** What a sign-in with a passkey alone needs to start: no password, no user yet. */
export interface PasskeySignInStartDeps {
  clock: Clock;
  random: SecondFactorDeps["random"];
  signIns: SignInStore;
  passkey?: SignInPasskeyDeps;
}

/**
 * `POST /v1/sign_ins {strategy: "passkey"}`: a sign-in that `needs_first_factor`, with the
 * request options (a discoverable credential: `allowCredentials` empty, user verification
 * required) as `firstFactorVerification.nonce`.
 */
export async function createPasskeySignIn(deps: PasskeySignInStartDeps): Promise<PublicSignIn> {
  const passkey = passkeyDeps(deps);
  const now = nowEpochSeconds(deps.clock);
  const id = randomId(deps.random, SIGN_IN_ID_PREFIX);
  const expiresAt = now + SIGN_IN_TTL_SECONDS;
  const challenge = await issueChallenge({ ...passkey, ...deps }, "sign_in", id, expiresAt);
  const firstFactorVerification: StoredVerification = {
    strategy: "passkey",
    status: "unverified",
    attempts: 0,
    expiresAtEpochSeconds: challenge.expiresAtEpochSeconds,
  };
  const signIn: SignIn = {
    id,
    userId: "",
    status: "needs_first_factor",
    supportedSecondFactors: [],
    verification: null,
    createdSessionId: null,
    createdAtEpochSeconds: now,
    expiresAtEpochSeconds: expiresAt,
    firstFactorVerification,
  };
  await deps.signIns.create(signIn);
  return {
    ...publicSignIn(signIn, now),
    firstFactorVerification: {
      ...publicVerification(firstFactorVerification, now),
      nonce: requestOptions(passkey.relyingParty, challenge, [], now),
    },
  };
}

/**
 * `attempt_first_factor {strategy: "passkey", publicKeyCredential}`: the user is found from the
 * credential and its `userHandle`; an unknown credential answers as a wrong one. The attempt
 * counts against that user's lockout; success completes the sign-in once, with tokens.
 */
export async function attemptSignInFirstFactor(
  deps: SignInAttemptDeps,
  id: string,
  input: { strategy: string; publicKeyCredential?: unknown; source?: RequestSource },
): Promise<SignInWithTokens> {
  const passkey = passkeyDeps(deps);
  const sf = deps.secondFactor;
  const now = nowEpochSeconds(sf.clock);
  const signIn = SIGN_IN_ID_PATTERN.test(id) ? await deps.signIns.get(id) : null;
  if (!signIn) throw notFound();
  if (signIn.status === "complete") throw alreadyVerified();
  if (signIn.expiresAtEpochSeconds <= now) throw signInExpired();
  if (input.strategy !== "passkey") {
    throw new DomainError("verification_strategy_invalid", "The first factor here is passkey.", {
      field: "strategy",
    });
  }
  const first = signIn.firstFactorVerification;
  if (signIn.status !== "needs_first_factor" || !first) {
    throw new DomainError(
      "verification_strategy_invalid",
      "This sign-in started with a password: attempt its second factor.",
      { field: "strategy" },
    );
  }
  const challenge = await liveChallenge(passkey, signIn.id, now);
  const credentialId = (input.publicKeyCredential as { id?: unknown } | null)?.id;
  const found = typeof credentialId === "string" ? await passkey.passkeys.find(credentialId) : null;
  const claimed = userIdOfAssertion(input.publicKeyCredential);
  if (!found || claimed !== found.userId) throw passkeyInvalid();
  const user = await deps.users.get(found.userId);
  if (!user) throw passkeyInvalid();
  const outcome = await attemptPasskeyFactor(sf, user, () =>
    checkAssertion(
      { ...passkey, clock: sf.clock, random: sf.random, verifier: verifierOf(passkey) },
      challenge,
      input.publicKeyCredential,
      found,
    ),
  );
  if (!outcome.ok) {
    if ("reason" in outcome) throw userLocked(outcome.retryAfterSeconds);
    if (outcome.cloned) {
      await publishPasskeyEvent(sf, user, "user.passkey.cloned", outcome.cloned, input.source);
    }
    if (outcome.error.code === "passkey_challenge_expired") {
      const latest = await deps.signIns.get(signIn.id);
      if (latest?.status === "complete") throw alreadyVerified();
    }
    throw outcome.error;
  }
  const minted = mintSession(deps, user.id, input.source);
  const sessionId = minted.session.token.familyId;
  const verified: StoredVerification = {
    ...first,
    status: "verified",
    attempts: first.attempts + 1,
  };
  if (
    !(await deps.signIns.completeFirstFactor(signIn.id, user.id, verified, minted.session, now))
  ) {
    throw await closedError(deps.signIns, signIn.id);
  }
  const tokens = await sessionTokens(deps, minted);
  await recordLogin(sf, user, { ok: true, factor: "passkey", via: "sign_in" });
  const complete: SignIn = {
    ...signIn,
    userId: user.id,
    status: "complete",
    createdSessionId: sessionId,
    firstFactorVerification: verified,
  };
  return { signIn: publicSignIn(complete, now), tokens };
}
