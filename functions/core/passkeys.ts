/**
 * Passkeys (WebAuthn): a phishing-resistant second factor, and a sign-in by themselves (a
 * discoverable credential with user verification is multi-factor on its own: something the
 * user has, unlocked by something they know or are).
 *
 * Core decides; three ports do the rest. The challenge store keeps each challenge (32 random
 * bytes, 5 minutes) bound to its purpose and subject, and consumes it with one conditional
 * write, so an assertion or attestation is accepted once. The credential store keeps the
 * user's passkeys under their partition, each credential id claimed once across all users.
 * The WebAuthn verifier checks attestations and assertions (origin, rpId hash, flags,
 * signature) and knows the library that does it; core never imports it.
 *
 * A sign count that goes backwards (when either count is not zero) means two authenticators
 * share a private key: the assertion is refused and the user told.
 */
import { codeDestination } from "./contacts.js";
import { randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, EventPublisher, Locale, Recipient, RequestSource } from "./events.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import type { SecondFactorDeps } from "./second-factor.js";
import { checkLoginOtp, otpFailure, requireOtp } from "./tokens.js";
import type { User, UserStore } from "./users.js";

export const PASSKEY_CHALLENGE_TTL_SECONDS = 5 * 60;
const CHALLENGE_BYTES = 32;
/** Names shown in the user's list; the authenticator's own name is not known to the server. */
const PASSKEY_NAME_MAX = 64;
const DEFAULT_PASSKEY_NAME = "Passkey";
/** COSE algorithms offered at registration, in order of preference: Ed25519, ES256, RS256. */
const COSE_ALGORITHMS = [-8, -7, -257] as const;

/** What a challenge serves: adding a passkey (subject: the user), or a sign-in (its id). */
export type ChallengePurpose = "registration" | "sign_in";

export interface StoredChallenge {
  purpose: ChallengePurpose;
  subject: string;
  /** base64url of 32 random bytes, as the authenticator signs it in `clientDataJSON`. */
  challenge: string;
  expiresAtEpochSeconds: number;
}

export interface ChallengeStore {
  /** Stores the challenge of (purpose, subject); a new one replaces the last. */
  put(challenge: StoredChallenge): Promise<void>;
  /** The challenge of (purpose, subject) as stored (expired or not), or null. */
  get(purpose: ChallengePurpose, subject: string): Promise<StoredChallenge | null>;
  /**
   * Deletes the challenge of (purpose, subject) if it is still `challenge` and live at `now`:
   * true for exactly one caller.
   */
  consume(
    purpose: ChallengePurpose,
    subject: string,
    challenge: string,
    now: number,
  ): Promise<boolean>;
}

export interface Passkey {
  /** The credential id, base64url. */
  id: string;
  userId: string;
  name: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  signCount: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface PasskeyUse {
  /** The count stored before this use: the write holds only if it is still the same. */
  previousSignCount: number;
  signCount: number;
  backedUp: boolean;
  lastUsedAt: string;
}

export interface PasskeyStore {
  /**
   * Stores the passkey and claims its credential id; false when any user holds that id.
   * `events` (its notice) are saved in the same transaction: both or neither.
   */
  add(passkey: Passkey, events?: readonly DomainEvent[]): Promise<boolean>;
  /** The user's passkeys, oldest first. */
  list(userId: string): Promise<Passkey[]>;
  /** The passkey with this credential id, whoever holds it. */
  find(credentialId: string): Promise<Passkey | null>;
  /** False when the user holds no such passkey. */
  rename(userId: string, credentialId: string, name: string): Promise<boolean>;
  /**
   * Deletes the passkey and its claim; false when the user holds no such passkey. `events` are
   * saved in the same transaction: both or neither.
   */
  remove(userId: string, credentialId: string, events?: readonly DomainEvent[]): Promise<boolean>;
  /** Records a use if the stored sign count is still `previousSignCount`. */
  recordUse(userId: string, credentialId: string, use: PasskeyUse): Promise<boolean>;
}

/** A credential as the verifier read it from a registration. */
interface RegisteredCredential {
  id: string;
  publicKey: string;
  signCount: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backedUp: boolean;
}

type VerifierRefusal = { ok: false; message: string };

export interface WebAuthnVerifier {
  /** Checks an attestation (`none` accepted) against the challenge, origins and rpId. */
  verifyRegistration(input: {
    response: unknown;
    expectedChallenge: string;
  }): Promise<{ ok: true; credential: RegisteredCredential } | VerifierRefusal>;
  /**
   * Checks an assertion against the challenge, origins, rpId and the stored public key; user
   * verification is required. Answers the authenticator's new sign count; comparing it with the
   * stored one is core's rule.
   */
  verifyAuthentication(input: {
    response: unknown;
    expectedChallenge: string;
    credential: Passkey;
  }): Promise<{ ok: true; signCount: number; backedUp: boolean } | VerifierRefusal>;
}

export interface RelyingParty {
  /** The domain passkeys are bound to (`WEBAUTHN_RP_ID`). */
  id: string;
  /** Shown by the authenticator (`WEBAUTHN_RP_NAME`). */
  name: string;
}

/** What the ceremonies share: challenges, credentials, the verifier, the relying party. */
export interface PasskeyCeremonyDeps {
  clock: Clock;
  random: Random;
  challenges: ChallengeStore;
  passkeys: PasskeyStore;
  relyingParty: RelyingParty;
}

export interface PasskeyDeps extends PasskeyCeremonyDeps {
  verifier: WebAuthnVerifier;
  users: Pick<UserStore, "get">;
  events: EventPublisher;
  /** Step-up for users with a code or an authenticator app. */
  secondFactor: SecondFactorDeps;
  /**
   * Ends the user's other sessions after a passkey is added or removed, as every factor change
   * does (`revokeOtherSessions` in `sessions.ts`).
   */
  revokeOtherSessions?: (
    userId: string,
    currentSessionId: string | undefined,
    source?: RequestSource,
  ) => Promise<unknown>;
}

/** The passkey as its owner sees it: never its public key or counters. */
export interface PublicPasskey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  backedUp: boolean;
  transports: string[];
}

function publicPasskey(passkey: Passkey): PublicPasskey {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt,
    lastUsedAt: passkey.lastUsedAt,
    backedUp: passkey.backedUp,
    transports: passkey.transports,
  };
}

/** WebAuthn's `user.id`: the user id's UTF-8 bytes, as the authenticator returns it. */
export function userHandleOf(userId: string): string {
  return Buffer.from(userId, "utf8").toString("base64url");
}

function userIdOfHandle(handle: string): string {
  return Buffer.from(handle, "base64url").toString("utf8");
}

export const passkeyInvalid = (
  message = "This passkey response is not valid.",
  field = "publicKeyCredential",
) => new DomainError("passkey_invalid", message, { field });
export const challengeExpired = () =>
  new DomainError(
    "passkey_challenge_expired",
    "This passkey challenge has expired or was already used; ask for new options.",
  );
const passkeyNotFound = () => new DomainError("passkey_not_found", "No such passkey.");

/** A fresh challenge for (purpose, subject), stored; answers it. */
export async function issueChallenge(
  deps: Pick<PasskeyCeremonyDeps, "clock" | "random" | "challenges">,
  purpose: ChallengePurpose,
  subject: string,
  notAfterEpochSeconds?: number,
): Promise<StoredChallenge> {
  const now = nowEpochSeconds(deps.clock);
  const challenge: StoredChallenge = {
    purpose,
    subject,
    challenge: Buffer.from(deps.random.bytes(CHALLENGE_BYTES)).toString("base64url"),
    expiresAtEpochSeconds: Math.min(
      now + PASSKEY_CHALLENGE_TTL_SECONDS,
      notAfterEpochSeconds ?? Number.POSITIVE_INFINITY,
    ),
  };
  await deps.challenges.put(challenge);
  return challenge;
}

/** `PublicKeyCredentialRequestOptionsJSON` for a challenge: what `startAuthentication` takes. */
export function requestOptions(
  relyingParty: RelyingParty,
  challenge: StoredChallenge,
  allow: Passkey[],
  now: number,
) {
  return {
    challenge: challenge.challenge,
    rpId: relyingParty.id,
    timeout: Math.max(1, challenge.expiresAtEpochSeconds - now) * 1000,
    userVerification: "required" as const,
    allowCredentials: allow.map((p) => ({
      type: "public-key" as const,
      id: p.id,
      transports: p.transports,
    })),
  };
}
export type PasskeyRequestOptions = ReturnType<typeof requestOptions>;

/** Where the user hears about a passkey: the current code channel, else any contact. */
function recipientFor(user: User): Recipient | undefined {
  const destination = codeDestination(user);
  if (destination) return { channel: destination.channel, to: destination.to };
  if (user.email) return { channel: "email", to: user.email };
  if (user.phoneNumber) return { channel: "sms", to: user.phoneNumber };
  return undefined;
}

/** The event that tells the user about one of their passkeys (added, removed or cloned). */
function passkeyEvent(
  deps: { random: Random; clock: Clock },
  user: User,
  type: "user.passkey.added" | "user.passkey.removed" | "user.passkey.cloned",
  passkey: Pick<Passkey, "id" | "name">,
  source: RequestSource | undefined,
): DomainEvent {
  const recipient = recipientFor(user);
  return {
    id: randomId(deps.random, "evt_"),
    type,
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: user.locale as Locale,
    userId: user.id,
    ...(source ? { source } : {}),
    ...(recipient ? { recipient } : {}),
    data: { userId: user.id, name: passkey.name, credentialId: passkey.id },
  };
}

/** Publishes a passkey event on its own: a cloned passkey, where nothing else is written. */
export function publishPasskeyEvent(
  deps: { events: EventPublisher; random: Random; clock: Clock },
  user: User,
  type: "user.passkey.cloned",
  passkey: Pick<Passkey, "id" | "name">,
  source: RequestSource | undefined,
): Promise<void> {
  return deps.events.publish(passkeyEvent(deps, user, type, passkey, source));
}

export interface PasskeyStepUp {
  /** A current second factor (a code, a TOTP or backup code) for users who have one. */
  otp?: string | undefined;
  locale: Locale;
  source?: RequestSource;
}

/**
 * Step-up before a passkey is added or removed, as for every factor change: users with an SMS,
 * email or app factor confirm with a current one (`otp`). A user whose only factor is passkeys
 * holds a session that only a passkey sign-in could create (the password grant and password
 * sign-ins ask them for a passkey), so the session itself is that proof.
 */
async function requireStepUp(deps: PasskeyDeps, user: User, input: PasskeyStepUp): Promise<void> {
  if (user.authMethod === "simple") return;
  if (input.otp === undefined || input.otp === "") {
    if (codeDestination(user)) {
      await requireOtp(deps.secondFactor, user, input.locale, input.source?.ip, "step_up");
    }
    throw new DomainError(
      "second_factor_required",
      "Confirm with a current second factor: send otp, a code from your authenticator app or a backup code.",
      { field: "otp", extra: { auth_method: user.authMethod } },
    );
  }
  const outcome = await checkLoginOtp(deps.secondFactor, user, input.otp, "step_up");
  if (!outcome.ok) throw otpFailure(outcome);
}

/**
 * `POST /v1/user/passkeys/registration_options`: `PublicKeyCredentialCreationOptionsJSON` with a
 * fresh challenge (resident key and user verification required, attestation `none`, the user's
 * passkeys excluded).
 */
export async function passkeyRegistrationOptions(
  deps: PasskeyDeps,
  user: User,
  input: PasskeyStepUp,
) {
  await requireStepUp(deps, user, input);
  const existing = await deps.passkeys.list(user.id);
  const challenge = await issueChallenge(deps, "registration", user.id);
  return {
    rp: { name: deps.relyingParty.name, id: deps.relyingParty.id },
    user: { id: userHandleOf(user.id), name: user.username, displayName: user.username },
    challenge: challenge.challenge,
    pubKeyCredParams: COSE_ALGORITHMS.map((alg) => ({ type: "public-key" as const, alg })),
    timeout: PASSKEY_CHALLENGE_TTL_SECONDS * 1000,
    excludeCredentials: existing.map((p) => ({
      type: "public-key" as const,
      id: p.id,
      transports: p.transports,
    })),
    authenticatorSelection: {
      residentKey: "required" as const,
      requireResidentKey: true,
      userVerification: "required" as const,
    },
    attestation: "none" as const,
    extensions: { credProps: true },
  };
}

function cleanName(name: string | undefined, fallback: string): string {
  const trimmed = (name ?? "").trim();
  return trimmed === "" ? fallback : trimmed.slice(0, PASSKEY_NAME_MAX);
}

/** The challenge a response signed, read from its `clientDataJSON` (null when unreadable). */
function signedChallenge(response: unknown): string | null {
  const clientData = (response as { response?: { clientDataJSON?: unknown } } | null)?.response
    ?.clientDataJSON;
  if (typeof clientData !== "string") return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientData, "base64url").toString("utf8"));
    const challenge = (parsed as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === "string" ? challenge : null;
  } catch {
    return null;
  }
}

/**
 * `POST /v1/user/passkeys`: verifies the attestation against the registration challenge
 * (consumed first: one attestation per challenge), stores the passkey and, in the same write,
 * the notice that tells the user.
 */
export async function addPasskey(
  deps: PasskeyDeps,
  user: User,
  input: {
    credential: unknown;
    name?: string | undefined;
    source?: RequestSource;
    sessionId?: string | undefined;
  },
): Promise<PublicPasskey> {
  const now = nowEpochSeconds(deps.clock);
  const stored = await deps.challenges.get("registration", user.id);
  if (!stored || stored.expiresAtEpochSeconds <= now) throw challengeExpired();
  if (signedChallenge(input.credential) !== stored.challenge) {
    throw passkeyInvalid(
      "This response does not answer the current registration options.",
      "credential",
    );
  }
  if (!(await deps.challenges.consume("registration", user.id, stored.challenge, now))) {
    throw challengeExpired();
  }
  const verified = await deps.verifier.verifyRegistration({
    response: input.credential,
    expectedChallenge: stored.challenge,
  });
  if (!verified.ok) throw passkeyInvalid(verified.message, "credential");
  const count = (await deps.passkeys.list(user.id)).length;
  const passkey: Passkey = {
    ...verified.credential,
    userId: user.id,
    name: cleanName(input.name, `${DEFAULT_PASSKEY_NAME} ${count + 1}`),
    createdAt: new Date(deps.clock.nowMs()).toISOString(),
    lastUsedAt: null,
  };
  const added = passkeyEvent(deps, user, "user.passkey.added", passkey, input.source);
  if (!(await deps.passkeys.add(passkey, [added]))) {
    throw new DomainError("passkey_already_registered", "This passkey is already registered.", {
      field: "credential",
    });
  }
  await deps.revokeOtherSessions?.(user.id, input.sessionId, input.source);
  return publicPasskey(passkey);
}

export async function listPasskeys(
  deps: Pick<PasskeyCeremonyDeps, "passkeys">,
  user: User,
): Promise<PublicPasskey[]> {
  return (await deps.passkeys.list(user.id)).map(publicPasskey);
}

export async function renamePasskey(
  deps: Pick<PasskeyCeremonyDeps, "passkeys">,
  user: User,
  credentialId: string,
  name: string,
): Promise<PublicPasskey> {
  const cleaned = cleanName(name, DEFAULT_PASSKEY_NAME);
  if (!(await deps.passkeys.rename(user.id, credentialId, cleaned))) throw passkeyNotFound();
  const renamed = (await deps.passkeys.list(user.id)).find((p) => p.id === credentialId);
  if (!renamed) throw passkeyNotFound();
  return publicPasskey(renamed);
}

/**
 * `DELETE /v1/user/passkeys/{id}`: a current second factor first; the user is told and, where
 * session control is composed, their other sessions end.
 */
export async function removePasskey(
  deps: PasskeyDeps,
  user: User,
  credentialId: string,
  input: PasskeyStepUp & { sessionId?: string | undefined },
): Promise<void> {
  const passkey = (await deps.passkeys.list(user.id)).find((p) => p.id === credentialId);
  if (!passkey) throw passkeyNotFound();
  await requireStepUp(deps, user, input);
  const removed = passkeyEvent(deps, user, "user.passkey.removed", passkey, input.source);
  if (!(await deps.passkeys.remove(user.id, credentialId, [removed]))) throw passkeyNotFound();
  await deps.revokeOtherSessions?.(user.id, input.sessionId, input.source);
}

/** The credential id and user handle an assertion names, as sent. */
function assertionIdentity(response: unknown): { id: string; userHandle: string | null } {
  const r = response as { id?: unknown; response?: { userHandle?: unknown } } | null;
  return {
    id: typeof r?.id === "string" ? r.id : "",
    userHandle: typeof r?.response?.userHandle === "string" ? r.response.userHandle : null,
  };
}

export type AssertionOutcome =
  | { ok: true; passkey: Passkey }
  | { ok: false; error: DomainError; cloned?: Passkey };

/**
 * Checks an assertion for a sign-in's challenge: the credential must be one of `candidates`
 * (the user's passkeys) or, with none given, be found by its id and name its owner in
 * `userHandle`. On success the challenge is consumed (one assertion per challenge) and the
 * use recorded. The caller counts the attempt against the user's lockout.
 */
export async function checkAssertion(
  deps: PasskeyCeremonyDeps & { verifier: WebAuthnVerifier },
  challenge: StoredChallenge,
  response: unknown,
  passkey: Passkey | null,
): Promise<AssertionOutcome> {
  const now = nowEpochSeconds(deps.clock);
  if (!passkey) return { ok: false, error: passkeyInvalid() };
  const { userHandle } = assertionIdentity(response);
  if (userHandle !== null && userIdOfHandle(userHandle) !== passkey.userId) {
    return { ok: false, error: passkeyInvalid() };
  }
  const verified = await deps.verifier.verifyAuthentication({
    response,
    expectedChallenge: challenge.challenge,
    credential: passkey,
  });
  // Every refusal reads alike, an unknown credential's too: nothing tells which check failed.
  if (!verified.ok) return { ok: false, error: passkeyInvalid() };
  if (
    (passkey.signCount > 0 || verified.signCount > 0) &&
    verified.signCount <= passkey.signCount
  ) {
    return {
      ok: false,
      cloned: passkey,
      error: new DomainError(
        "passkey_cloned",
        "This passkey's signature counter went backwards: it may have been cloned, so it is refused.",
        { field: "publicKeyCredential" },
      ),
    };
  }
  if (
    !(await deps.challenges.consume(challenge.purpose, challenge.subject, challenge.challenge, now))
  ) {
    return { ok: false, error: challengeExpired() };
  }
  const recorded = await deps.passkeys.recordUse(passkey.userId, passkey.id, {
    previousSignCount: passkey.signCount,
    signCount: verified.signCount,
    backedUp: verified.backedUp,
    lastUsedAt: new Date(deps.clock.nowMs()).toISOString(),
  });
  if (!recorded) return { ok: false, error: passkeyInvalid("This passkey was used meanwhile.") };
  return { ok: true, passkey };
}

/** The user a passkey-only sign-in names: from the credential, checked against `userHandle`. */
export function userIdOfAssertion(response: unknown): string | null {
  const { userHandle } = assertionIdentity(response);
  return userHandle === null ? null : userIdOfHandle(userHandle);
}
