/**
 * Message templates: the defaults of core, with single (event, locale) templates overridden by
 * `NOTIFICATION_TEMPLATES` (JSON: `{"user.tfa_code.created": {"en": {"subject", "text"}}}`).
 * A malformed override fails the cold start: silently dropping a template would silence, say,
 * the lockout notice.
 */
import * as v from "valibot";
import { type DomainEvent, EVENT_TYPES, LOCALES, type Locale } from "../core/events.js";
import { DEFAULT_TEMPLATES, mergeTemplates, type TemplateSet } from "../core/notifications.js";
import { ConfigError } from "./config.js";

const Overrides = v.record(
  v.picklist(EVENT_TYPES),
  v.record(
    v.picklist(LOCALES),
    v.strictObject({
      subject: v.pipe(v.string(), v.maxLength(200)),
      text: v.pipe(v.string(), v.minLength(1), v.maxLength(1600)),
    }),
  ),
);

export function readTemplates(): TemplateSet {
  const raw = process.env.NOTIFICATION_TEMPLATES;
  if (raw === undefined || raw === "") return DEFAULT_TEMPLATES;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError("NOTIFICATION_TEMPLATES is not valid JSON");
  }
  const parsed = v.safeParse(Overrides, json);
  if (!parsed.success) {
    const where = parsed.issues[0] ? v.getDotPath(parsed.issues[0]) : null;
    throw new ConfigError(`NOTIFICATION_TEMPLATES is malformed at ${where ?? "its top level"}`);
  }
  return mergeTemplates(DEFAULT_TEMPLATES, parsed.output as TemplateSet);
}

/**
 * The words a person reads for the values events carry as codes: "Two-factor authentication
 * (authenticator app) was turned on", not "(totp)". A value without words stays as it is.
 */
const WORDS: Record<Locale, Record<string, Record<string, string>>> = {
  en: {
    method: { totp: "authenticator app", tfa_sms: "SMS codes", tfa_email: "email codes" },
    what: { phone: "phone number", email: "email address" },
  },
  fr: {
    method: {
      totp: "application d'authentification",
      tfa_sms: "codes par SMS",
      tfa_email: "codes par e-mail",
    },
    what: { phone: "numéro de téléphone", email: "adresse e-mail" },
  },
};

/** The event with its coded values in the words of its locale, for the templates. */
export function inWords(event: DomainEvent): DomainEvent {
  const words = WORDS[event.locale];
  const data = Object.fromEntries(
    Object.entries(event.data).map(([name, value]) => [
      name,
      typeof value === "string" ? (words[name]?.[value] ?? value) : value,
    ]),
  );
  return { ...event, data };
}
