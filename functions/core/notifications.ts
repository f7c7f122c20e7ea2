/**
 * Turns a domain event into at most one SMS or email, from a template per event type and
 * locale. Idempotent: the delivery is claimed before sending, so an event delivered twice
 * (SNS retries, Lambda retries) sends one message.
 */
import { open } from "./crypto.js";
import type { Channel, DomainEvent, EventType, Locale } from "./events.js";
import type { CodePolicy } from "./policy.js";
import { type Clock, nowEpochSeconds } from "./ports.js";
import { hitSmsBudget, type RateLimiter } from "./verification-codes.js";

export interface MessageSender {
  /** Returns the provider's message id. */
  sendSms(to: string, text: string): Promise<string>;
  sendEmail(to: string, subject: string, text: string): Promise<string>;
}

export interface DeliveryRecord {
  eventId: string;
  eventType: EventType;
  channel: Channel;
  /** `suppressed`: an SMS notice over its recipient's or the day's limit was not sent. */
  status: "sending" | "sent" | "failed" | "suppressed";
  providerMessageId?: string | null;
  failure?: string | null;
}

export interface DeliveryStore {
  /** Claims the event for sending; false when it was sent or is being sent already. */
  claim(
    record: Omit<DeliveryRecord, "status">,
    nowEpochSeconds: number,
    leaseSeconds: number,
  ): Promise<boolean>;
  finish(
    eventId: string,
    outcome: {
      status: "sent" | "failed" | "suppressed";
      providerMessageId?: string;
      failure?: string;
    },
    /** When it finished (ISO 8601). */
    finishedAt: string,
  ): Promise<void>;
  get(eventId: string): Promise<DeliveryRecord | null>;
}

interface Template {
  subject: string;
  text: string;
}

export type TemplateSet = Partial<Record<EventType, Partial<Record<Locale, Template>>>>;

export const DEFAULT_TEMPLATES: TemplateSet = {
  "phone_verification_code.created": {
    en: {
      subject: "Your verification code",
      text: "Your {{service}} verification code: {{code}}. It expires in {{minutes}} minutes.",
    },
    fr: {
      subject: "Votre code de vérification",
      text: "Votre code de vérification {{service}} : {{code}}. Il expire dans {{minutes}} minutes.",
    },
  },
  "email_verification_code.created": {
    en: {
      subject: "Your {{service}} verification code",
      text: "Your {{service}} verification code is {{code}}.\nIt expires in {{minutes}} minutes. If you did not ask for it, ignore this email.",
    },
    fr: {
      subject: "Votre code de vérification {{service}}",
      text: "Votre code de vérification {{service}} est {{code}}.\nIl expire dans {{minutes}} minutes. Si vous ne l'avez pas demandé, ignorez ce message.",
    },
  },
  "user.tfa_code.created": {
    en: {
      subject: "Your {{service}} login code",
      text: "Your {{service}} login code: {{code}}. It expires in {{minutes}} minutes. Never share it.",
    },
    fr: {
      subject: "Votre code de connexion {{service}}",
      text: "Votre code de connexion {{service}} : {{code}}. Il expire dans {{minutes}} minutes. Ne le partagez jamais.",
    },
  },
  "user.step_up_code.created": {
    en: {
      subject: "Confirm a change to your {{service}} account",
      text: "Your {{service}} code to confirm a change to your sign-in settings: {{code}}. It expires in {{minutes}} minutes. If you did not ask for it, do not share it.",
    },
    fr: {
      subject: "Confirmez une modification de votre compte {{service}}",
      text: "Votre code {{service}} pour confirmer une modification de vos paramètres de connexion : {{code}}. Il expire dans {{minutes}} minutes. Si vous ne l'avez pas demandé, ne le partagez pas.",
    },
  },
  "user.tfa.enabled": {
    en: {
      subject: "Two-factor authentication is on",
      text: "Two-factor authentication ({{method}}) was turned on for your {{service}} account. If this was not you, contact support.",
    },
    fr: {
      subject: "La double authentification est activée",
      text: "La double authentification ({{method}}) a été activée sur votre compte {{service}}. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.tfa.disabled": {
    en: {
      subject: "Two-factor authentication is off",
      text: "Two-factor authentication was turned off for your {{service}} account. If this was not you, contact support.",
    },
    fr: {
      subject: "La double authentification est désactivée",
      text: "La double authentification a été désactivée sur votre compte {{service}}. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.contact.changed": {
    en: {
      subject: "Your account's security details changed",
      text: "The {{what}} of your {{service}} account was changed. If this was not you, contact support.",
    },
    fr: {
      subject: "Les informations de sécurité de votre compte ont changé",
      text: "Un élément de votre compte {{service}} a été modifié : {{what}}. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.password.changed": {
    en: {
      subject: "Your password changed",
      text: "The password of your {{service}} account was changed and your other sessions were ended. If this was not you, contact support.",
    },
    fr: {
      subject: "Votre mot de passe a changé",
      text: "Le mot de passe de votre compte {{service}} a été modifié et vos autres sessions ont été fermées. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.backup_codes.regenerated": {
    en: {
      subject: "New backup codes",
      text: "New backup codes were made for your {{service}} account; the old ones no longer work. If this was not you, contact support.",
    },
    fr: {
      subject: "Nouveaux codes de secours",
      text: "De nouveaux codes de secours ont été créés pour votre compte {{service}} ; les anciens ne fonctionnent plus. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.locked": {
    en: {
      subject: "Your account is locked",
      text: "Too many wrong codes were entered for your {{service}} account. {{^disabled}}It is locked for {{minutes}} minutes, until {{until}}.{{/disabled}}{{#disabled}}The sign-in method that failed is locked until you sign in with another one or ask for a reset.{{/disabled}}",
    },
    fr: {
      subject: "Votre compte est verrouillé",
      text: "Trop de codes erronés ont été saisis pour votre compte {{service}}. {{^disabled}}Il est verrouillé pendant {{minutes}} minutes, jusqu'à {{until}}.{{/disabled}}{{#disabled}}La méthode de connexion en échec reste verrouillée jusqu'à une connexion avec une autre méthode ou une réinitialisation.{{/disabled}}",
    },
  },
  "user.passkey.added": {
    en: {
      subject: "A passkey was added to your account",
      text: 'A passkey named "{{name}}" was added to your {{service}} account. If this was not you, contact support.',
    },
    fr: {
      subject: "Une clé d'accès a été ajoutée à votre compte",
      text: "Une clé d'accès nommée « {{name}} » a été ajoutée à votre compte {{service}}. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.passkey.removed": {
    en: {
      subject: "A passkey was removed from your account",
      text: 'The passkey named "{{name}}" was removed from your {{service}} account. If this was not you, contact support.',
    },
    fr: {
      subject: "Une clé d'accès a été retirée de votre compte",
      text: "La clé d'accès nommée « {{name}} » a été retirée de votre compte {{service}}. Si ce n'était pas vous, contactez le support.",
    },
  },
  "user.passkey.cloned": {
    en: {
      subject: "A passkey of your account may have been copied",
      text: 'A sign-in with your passkey "{{name}}" on {{service}} was refused: its signature counter went backwards, which a copied authenticator does. Remove this passkey and contact support.',
    },
    fr: {
      subject: "Une clé d'accès de votre compte a peut-être été copiée",
      text: "Une connexion avec votre clé d'accès « {{name}} » sur {{service}} a été refusée : son compteur de signatures a reculé, ce que fait un authentificateur copié. Retirez cette clé d'accès et contactez le support.",
    },
  },
  "user.second_factors.reset": {
    en: {
      subject: "Your two-factor authentication was reset",
      text: "An administrator reset the two-factor authentication of your {{service}} account: its second factors, passkeys and backup codes were removed, and you were signed out everywhere. Sign in with your password to set up a second factor again. If you did not ask for this, contact support.",
    },
    fr: {
      subject: "Votre double authentification a été réinitialisée",
      text: "Un administrateur a réinitialisé la double authentification de votre compte {{service}} : ses seconds facteurs, clés d'accès et codes de secours ont été retirés, et vous avez été déconnecté partout. Connectez-vous avec votre mot de passe pour configurer à nouveau un second facteur. Si vous ne l'avez pas demandé, contactez le support.",
    },
  },
  "account.twofa_needed": {
    en: {
      subject: "{{connector}} needs your code",
      text: "{{connector}} asked for a two-factor code. Open the Home app and type the code you received.",
    },
    fr: {
      subject: "{{connector}} attend votre code",
      text: "{{connector}} demande un code de double authentification. Ouvrez l'application Home et saisissez le code reçu.",
    },
  },
};

/** Overrides replace single (event, locale) templates; the rest keep their defaults. */
export function mergeTemplates(base: TemplateSet, overrides: TemplateSet): TemplateSet {
  const merged: TemplateSet = { ...base };
  for (const [type, byLocale] of Object.entries(overrides) as [
    EventType,
    TemplateSet[EventType],
  ][]) {
    merged[type] = { ...base[type], ...byLocale };
  }
  return merged;
}

/**
 * `{{name}}` is a value; `{{#name}}…{{/name}}` shows only when `name` is set (and not 0 or
 * empty), `{{^name}}…{{/name}}` only when it is not.
 */
function renderTemplate(template: string, values: Record<string, string | number>): string {
  const sections = template.replace(
    /\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\2\}\}/g,
    (_whole, kind: string, name: string, inner: string) => {
      const set = name in values && values[name] !== 0 && values[name] !== "";
      return set === (kind === "#") ? inner : "";
    },
  );
  return sections.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export interface NotifierDeps {
  clock: Clock;
  /** SMS notices (no code) are limited here; SMS codes were counted when they were issued. */
  limiter: RateLimiter;
  policy: Pick<
    CodePolicy,
    | "maxSendsPerRecipient"
    | "sendWindowSeconds"
    | "smsDailyBudget"
    | "smsDailyBudgetUnverified"
    | "smsDailyNoticesPerUser"
  >;
  sender: MessageSender;
  deliveries: DeliveryStore;
  templates: TemplateSet;
  encryptionKey: Uint8Array;
  serviceName: string;
}

/** Longer than one send takes, shorter than SNS's retry spacing. */
const DELIVERY_LEASE_SECONDS = 60;

export type DeliverOutcome = "sent" | "duplicate" | "no_recipient" | "no_template" | "suppressed";

/**
 * An SMS that carries no code (a notice: a connector waits, TFA was turned off, …) counts
 * against its recipient's window, the user's and the phone's daily notice cap (lower than the
 * codes' share, and apart from it: codes keep flowing when notices stop) and the day's SMS
 * budget here, so that events anyone can cause (starting runs, say) cannot pump SMS.
 */
async function smsNoticeAllowed(deps: NotifierDeps, event: DomainEvent, to: string) {
  const now = nowEpochSeconds(deps.clock);
  const byRecipient = await deps.limiter.hit({
    key: `notice#sms#${to}`,
    limit: deps.policy.maxSendsPerRecipient,
    windowSeconds: deps.policy.sendWindowSeconds,
    nowEpochSeconds: now,
  });
  if (!byRecipient.ok) return false;
  const day = new Date(now * 1000).toISOString().slice(0, 10);
  const daily = (key: string) =>
    deps.limiter.hit({
      key,
      limit: deps.policy.smsDailyNoticesPerUser,
      windowSeconds: 24 * 60 * 60,
      nowEpochSeconds: now,
    });
  if (
    event.userId !== undefined &&
    !(await daily(`sms-notice-day#user#${event.userId}#${day}`)).ok
  ) {
    return false;
  }
  if (!(await daily(`sms-notice-day#to#${to}#${day}`)).ok) return false;
  return (await hitSmsBudget(deps, now, false)).ok;
}

const isoNow = (clock: Clock) => new Date(clock.nowMs()).toISOString();

export async function deliverNotification(
  deps: NotifierDeps,
  event: DomainEvent,
): Promise<DeliverOutcome> {
  const recipient = event.recipient;
  if (!recipient) return "no_recipient";
  const template = deps.templates[event.type]?.[event.locale] ?? deps.templates[event.type]?.en;
  if (!template) return "no_template";

  const claimed = await deps.deliveries.claim(
    { eventId: event.id, eventType: event.type, channel: recipient.channel },
    nowEpochSeconds(deps.clock),
    DELIVERY_LEASE_SECONDS,
  );
  if (!claimed) return "duplicate";
  if (
    recipient.channel === "sms" &&
    event.sealedCode === undefined &&
    !(await smsNoticeAllowed(deps, event, recipient.to))
  ) {
    await deps.deliveries.finish(
      event.id,
      { status: "suppressed", failure: "rate_limited" },
      isoNow(deps.clock),
    );
    return "suppressed";
  }

  const values: Record<string, string | number> = { service: deps.serviceName, ...event.data };
  if (event.sealedCode !== undefined) {
    values.code = open(deps.encryptionKey, event.sealedCode, event.id);
  }
  try {
    const subject = renderTemplate(template.subject, values);
    const text = renderTemplate(template.text, values);
    const providerMessageId =
      recipient.channel === "sms"
        ? await deps.sender.sendSms(recipient.to, text)
        : await deps.sender.sendEmail(recipient.to, subject, text);
    await deps.deliveries.finish(
      event.id,
      { status: "sent", providerMessageId },
      isoNow(deps.clock),
    );
    return "sent";
  } catch (error) {
    const failure = error instanceof Error ? error.name : "UnknownError";
    await deps.deliveries.finish(event.id, { status: "failed", failure }, isoNow(deps.clock));
    throw error;
  }
}
