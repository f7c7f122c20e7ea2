/**
 * The error catalogue of the service: stable snake_case codes that clients can branch on.
 * HTTP statuses are chosen in one place, `functions/api/http.ts`; core only names the outcome.
 */
const ERROR_CODES = [
  // input
  "invalid_request",
  "invalid_json",
  "unsupported_media_type",
  "payload_too_large",
  "invalid_phone_number",
  "country_not_allowed",
  "invalid_email",
  // sending limits
  "resend_too_soon",
  "too_many_requests",
  "sms_budget_exceeded",
  // verification codes and OTP
  "invalid_verification_code",
  "otp_required",
  "invalid_otp",
  "too_many_attempts",
  // registration and users
  "username_taken",
  "phone_number_taken",
  "email_taken",
  "tfa_required",
  "second_factor_required",
  // OAuth2 (RFC 6749 §5.2)
  "invalid_grant",
  "unsupported_grant_type",
  "invalid_token",
  // sign-ins (Clerk)
  "form_code_incorrect",
  "verification_expired",
  "verification_failed",
  "verification_missing",
  "verification_already_verified",
  "verification_strategy_invalid",
  "strategy_for_user_invalid",
  "no_second_factors",
  "user_locked",
  // authenticator apps
  "tfa_app_not_set_up",
  "tfa_app_already_linked",
  // connector accounts and runs
  "unknown_connector",
  "no_run_waiting",
  "run_in_progress",
  "twofa_resend_unavailable",
  // generic
  "not_found",
  "method_not_allowed",
  "conflict",
  "internal_error",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface DomainErrorOptions {
  /** The request field at fault, for input errors. */
  field?: string;
  /** Seconds until the caller may try again (rate limits, lockouts). */
  retryAfterSeconds?: number;
  /** Extra public members of the error body (never secrets). */
  extra?: Record<string, string | number | boolean>;
  /** Extra response headers (for example `X-OTP`). */
  headers?: Record<string, string>;
}

/** An expected, client-facing failure. Anything else is a bug and answers a bare 500. */
export class DomainError extends Error {
  override readonly name = "DomainError";
  constructor(
    readonly code: ErrorCode,
    readonly description: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(`${code}: ${description}`);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
