/**
 * Domain events. They travel on an SNS topic to the notifier, which turns each one into at most
 * one SMS or email. A code travels only sealed (AES-256-GCM, bound to the event id).
 *
 * An event about a user names them (`userId`) and, when a request caused it, where the request
 * came from (`source`): these make up the user's security log and what webhooks deliver.
 */

export const EVENT_TYPES = [
  "phone_verification_code.created",
  "email_verification_code.created",
  "user.tfa_code.created",
  "user.step_up_code.created",
  "user.tfa.enabled",
  "user.tfa.disabled",
  "user.contact.changed",
  "user.backup_codes.regenerated",
  "user.locked",
  "user.unlocked",
  "user.login.succeeded",
  "user.login.failed",
  "user.backup_code.used",
  "user.password.changed",
  "user.session.created",
  "user.session.revoked",
  "user.passkey.added",
  "user.passkey.removed",
  "user.passkey.cloned",
  "user.device.remembered",
  "user.device.forgotten",
  "account.twofa_needed",
  "account.twofa_answered",
  "user.second_factors.reset",
  "admin.user.viewed",
  "admin.user.unlocked",
  "admin.user.second_factors_reset",
  "admin.security_events.listed",
  "admin.webhook_endpoint.created",
  "admin.webhook_endpoint.deleted",
  "admin.webhook_endpoints.listed",
  "admin.webhook_deliveries.listed",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const LOCALES = ["en", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
const DEFAULT_LOCALE: Locale = "en";

export type Channel = "sms" | "email";

/** Where a request came from, as the API saw it. */
export interface RequestSource {
  ip?: string;
  userAgent?: string;
}

export interface Recipient {
  channel: Channel;
  /** E.164 phone number or email address. */
  to: string;
}

export interface DomainEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  locale: Locale;
  /** The user the event is about, when there is one. */
  userId?: string;
  /** The request that caused it, when one did. */
  source?: RequestSource;
  /** Who is told; events with no recipient are published for other subscribers only. */
  recipient?: Recipient;
  /** The one-time code, sealed with the encryption key and the event id as context. */
  sealedCode?: string;
  /** Public template values (never secrets). */
  data: Record<string, string | number>;
}

export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

/** Picks `en` or `fr` from an Accept-Language header (quality values honoured). */
export function localeFromAcceptLanguage(header: string | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((entry) => Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const language = tag.split("-")[0];
    const match = LOCALES.find((locale) => locale === language);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}
