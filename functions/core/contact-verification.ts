/**
 * Phone and email verification codes: created and sent, never returned; later submitted with
 * the change they prove (registration, a new phone or email on the user).
 */
import { DomainError } from "./errors.js";
import type { Locale } from "./events.js";
import { parseEmail, parsePhoneNumber } from "./recipients.js";
import { type CodeDeps, type IssueOutcome, issueCode } from "./verification-codes.js";

export interface VerificationRequest {
  locale: Locale;
  sourceIp?: string;
}

function sendLimitError(outcome: Extract<IssueOutcome, { sent: false }>): DomainError {
  const retryAfterSeconds = Math.max(1, outcome.retryAfterSeconds);
  return outcome.reason === "cooldown"
    ? new DomainError("resend_too_soon", "A code was sent moments ago; wait before asking again.", {
        retryAfterSeconds,
      })
    : new DomainError("too_many_requests", "Too many codes were requested; try again later.", {
        retryAfterSeconds,
      });
}

export async function requestPhoneVerificationCode(
  deps: CodeDeps,
  input: VerificationRequest & { phoneNumber: string },
): Promise<{ deliveryId: string }> {
  const phone = parsePhoneNumber(input.phoneNumber, deps.policy.smsAllowedCountries);
  const outcome = await issueCode(deps, {
    purpose: "phone_verification",
    subject: phone.e164,
    recipient: { channel: "sms", to: phone.e164 },
    eventType: "phone_verification_code.created",
    locale: input.locale,
    ...(input.sourceIp === undefined ? {} : { sourceIp: input.sourceIp }),
  });
  if (!outcome.sent) throw sendLimitError(outcome);
  return { deliveryId: outcome.eventId };
}

export async function requestEmailVerificationCode(
  deps: CodeDeps,
  input: VerificationRequest & { email: string },
): Promise<{ deliveryId: string }> {
  const email = parseEmail(input.email);
  const outcome = await issueCode(deps, {
    purpose: "email_verification",
    subject: email,
    recipient: { channel: "email", to: email },
    eventType: "email_verification_code.created",
    locale: input.locale,
    ...(input.sourceIp === undefined ? {} : { sourceIp: input.sourceIp }),
  });
  if (!outcome.sent) throw sendLimitError(outcome);
  return { deliveryId: outcome.eventId };
}
