/**
 * A user's security log: every domain event that names a user becomes one entry, kept for a
 * configurable number of days. An entry says when, what, from where (source IP and user agent)
 * and with what outcome, with the event's public data only: a sealed code never enters it, and
 * contacts appear masked.
 *
 * The admin audit log: every admin action (`admin.*`) is an entry there too, with the user it
 * concerns, whether or not it names one; webhooks deliver them like any other event.
 */
import { maskEmail, maskPhoneNumber } from "./contacts.js";
import { randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, EventPublisher, EventType, Locale, RequestSource } from "./events.js";
import type { Clock, Random } from "./ports.js";
import type { User } from "./users.js";

type SecurityOutcome = "success" | "failure";

export interface SecurityLogEntry {
  id: string;
  type: EventType;
  occurredAt: string;
  outcome: SecurityOutcome;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, string | number>;
}

export interface SecurityLogPage {
  events: SecurityLogEntry[];
  /** Opaque; passed back as `cursor` for the next (older) page, null on the last one. */
  nextCursor: string | null;
}

export interface SecurityLogStore {
  /** Newest first; `null` when the cursor is not one this store gave out. */
  list(
    userId: string,
    options: { limit: number; cursor?: string },
  ): Promise<SecurityLogPage | null>;
}

/** The admin audit log: every admin action, newest first, paged like a user's log. */
export interface AdminAuditLogStore {
  list(options: { limit: number; cursor?: string }): Promise<SecurityLogPage | null>;
}

/** Who acted, on an admin action's event: the holder of the admin API key. */
export const ADMIN_ACTOR = "admin";

/** Whether an event records an admin action (it enters the admin audit log). */
function isAdminEvent(type: EventType): boolean {
  return type.startsWith("admin.");
}

/** An ISO 8601 time from epoch seconds, as the API shows times. */
export function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/** Where a request came from, as the API shows it (null for what is not known). */
export function shownSource(source: RequestSource): {
  ip: string | null;
  userAgent: string | null;
} {
  return { ip: source.ip ?? null, userAgent: source.userAgent ?? null };
}

/**
 * An event for the security logs and webhooks only: it names no recipient, so nobody is
 * messaged. `userId` is the user it is about (none for an admin action on no user), `source`
 * the request that caused it.
 */
export function logOnlyEvent(
  deps: { random: Random; clock: Clock },
  type: EventType,
  about: { userId?: string | undefined; source?: RequestSource | undefined; locale?: Locale },
  data: Record<string, string | number> = {},
): DomainEvent {
  return {
    id: randomId(deps.random, "evt_"),
    type,
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: about.locale ?? "en",
    ...(about.userId === undefined ? {} : { userId: about.userId }),
    ...(about.source === undefined ? {} : { source: about.source }),
    data,
  };
}

const SECURITY_LOG_PAGE_SIZE = 20;
export const DEFAULT_SECURITY_LOG_DAYS = 90;
export const SECURITY_LOG_DAYS_BOUNDS = [1, 3650] as const;

const FAILURES: ReadonlySet<EventType> = new Set(["user.login.failed", "user.locked"]);

/** Keys whose values never enter the log, whatever an event carries. */
const SECRET_KEYS = /code|secret|token|password|key/i;

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

function masked(value: string | number): string | number {
  if (typeof value !== "string") return value;
  if (PHONE.test(value)) return maskPhoneNumber(value);
  if (EMAIL.test(value)) return maskEmail(value);
  return value;
}

/**
 * The log entry of an event, or null when the event names no user and is no admin action.
 * The user is the log's owner: `userId` is left out of its data.
 */
export function securityLogEntry(event: DomainEvent): SecurityLogEntry | null {
  if (event.userId === undefined && !isAdminEvent(event.type)) return null;
  const data: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(event.data)) {
    // The user is the log's owner; a code's sealed form and anything secret-named stay out.
    if (key === "userId" || SECRET_KEYS.test(key)) continue;
    data[key] = masked(value);
  }
  if (event.recipient) {
    data.channel = event.recipient.channel;
    data.destination = masked(event.recipient.to);
  }
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    outcome: FAILURES.has(event.type) ? "failure" : "success",
    ip: event.source?.ip ?? null,
    userAgent: event.source?.userAgent ?? null,
    data,
  };
}

/** The admin audit log's entry of an admin action (with the user it concerns), else null. */
export function adminAuditEntry(event: DomainEvent): SecurityLogEntry | null {
  if (!isAdminEvent(event.type)) return null;
  const entry = securityLogEntry(event);
  if (entry === null) return null;
  return event.userId === undefined
    ? entry
    : { ...entry, data: { ...entry.data, userId: event.userId } };
}

const invalidCursor = () =>
  new DomainError("invalid_request", "The cursor is not valid.", { field: "cursor" });

/** `GET /v1/admin/security_events`: the admin audit log, newest first. */
export async function listAdminEvents(
  deps: { log: AdminAuditLogStore },
  cursor: string | undefined,
): Promise<SecurityLogPage> {
  const page = await deps.log.list({
    limit: SECURITY_LOG_PAGE_SIZE,
    ...(cursor === undefined || cursor === "" ? {} : { cursor }),
  });
  if (page === null) throw invalidCursor();
  return page;
}

/** `GET /v1/user/security_events`: the signed-in user's log, newest first. */
export async function listSecurityEvents(
  deps: { log: SecurityLogStore },
  userId: string,
  cursor: string | undefined,
): Promise<SecurityLogPage> {
  const page = await deps.log.list(userId, {
    limit: SECURITY_LOG_PAGE_SIZE,
    ...(cursor === undefined || cursor === "" ? {} : { cursor }),
  });
  if (page === null) throw invalidCursor();
  return page;
}

/** The factor a login was decided by (`device`: a remembered device's token stood in for it). */
export type LoginFactor =
  | "password"
  | "phone_code"
  | "email_code"
  | "totp"
  | "backup_code"
  | "passkey"
  | "device";

/**
 * Records a login's outcome for the user's log (and webhooks): nobody is told. A wrong
 * password is not recorded: doing so for existing users only would let timing tell them apart
 * from unknown ones.
 */
export function recordLogin(
  deps: { events: EventPublisher; random: Random; clock: Clock },
  user: Pick<User, "id" | "locale">,
  outcome:
    | { ok: true; factor: LoginFactor; via: "token" | "sign_in" }
    | {
        ok: false;
        factor: LoginFactor;
        via: "token" | "sign_in";
        reason: string;
      },
): Promise<void> {
  return deps.events.publish(
    logOnlyEvent(
      deps,
      outcome.ok ? "user.login.succeeded" : "user.login.failed",
      { userId: user.id, locale: user.locale },
      {
        factor: outcome.factor,
        via: outcome.via,
        ...(outcome.ok ? {} : { reason: outcome.reason }),
      },
    ),
  );
}
