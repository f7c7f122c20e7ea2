/**
 * Authenticator apps (DocSpace's "tfaapp"): setup, validation that links the app, backup codes
 * and unlinking. An enrollment is pending — in an item of its own, never on the user — until
 * its first code is validated; linking, replacing and unlinking are each one transaction
 * conditional on the user's version. Replacing or removing an active second factor needs a
 * current one (step-up), and the user is told.
 *
 * Backup codes are shown once: `validate` seals the fresh codes for a single later read of
 * `GET tfaappcodes` (the DocSpace UI reads them there right after linking) and `newcodes`
 * returns them in its own response. Afterwards only their status is known: they are stored as
 * keyed hashes.
 */
import { totpSecretContext } from "./authenticator-app-codes.js";
import { generateBackupCodes, hashBackupCode } from "./backup-codes.js";
import { codeDestination } from "./contacts.js";
import { open, seal } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, Locale, Recipient } from "./events.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import { type SecondFactorDeps, settleAttempt, userNotice } from "./second-factor.js";
import { revokeOtherSessions, type SessionDeps } from "./sessions.js";
import { checkLoginOtp, lockedError, otpFailure, requestSource, requireOtp } from "./tokens.js";
import {
  createTotpKeyUri,
  createTotpSecret,
  formatManualEntryKey,
  isWellFormedOtp,
  verifyTotp,
} from "./totp.js";
import type { SelectableAuthMethod, TotpFactor, User, UserStore } from "./users.js";

/** A pending enrollment lives long enough to find the phone and scan the code; then it is gone. */
export const PENDING_ENROLLMENT_TTL_SECONDS = 15 * 60;
/**
 * A setup within this long of the pending enrollment's creation shows the same secret again
 * (a reloaded setup page must not invalidate the code just scanned); later, a new secret
 * replaces it. 10 of 15 minutes: a secret shown again always has 5 minutes left to validate.
 */
export const PENDING_ENROLLMENT_REUSE_SECONDS = 10 * 60;
/** Fresh backup codes can be read back once, within this long of their creation. */
export const BACKUP_CODES_REVEAL_SECONDS = 10 * 60;

function backupRevealContext(userId: string): string {
  return `backup-codes:${userId}`;
}

export interface PendingEnrollment {
  sealedSecret: string;
  createdAtEpochSeconds: number;
  expiresAtEpochSeconds: number;
}

export interface NewBackupCodes {
  /** Keyed hashes; a code's position (shown order) is its index. */
  hashes: string[];
  /** When they were made (ISO 8601). */
  createdAt: string;
  /** The plaintext codes, sealed, for one later read; absent when they are returned at once. */
  reveal?: { sealedCodes: string; expiresAtEpochSeconds: number };
}

export interface BackupCodeState {
  position: number;
  used: boolean;
}

/**
 * The authenticator-app aggregate's persistence: the pending enrollment, the linked app's
 * factor on the user, its backup codes and their one-time reveal. Every write is one
 * conditional write or transaction; the store decides nothing else.
 */
export interface AuthenticatorAppStore {
  /**
   * Stores `candidate` as the user's pending enrollment unless one created at or after
   * `reuseFrom` is still live; answers the enrollment in force. Concurrent setups agree.
   */
  keepPending(
    userId: string,
    candidate: PendingEnrollment,
    reuseFrom: number,
    nowEpochSeconds: number,
  ): Promise<PendingEnrollment>;
  getPending(userId: string, nowEpochSeconds: number): Promise<PendingEnrollment | null>;
  /**
   * In one transaction, if the user is still at `user.version` and `pending` is still the
   * pending enrollment: sets `next` (its totp, authMethod, previousAuthMethod, version),
   * deletes the pending enrollment, replaces the backup codes. False when anything moved.
   */
  link(
    user: User,
    next: User,
    pending: PendingEnrollment,
    codes: NewBackupCodes,
    events?: readonly DomainEvent[],
  ): Promise<boolean>;
  /** Replaces all backup codes if the user is still at `user.version` with the same app. */
  replaceBackupCodes(
    user: User,
    codes: NewBackupCodes,
    events?: readonly DomainEvent[],
  ): Promise<boolean>;
  /** Removes the app, its backup codes and any pending enrollment; sets `next.authMethod`. */
  unlink(user: User, next: User, events?: readonly DomainEvent[]): Promise<boolean>;
  // Each write above saves `events` in its own transaction: the change and its notices are
  // saved both or neither.
  listBackupCodes(userId: string): Promise<BackupCodeState[]>;
  /** The sealed fresh codes, deleted by this read: one caller gets them, once. */
  takeBackupCodeReveal(userId: string, nowEpochSeconds: number): Promise<string | null>;
  /**
   * Records `step` as the last used TOTP step, if the linked app is still the one sealed as
   * `sealedSecret` and no step at or after `step` was recorded (the user's version moves
   * with it). False when another request recorded it first: a replay.
   */
  advanceTotpStep(userId: string, sealedSecret: string, step: number): Promise<boolean>;
  /** Marks the unused backup code with this keyed hash used at `usedAt`; false when none is. */
  spendBackupCode(userId: string, codeHash: string, usedAt: string): Promise<boolean>;
}

export interface AuthenticatorAppSetupDeps {
  clock: Clock;
  random: Random;
  store: AuthenticatorAppStore;
  encryptionKey: Uint8Array;
  /** The issuer shown in authenticator apps (the service's name). */
  issuer: string;
}

export interface AuthenticatorAppDeps extends AuthenticatorAppSetupDeps {
  users: Pick<UserStore, "get">;
  secondFactor: SecondFactorDeps;
  backupCodeHashKey: Uint8Array;
  /** When every customer must keep a TFA method, unlinking may not fall back to `simple`. */
  requireTfa: boolean;
  /** Linking or unlinking an app ends the user's other sessions. */
  sessions: SessionDeps;
}

export interface AuthenticatorAppSetup {
  account: string;
  manualEntryKey: string;
  /** The `otpauth://` URI; the handler renders it as a QR code. */
  keyUri: string;
}

export interface StepUpInput {
  /** A current second factor: a TOTP or backup code for app users, a login code otherwise. */
  otp?: string | undefined;
  locale: Locale;
  sourceIp?: string;
  userAgent?: string;
  /** The session that asks (none for an enrollment token): the one a factor change keeps. */
  sessionId?: string;
}

const notSetUp = () =>
  new DomainError(
    "tfa_app_not_set_up",
    "No authenticator app is being set up: call GET /api/2.0/settings/tfaapp/setup first.",
  );
const noAuthenticatorApp = () =>
  new DomainError("tfa_app_not_set_up", "No authenticator app is linked to this account.");
const changedMeanwhile = () =>
  new DomainError("conflict", "The account changed meanwhile; try again.");

/** Creates (or shows again, while fresh) the pending enrollment of a new authenticator app. */
export async function setupAuthenticatorApp(
  deps: AuthenticatorAppSetupDeps,
  user: User,
): Promise<AuthenticatorAppSetup> {
  const now = nowEpochSeconds(deps.clock);
  const secret = createTotpSecret((n) => deps.random.bytes(n));
  const context = totpSecretContext(user.id);
  const candidate: PendingEnrollment = {
    sealedSecret: seal(deps.encryptionKey, secret, context, deps.random),
    createdAtEpochSeconds: now,
    expiresAtEpochSeconds: now + PENDING_ENROLLMENT_TTL_SECONDS,
  };
  const inForce = await deps.store.keepPending(
    user.id,
    candidate,
    now - PENDING_ENROLLMENT_REUSE_SECONDS,
    now,
  );
  const secretInForce =
    inForce.sealedSecret === candidate.sealedSecret
      ? secret
      : open(deps.encryptionKey, inForce.sealedSecret, context);
  const account = user.email ?? user.username;
  return {
    account,
    manualEntryKey: formatManualEntryKey(secretInForce),
    keyUri: createTotpKeyUri({
      secretBase32: secretInForce,
      issuer: deps.issuer,
      accountName: account,
    }),
  };
}

/**
 * Checks the first code of the pending app and, when right, links it (DocSpace `validate`).
 * A malformed code spends nothing; every evaluation counts against the user's lockout. While
 * another second factor is active, replacing it needs that factor first (`otp`).
 */
export async function validateAuthenticatorApp(
  deps: AuthenticatorAppDeps,
  user: User,
  input: StepUpInput & { code: unknown },
): Promise<boolean> {
  const now = nowEpochSeconds(deps.clock);
  const pending = await deps.store.getPending(user.id, now);
  if (!pending) throw notSetUp();
  if (!isWellFormedOtp(input.code)) return false;
  const current = await requireCurrentSecondFactor(deps, user, input);

  const secretBase32 = open(deps.encryptionKey, pending.sealedSecret, totpSecretContext(user.id));
  const code = input.code;
  const step = await guardedEvaluation(deps.secondFactor, current, async () => {
    const result = await verifyTotp({
      secretBase32,
      code,
      nowEpochSeconds: now,
      lastUsedStep: null,
    });
    return result.ok ? result.step : null;
  });
  if (step === null) return false;

  const linkedAt = new Date(deps.clock.nowMs()).toISOString();
  const totp: TotpFactor = { sealedSecret: pending.sealedSecret, lastUsedStep: step, linkedAt };
  const next: User = {
    ...current,
    totp,
    authMethod: "totp",
    previousAuthMethod:
      current.authMethod === "totp" ? (current.previousAuthMethod ?? "simple") : current.authMethod,
    version: current.version + 1,
  };
  const codes = generateBackupCodes((n) => deps.random.bytes(n));
  const notice = userNotice(deps.secondFactor, next, "user.tfa.enabled", recipientFor(current), {
    method: "totp",
  });
  const linked = await deps.store.link(
    current,
    next,
    pending,
    {
      hashes: codes.map((c) => hashBackupCode(c, deps.backupCodeHashKey)),
      createdAt: linkedAt,
      reveal: {
        sealedCodes: seal(
          deps.encryptionKey,
          JSON.stringify(codes),
          backupRevealContext(user.id),
          deps.random,
        ),
        expiresAtEpochSeconds: now + BACKUP_CODES_REVEAL_SECONDS,
      },
    },
    [notice],
  );
  if (!linked) throw changedMeanwhile();
  await revokeOtherSessions(deps.sessions, user.id, input.sessionId, requestSource(input));
  return true;
}

export interface BackupCodeView {
  isUsed: boolean;
  /** The code itself only on the first read after its creation; null afterwards. */
  code: string | null;
}

/** The backup codes' status; the codes themselves once, right after linking. */
export async function listBackupCodes(
  deps: Pick<AuthenticatorAppSetupDeps, "clock" | "store" | "encryptionKey">,
  user: User,
): Promise<BackupCodeView[]> {
  if (!user.totp) return [];
  const sealed = await deps.store.takeBackupCodeReveal(user.id, nowEpochSeconds(deps.clock));
  const revealed = sealed === null ? [] : openCodes(deps.encryptionKey, sealed, user.id);
  const states = await deps.store.listBackupCodes(user.id);
  return states
    .sort((a, b) => a.position - b.position)
    .map((state) => ({ isUsed: state.used, code: revealed[state.position] ?? null }));
}

function openCodes(key: Uint8Array, sealed: string, userId: string): string[] {
  const parsed: unknown = JSON.parse(open(key, sealed, backupRevealContext(userId)));
  return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === "string") : [];
}

/** New backup codes for the linked app (step-up first); the old ones stop working. */
export async function regenerateBackupCodes(
  deps: AuthenticatorAppDeps,
  user: User,
  input: StepUpInput,
): Promise<BackupCodeView[]> {
  if (!user.totp) throw noAuthenticatorApp();
  const current = await requireCurrentSecondFactor(deps, user, input);
  if (!current.totp) throw noAuthenticatorApp();
  const codes = generateBackupCodes((n) => deps.random.bytes(n));
  // The old codes stop working: if this was not the user, they must hear of it.
  const notice = userNotice(
    deps.secondFactor,
    current,
    "user.backup_codes.regenerated",
    recipientFor(current),
  );
  const replaced = await deps.store.replaceBackupCodes(
    current,
    {
      hashes: codes.map((c) => hashBackupCode(c, deps.backupCodeHashKey)),
      createdAt: new Date(deps.clock.nowMs()).toISOString(),
    },
    [notice],
  );
  if (!replaced) throw changedMeanwhile();
  return codes.map((code) => ({ isUsed: false, code }));
}

/**
 * Unlinks the app (step-up first) and returns to the method used before it, when its contact
 * is still there, else to `simple` (refused where TFA is required).
 */
export async function unlinkAuthenticatorApp(
  deps: AuthenticatorAppDeps,
  user: User,
  input: StepUpInput,
) {
  if (!user.totp) throw noAuthenticatorApp();
  const current = await requireCurrentSecondFactor(deps, user, input);
  if (!current.totp) throw noAuthenticatorApp();
  const restored = restorableMethod(current);
  if (restored === "simple" && deps.requireTfa) {
    throw new DomainError(
      "tfa_required",
      "Two-factor authentication is required: choose tfa_sms or tfa_email before unlinking the app.",
    );
  }
  const next: User = { ...current, authMethod: restored, version: current.version + 1 };
  delete next.totp;
  delete next.previousAuthMethod;
  const recipient = recipientFor(current);
  const notice =
    restored === "simple"
      ? userNotice(deps.secondFactor, next, "user.tfa.disabled", recipient)
      : // TFA stays on with the earlier method: what changed is the factor.
        userNotice(deps.secondFactor, next, "user.contact.changed", recipient, {
          what: "authenticator app",
        });
  if (!(await deps.store.unlink(current, next, [notice]))) throw changedMeanwhile();
  await revokeOtherSessions(deps.sessions, user.id, input.sessionId, requestSource(input));
  return next;
}

function restorableMethod(user: User): SelectableAuthMethod {
  const previous = user.previousAuthMethod ?? "simple";
  if (previous === "tfa_sms" && !user.phoneNumber) return "simple";
  if (previous === "tfa_email" && !user.email) return "simple";
  return previous;
}

/** Where the user hears about a factor change: the current code channel, else any contact. */
function recipientFor(user: User): Recipient | undefined {
  const destination = codeDestination(user);
  if (destination) return { channel: destination.channel, to: destination.to };
  if (user.email) return { channel: "email", to: user.email };
  if (user.phoneNumber) return { channel: "sms", to: user.phoneNumber };
  return undefined;
}

/**
 * Step-up: a user with an active second factor proves it before changing factors. App users
 * send a TOTP or backup code as `otp` (none is sent to them: without one, 403
 * `second_factor_required`); SMS and email users get a code and `otp_required`, as on
 * `PATCH /v1/user`. Answers the user as stored after the check (a TOTP check moves its
 * version).
 */
async function requireCurrentSecondFactor(
  deps: AuthenticatorAppDeps,
  user: User,
  input: StepUpInput,
): Promise<User> {
  if (user.authMethod === "simple") return user;
  if (input.otp === undefined || input.otp === "") {
    if (codeDestination(user)) {
      await requireOtp(deps.secondFactor, user, input.locale, input.sourceIp, "step_up");
    }
    throw new DomainError(
      "second_factor_required",
      "Confirm with a current second factor: send otp, a code from your authenticator app or a backup code.",
      { field: "otp", extra: { auth_method: user.authMethod } },
    );
  }
  const outcome = await checkLoginOtp(deps.secondFactor, user, input.otp, "step_up");
  if (!outcome.ok) throw otpFailure(outcome);
  const fresh = await deps.users.get(user.id);
  if (!fresh) throw changedMeanwhile();
  return fresh;
}

/**
 * One evaluation under the user's lockout, as `attemptSecondFactor` does it: the attempt is
 * counted before the code is looked at, a success resets the count, the failure that reaches
 * the limit tells the user.
 */
async function guardedEvaluation<T>(
  deps: SecondFactorDeps,
  user: User,
  evaluate: () => Promise<T | null>,
): Promise<T | null> {
  const now = nowEpochSeconds(deps.clock);
  const reserved = await deps.guard.reserve(user.id, now, deps.lockout, "totp");
  if (!reserved.ok) throw lockedError(reserved.retryAfterSeconds);
  const result = await evaluate();
  await settleAttempt(deps, user, reserved, result !== null);
  return result;
}
