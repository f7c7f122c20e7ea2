/**
 * The error catalogue of the service: stable snake_case codes that clients can branch on, each
 * with its default message. HTTP statuses are chosen at the HTTP boundary
 * (`functions/api/middlewares/error-mapping.ts`); core only names the outcome.
 */
export const ERROR_MESSAGES = {
  // input
  invalid_request: "The request is invalid.",
  invalid_json: "The body is not valid JSON.",
  unsupported_media_type: "Send application/json.",
  payload_too_large: "The body is too large.",
  invalid_phone_number: "This is not a valid phone number.",
  country_not_allowed: "SMS to this country are not enabled.",
  invalid_email: "This is not a valid email address.",
  // sending limits
  resend_too_soon: "A code was sent moments ago; wait before asking again.",
  too_many_requests: "Too many requests; try again later.",
  sms_budget_exceeded: "SMS sending is paused; try email or later.",
  delivery_unavailable: "The code could not be sent; nothing was charged, try again.",
  // verification codes and OTP
  invalid_verification_code: "The verification code is not valid.",
  otp_required: "A one-time password is required: send it as the otp field or the X-OTP header.",
  invalid_otp: "The one-time password is not valid.",
  too_many_attempts: "Too many wrong codes; try again later.",
  // registration and users
  username_taken: "This username is taken.",
  phone_number_taken: "This phone number belongs to another account.",
  email_taken: "This email address belongs to another account.",
  tfa_required: "Two-factor authentication is required on this service.",
  tfa_enrollment_required: "Two-factor authentication is required: enroll a second factor first.",
  second_factor_required: "This change needs a current second factor.",
  // OAuth2 (RFC 6749 §5.2)
  invalid_grant: "The grant is invalid, expired or revoked.",
  unsupported_grant_type: "Supported grants: password, refresh_token.",
  invalid_token: "A valid bearer access token is required.",
  // sign-ins (Clerk)
  form_code_incorrect: "Incorrect code.",
  verification_expired: "This verification has expired.",
  verification_failed: "Too many wrong codes for this sign-in.",
  verification_missing: "No code is waiting: prepare a new one.",
  verification_already_verified: "This sign-in is already complete.",
  verification_strategy_invalid: "This strategy is not supported.",
  strategy_for_user_invalid: "This strategy is not available for this account.",
  no_second_factors: "This account has no second factor to sign in with.",
  user_locked: "Too many wrong codes: this account is locked for a while.",
  second_factor_disabled:
    "Too many wrong codes: this second factor is disabled. Use another one, or ask for a reset.",
  // authenticator apps
  tfa_app_not_set_up: "No authenticator app is linked to this account.",
  tfa_app_already_linked: "An authenticator app is already linked to this account.",
  // passkeys (WebAuthn)
  passkey_invalid: "This passkey response is not valid.",
  passkey_challenge_expired: "This passkey challenge has expired or was used; ask for a new one.",
  passkey_not_found: "No such passkey.",
  passkey_already_registered: "This passkey is already registered.",
  passkey_cloned: "This passkey's signature counter went backwards: it may have been cloned.",
  // connector accounts and runs
  unknown_connector: "No such connector.",
  no_run_waiting: "No run of this account is waiting for a code.",
  run_in_progress: "A run of this account is in progress.",
  twofa_resend_unavailable: "No new code can be sent for this run.",
  // generic
  not_found: "Not found.",
  user_not_found: "No such user.",
  invalid_admin_key: "A valid admin API key is required (X-Admin-Api-Key).",
  method_not_allowed: "This method is not allowed here.",
  conflict: "The resource changed meanwhile; try again.",
  internal_error: "Something went wrong on our side.",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Every code of the catalogue, in catalogue order. */
export const ERROR_CODES = Object.keys(ERROR_MESSAGES) as readonly ErrorCode[];

/**
 * What the caller must present to go on, as data: the HTTP boundary renders it (the `X-OTP`
 * header for an OTP, `WWW-Authenticate` for a bearer token).
 */
export type Challenge =
  | { kind: "otp"; authMethod: string }
  /** `error` absent: the request carried no credentials at all (RFC 6750 §3.1). */
  | { kind: "bearer"; error?: "invalid_token" };

export interface DomainErrorOptions {
  /** The request field at fault, for input errors. */
  field?: string;
  /** Seconds until the caller may try again (rate limits, lockouts). */
  retryAfterSeconds?: number;
  /** Extra public members of the error body (never secrets). */
  extra?: Record<string, string | number | boolean>;
  /** What the caller must present to go on. */
  challenge?: Challenge;
}

/** An expected, client-facing failure. Anything else is a bug and answers a bare 500. */
export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly description: string;
  constructor(
    readonly code: ErrorCode,
    description?: string,
    readonly options: DomainErrorOptions = {},
  ) {
    const text = description ?? ERROR_MESSAGES[code];
    super(`${code}: ${text}`);
    this.description = text;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
