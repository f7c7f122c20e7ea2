/**
 * The admin API's actions on a user: what an operator sees (factors, lock, sessions, devices;
 * never a secret or a hash), an unlock, and a reset of every second factor for a user who lost
 * theirs. Each action is a security event with the admin as actor, in the user's log, in the
 * admin audit log and to webhooks.
 *
 * A reset removes every second factor (the method back to password only, the authenticator app
 * and its backup codes, every passkey), clears the lock and any pending login code, and tells
 * the user on every channel they have, all in one transaction: the change and its notices
 * happen both or neither. Every session then ends and every remembered device is forgotten.
 * The next login follows the service's policy: where TFA is required, the user enrolls again.
 */
import { maskEmail, maskPhoneNumber } from "./contacts.js";
import type { DeviceSettings } from "./devices.js";
import { listDevices, type PublicDevice } from "./devices.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, EventPublisher, EventType, Recipient, RequestSource } from "./events.js";
import { type AttemptGuard, type LockoutRecord, refusalSeconds, unlock } from "./lockout.js";
import type { PasskeyStore } from "./passkeys.js";
import type { LockoutPolicy } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import {
  ADMIN_ACTOR,
  type AdminAuditLogStore,
  isoSeconds,
  listAdminEvents,
  logOnlyEvent,
  type SecurityLogPage,
  shownSource,
} from "./security-log.js";
import { endEverySession, type SessionDeps } from "./sessions.js";
import type { RefreshTokenStore } from "./tokens.js";
import type { User, UserStore } from "./users.js";

/** The lockout state as stored, read for an operator; null when the user never failed. */
export interface LockoutReader {
  read(userId: string): Promise<LockoutRecord | null>;
}

/** Backup codes as counted for an operator: how many exist and how many are left. */
interface BackupCodeCounter {
  listBackupCodes(userId: string): Promise<{ used: boolean }[]>;
}

/** The write of a reset: one transaction, or nothing. */
export interface SecondFactorResetStore {
  /**
   * If the user is still at `user.version`: writes `next` (password only, no authenticator
   * app), deletes the app's pending enrollment, backup codes and their reveal, every passkey
   * and its credential claim, the lockout record and any pending login or step-up code, and
   * saves `events`, all in one transaction. False when the user changed meanwhile.
   */
  reset(user: User, next: User, events: readonly DomainEvent[]): Promise<boolean>;
}

interface AdminBase {
  clock: Clock;
  random: Random;
  events: EventPublisher;
  users: Pick<UserStore, "get">;
}

export interface AdminViewDeps extends AdminBase {
  lockout: LockoutPolicy;
  lockouts: LockoutReader;
  backupCodes: BackupCodeCounter;
  passkeys: Pick<PasskeyStore, "list">;
  refreshTokens: Pick<RefreshTokenStore, "listSessions">;
  devices: DeviceSettings;
}

export interface AdminUnlockDeps extends AdminBase {
  guard: Pick<AttemptGuard, "reset">;
}

export interface AdminResetDeps extends AdminBase {
  store: SecondFactorResetStore;
  sessions: SessionDeps;
}

/** A session as an operator sees it: where and when, never a token. */
interface AdminSession {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  createdFrom: { ip: string | null; userAgent: string | null };
  lastUsedFrom: { ip: string | null; userAgent: string | null };
}

export interface AdminUserView {
  id: string;
  username: string;
  locale: string;
  createdAt: string;
  factors: {
    authMethod: User["authMethod"];
    /** The verified phone number and email address, masked. */
    phoneNumber: string | null;
    email: string | null;
    authenticatorApp: { linked: boolean; linkedAt: string | null };
    backupCodes: { total: number; remaining: number };
    passkeys: { id: string; name: string; createdAt: string; lastUsedAt: string | null }[];
  };
  lock: {
    locked: boolean;
    lockedUntil: string | null;
    consecutiveFailures: number;
    /** Factors the hard cap disabled until a success with another factor or an unlock. */
    disabledFactors: string[];
  };
  sessions: AdminSession[];
  devices: PublicDevice[];
}

export interface ResetOutcome {
  id: string;
  authMethod: User["authMethod"];
  sessionsRevoked: number;
  devicesForgotten: number;
  /** Where the user was told, masked. */
  notified: { channel: "sms" | "email"; to: string }[];
}

const USER_ID = /^usr_[A-Za-z0-9_-]{1,64}$/;

const userNotFound = () => new DomainError("user_not_found", "No such user.");

async function findUser(deps: AdminBase, userId: string): Promise<User> {
  const user = USER_ID.test(userId) ? await deps.users.get(userId) : null;
  if (!user) throw userNotFound();
  return user;
}

/** An admin action's event: the admin is the actor, the request its source. */
export function adminEvent(
  deps: { random: Random; clock: Clock },
  type: Extract<EventType, `admin.${string}`>,
  userId: string | undefined,
  source: RequestSource | undefined,
  data: Record<string, string | number> = {},
): DomainEvent {
  return logOnlyEvent(
    deps,
    type,
    { userId, source },
    { actor: ADMIN_ACTOR, ...(userId === undefined ? {} : { userId }), ...data },
  );
}

function lockState(record: LockoutRecord | null, now: number, policy: LockoutPolicy) {
  if (record === null) {
    return { locked: false, lockedUntil: null, consecutiveFailures: 0, disabledFactors: [] };
  }
  const disabled = record.total >= policy.hardCapFailures ? [...record.failedFactors].sort() : [];
  const wait = refusalSeconds(record, now, policy);
  return {
    locked: wait > 0 || disabled.length > 0,
    lockedUntil: wait > 0 && Number.isFinite(wait) ? isoSeconds(now + wait) : null,
    consecutiveFailures: record.total,
    disabledFactors: disabled,
  };
}

/** `GET /v1/admin/users/{id}`: the user's factors, lock, sessions and devices. */
export async function viewUser(
  deps: AdminViewDeps,
  userId: string,
  source?: RequestSource,
): Promise<AdminUserView> {
  const user = await findUser(deps, userId);
  const now = nowEpochSeconds(deps.clock);
  const [record, codes, passkeys, sessions, devices] = await Promise.all([
    deps.lockouts.read(user.id),
    user.totp ? deps.backupCodes.listBackupCodes(user.id) : Promise.resolve([]),
    deps.passkeys.list(user.id),
    deps.refreshTokens.listSessions(user.id),
    listDevices(deps, user.id),
  ]);
  await deps.events.publish(adminEvent(deps, "admin.user.viewed", user.id, source));
  return {
    id: user.id,
    username: user.username,
    locale: user.locale,
    createdAt: user.createdAt,
    factors: {
      authMethod: user.authMethod,
      phoneNumber: user.phoneNumber === undefined ? null : maskPhoneNumber(user.phoneNumber),
      email: user.email === undefined ? null : maskEmail(user.email),
      authenticatorApp: { linked: user.totp !== undefined, linkedAt: user.totp?.linkedAt ?? null },
      backupCodes: { total: codes.length, remaining: codes.filter((c) => !c.used).length },
      passkeys: passkeys.map((p) => ({
        id: p.id,
        name: p.name,
        createdAt: p.createdAt,
        lastUsedAt: p.lastUsedAt,
      })),
    },
    lock: lockState(record, now, deps.lockout),
    sessions: sessions
      .filter(
        (s) => !s.revoked && s.expiresAtEpochSeconds > now && s.idleExpiresAtEpochSeconds > now,
      )
      .sort((a, b) => b.lastUsedAtEpochSeconds - a.lastUsedAtEpochSeconds)
      .map((s) => ({
        id: s.id,
        createdAt: isoSeconds(s.createdAtEpochSeconds),
        lastUsedAt: isoSeconds(s.lastUsedAtEpochSeconds),
        expiresAt: isoSeconds(Math.min(s.expiresAtEpochSeconds, s.idleExpiresAtEpochSeconds)),
        createdFrom: shownSource(s.createdFrom),
        lastUsedFrom: shownSource(s.lastUsedFrom),
      })),
    devices,
  };
}

/**
 * `POST /v1/admin/users/{id}/unlock`: ends a lock and re-enables the factors the hard cap
 * disabled (`user.unlocked`, by `reset`), as an admin action.
 */
export async function unlockUser(
  deps: AdminUnlockDeps,
  userId: string,
  source?: RequestSource,
): Promise<void> {
  const user = await findUser(deps, userId);
  await unlock(deps, user, source);
  await deps.events.publish(adminEvent(deps, "admin.user.unlocked", user.id, source));
}

/** Every channel the user can be told on: the verified phone by SMS, the email by email. */
function everyChannel(user: User): Recipient[] {
  return [
    ...(user.phoneNumber ? [{ channel: "sms" as const, to: user.phoneNumber }] : []),
    ...(user.email ? [{ channel: "email" as const, to: user.email }] : []),
  ];
}

/** A write that lost a race is tried again on the user as it now is, this many times. */
const RESET_RETRIES = 3;

/**
 * `POST /v1/admin/users/{id}/reset_second_factors`: removes every second factor, clears the
 * lock, tells the user on every channel (one transaction), then ends every session and
 * forgets every device.
 */
export async function resetSecondFactors(
  deps: AdminResetDeps,
  userId: string,
  source?: RequestSource,
): Promise<ResetOutcome> {
  let user = await findUser(deps, userId);
  let recipients: Recipient[] = [];
  for (let attempt = 0; ; attempt++) {
    const next: User = { ...user, authMethod: "simple", version: user.version + 1 };
    delete next.totp;
    delete next.previousAuthMethod;
    recipients = everyChannel(user);
    const notices = recipients.map(
      (recipient): DomainEvent => ({
        ...logOnlyEvent(deps, "user.second_factors.reset", {
          userId: user.id,
          source,
          locale: user.locale,
        }),
        recipient,
      }),
    );
    const audit = adminEvent(deps, "admin.user.second_factors_reset", user.id, source, {
      previousAuthMethod: user.authMethod,
    });
    if (await deps.store.reset(user, next, [...notices, audit])) break;
    if (attempt >= RESET_RETRIES) {
      throw new DomainError("conflict", "The user changed meanwhile; try again.");
    }
    user = await findUser(deps, userId);
  }
  const ended = await endEverySession(deps.sessions, user.id, source);
  return {
    id: user.id,
    authMethod: "simple",
    sessionsRevoked: ended.sessions,
    devicesForgotten: ended.devices,
    notified: recipients.map((r) => ({
      channel: r.channel,
      to: r.channel === "sms" ? maskPhoneNumber(r.to) : maskEmail(r.to),
    })),
  };
}

/** `GET /v1/admin/security_events`: a page of the admin audit log; the read is logged after. */
export async function listAdminAuditLog(
  deps: { clock: Clock; random: Random; events: EventPublisher; log: AdminAuditLogStore },
  cursor: string | undefined,
  source?: RequestSource,
): Promise<SecurityLogPage> {
  const page = await listAdminEvents(deps, cursor);
  await deps.events.publish(adminEvent(deps, "admin.security_events.listed", undefined, source));
  return page;
}
