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

/**
 * A code on its way: its delivery, and the handle that only this requester gets. Submitted
 * with the code, the handle spends the code's own checks, which nobody else can reach.
 */
export interface VerificationCreated {
  deliveryId: string;
  verificationId: string;
}

function created(outcome: Extract<IssueOutcome, { sent: true }>): VerificationCreated {
  return { deliveryId: outcome.eventId, verificationId: outcome.verificationId ?? "" };
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
): Promise<VerificationCreated> {
  const phone = await parsePhoneNumber(input.phoneNumber, deps.policy.smsAllowedCountries);
  const outcome = await issueCode(deps, {
    purpose: "phone_verification",
    subject: phone.e164,
    recipient: { channel: "sms", to: phone.e164 },
    eventType: "phone_verification_code.created",
    locale: input.locale,
    ...(input.sourceIp === undefined ? {} : { sourceIp: input.sourceIp }),
  });
  if (!outcome.sent) throw sendLimitError(outcome);
  return created(outcome);
}

export async function requestEmailVerificationCode(
  deps: CodeDeps,
  input: VerificationRequest & { email: string },
): Promise<VerificationCreated> {
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
  return created(outcome);
}
