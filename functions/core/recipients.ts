/**
 * Phone numbers and email addresses as the service accepts them: validated, normalised and
 * masked for display. libphonenumber-js's "min" metadata (about 120 KB) still knows every
 * country's numbering plan; it is imported with the first number that passes the format check,
 * so a function reads it only when a request carries a phone number.
 */
import { DomainError } from "./errors.js";

let phoneLibrary: Promise<typeof import("./phone-library.js")> | undefined;

export interface PhoneNumber {
  e164: string;
  country: string;
}

/** Parses an E.164 number (a leading + and country code are required). */
export async function parsePhoneNumber(
  input: string,
  allowedCountries: readonly string[],
  field = "phoneNumber",
): Promise<PhoneNumber> {
  const trimmed = input.trim();
  if (!/^\+[0-9 ().-]{6,24}$/.test(trimmed)) {
    throw new DomainError(
      "invalid_phone_number",
      "Phone numbers must be in E.164 form, e.g. +33612345678.",
      { field },
    );
  }
  phoneLibrary ??= import("./phone-library.js");
  const { parsePhoneNumberFromString } = await phoneLibrary;
  const parsed = parsePhoneNumberFromString(trimmed);
  if (!parsed?.isValid() || parsed.country === undefined) {
    throw new DomainError("invalid_phone_number", "This phone number cannot receive SMS.", {
      field,
    });
  }
  if (!allowedCountries.includes(parsed.country)) {
    throw new DomainError("country_not_allowed", "SMS to this country are not enabled.", {
      field,
    });
  }
  return { e164: parsed.number, country: parsed.country };
}

// A pragmatic subset of RFC 5321/5322: one @, a dotted domain, no spaces or control characters.
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const EMAIL_MAX_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit

/**
 * Validates an email address and lower-cases it whole. RFC 5321 lets the local part be
 * case-sensitive, but no mailbox provider in use is, and one spelling per mailbox is what keeps
 * send limits and uniqueness from being bypassed by `Joe@` vs `joe@`.
 */
export function parseEmail(input: string, field = "email"): string {
  const trimmed = input.trim();
  if (trimmed.length > EMAIL_MAX_LENGTH || !EMAIL_PATTERN.test(trimmed)) {
    throw new DomainError("invalid_email", "This is not a valid email address.", { field });
  }
  return trimmed.toLowerCase();
}
