/**
 * A user's contacts as shown back to them: masked, and the one their code-based TFA method
 * sends to. Kept apart from recipients.ts so that code which only displays contacts does not
 * load the phone-numbering metadata on its cold start.
 */
import type { User } from "./users.js";

/** `+33612345678` → `+*******5678`: enough for the user to recognise, little for anyone else. */
export function maskPhoneNumber(e164: string): string {
  return `+${"*".repeat(Math.max(0, e164.length - 5))}${e164.slice(-4)}`;
}

/** `joe.doe@example.com` → `j*****e@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const shown =
    local.length <= 2
      ? `${local[0] ?? ""}*`
      : `${local[0]}${"*".repeat(local.length - 2)}${local.at(-1)}`;
  return shown + email.slice(at);
}

/** The channel a code-based TFA method sends to, masked for display. */
export function codeDestination(
  user: User,
): { channel: "sms" | "email"; to: string; masked: string } | null {
  if (user.authMethod === "tfa_sms" && user.phoneNumber) {
    return { channel: "sms", to: user.phoneNumber, masked: maskPhoneNumber(user.phoneNumber) };
  }
  if (user.authMethod === "tfa_email" && user.email) {
    return { channel: "email", to: user.email, masked: maskEmail(user.email) };
  }
  return null;
}
