/**
 * What each row of the route table answers, beside the request schemas the handlers validate
 * with: summary, tag, success body and headers, and the error codes it can answer (their
 * statuses come from the error catalogue). `document.ts` refuses a route without an entry.
 */
import type * as v from "valibot";
import { NewAccount, NewRun, TwoFaCode } from "../../functions/api/connector-schemas.js";
import {
  AttemptRequest,
  DeliveryId,
  EmailVerificationCodeRequest,
  FirstFactorAttemptRequest,
  LogoutRequest,
  NewWebhookEndpoint,
  PasskeyCreateRequest,
  PasskeyId,
  PasskeyRenameRequest,
  PasswordChange,
  PhoneVerificationCodeRequest,
  PrepareRequest,
  Registration,
  SignInRequest,
  StepUpRequest,
  TfaAppValidateRequest,
  TokenRequest,
  UserPatch,
} from "../../functions/api/schemas.js";
import { docspaceSuccess, type JsonSchema } from "./components.js";
import type { ErrorCode } from "./errors.js";

export const TAGS = {
  tokens: "OAuth2 token endpoint (Freshcom): password and refresh-token grants with an OTP.",
  sessions:
    "Sessions (refresh-token families): logout, listing, ending one, password change; remembered devices.",
  verification: "Phone and email verification codes, sent by SMS or email and never returned.",
  users: "Registration and the signed-in user: TFA method, phone and email changes.",
  signIns: "Clerk-style sign-ins: start, prepare and attempt a second factor.",
  authenticatorApps: "TOTP authenticator apps and backup codes, at ONLYOFFICE DocSpace's paths.",
  passkeys: "Passkeys (WebAuthn) of the signed-in user: a phishing-resistant second factor.",
  connectors: "Connector accounts and runs that wait for a 2FA code (Cozy konnectors).",
  meta: "This description of the API.",
  admin:
    "The admin API (`X-Admin-Api-Key`, checked before anything else of the request): users' factors, unlock and reset, the admin audit log, signed webhook endpoints and their deliveries. Every admin action is a security event.",
} as const;
type Tag = keyof typeof TAGS;

interface HeaderDeclaration {
  readonly description: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

interface RequestBodyDeclaration {
  /** Component name of the converted schema. */
  readonly name: string;
  readonly schema: v.GenericSchema;
  /** Also accepted as `application/x-www-form-urlencoded`. */
  readonly form?: boolean;
  readonly examples?: Record<string, { summary: string; value: unknown }>;
}

interface SuccessDeclaration {
  readonly status: number;
  readonly description: string;
  readonly body?: JsonSchema;
  readonly headers?: Record<string, HeaderDeclaration>;
  readonly examples?: Record<string, { summary: string; value: unknown }>;
}

export interface OperationDeclaration {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  /** Needs `Authorization: Bearer <access token>` from `/v1/token` or a sign-in. */
  readonly bearer?: boolean;
  /** DocSpace's envelopes (`/api/2.0`) instead of RFC 6749's error body. */
  readonly docspace?: boolean;
  /** The schema of `{id}` in the path, when there is one. */
  readonly pathId?: { readonly description: string; readonly schema: v.GenericSchema | JsonSchema };
  readonly body?: RequestBodyDeclaration;
  /** Query parameters, all optional. */
  readonly query?: readonly {
    readonly name: string;
    readonly description: string;
    readonly schema: JsonSchema;
  }[];
  /** The OTP may also come as the `X-OTP` request header. */
  readonly otpHeader?: boolean;
  /** A remembered device's token may also come as the `X-Device-Token` request header. */
  readonly deviceTokenHeader?: boolean;
  readonly success: SuccessDeclaration;
  /** Codes this operation may answer, besides those every operation may answer. */
  readonly errors: readonly ErrorCode[];
}

const schema = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const header = (description: string, required: boolean, value: JsonSchema = { type: "string" }) =>
  ({ description, required, schema: value }) satisfies HeaderDeclaration;

const DELIVERY_ID = header(
  "The id of the message's delivery, to follow at `GET /v1/deliveries/{id}`.",
  true,
  { type: "string", pattern: "^evt_[A-Za-z0-9_-]{22}$" },
);
const VERIFICATION_ID = header(
  "The code's handle, for its requester alone: sent back as `phoneVerificationId` or `emailVerificationId` with the code, it spends the code's own checks, which guesses sent without it cannot spend.",
  false,
  { type: "string", pattern: "^vrf_[A-Za-z0-9_-]{22}$" },
);
const NO_STORE = header("Token responses are never cached.", true, { const: "no-store" });
const LOCATION = (what: string) => header(`The ${what}'s URL.`, true);

/** A current second factor, for changes of a factor (step-up). */
const STEP_UP: readonly ErrorCode[] = [
  "otp_required",
  "invalid_otp",
  "too_many_attempts",
  "too_many_requests",
  "resend_too_soon",
  "sms_budget_exceeded",
  "delivery_unavailable",
  "second_factor_required",
  "user_locked",
  "second_factor_disabled",
];
/** What checking a passkey assertion can answer. */
const PASSKEY_ASSERTION: readonly ErrorCode[] = [
  "passkey_invalid",
  "passkey_challenge_expired",
  "passkey_cloned",
  "verification_expired",
  "verification_already_verified",
  "user_locked",
];
const SENDING: readonly ErrorCode[] = [
  "resend_too_soon",
  "too_many_requests",
  "sms_budget_exceeded",
  "delivery_unavailable",
];
const CONTACTS: readonly ErrorCode[] = [
  "invalid_phone_number",
  "country_not_allowed",
  "invalid_email",
  "invalid_verification_code",
  "phone_number_taken",
  "email_taken",
  "tfa_required",
  "too_many_attempts",
  "conflict",
];

const TOKENS_EXAMPLE = {
  access_token: "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl",
  token_type: "bearer",
  expires_in: 900,
  refresh_token: "bXlfcmVmcmVzaF90b2tlbl9vZl80M19jaGFyYWN0ZXJz",
};
const SIGN_IN_EXAMPLE = {
  object: "sign_in",
  id: "sia_0123456789abcdefABCDEF",
  status: "needs_second_factor",
  supportedSecondFactors: [{ strategy: "phone_code", safeIdentifier: "+*******4321" }],
  secondFactorVerification: null,
  createdSessionId: null,
  expireAt: "2026-01-01T10:10:00.000Z",
};

const USER_ID_PARAMETER = {
  description: "The user's id (`usr_…`).",
  schema: { type: "string", maxLength: 68 },
} as const;

/** One entry per route of `infra/routes.ts`, by route key (`POST /v1/token`). */
export const OPERATIONS: Record<string, OperationDeclaration> = {
  "GET /v1/admin/users/{id}": {
    operationId: "adminGetUser",
    summary: "A user, as an operator sees it",
    description:
      "The user's factors (method, masked contacts, authenticator app linked or not, backup codes left, passkeys), lock state, live sessions and remembered devices. Never a secret or a hash. Recorded as `admin.user.viewed`.",
    tag: "admin",
    pathId: USER_ID_PARAMETER,
    success: { status: 200, description: "The user.", body: schema("AdminUser") },
    errors: ["invalid_admin_key", "user_not_found"],
  },
  "POST /v1/admin/users/{id}/unlock": {
    operationId: "adminUnlockUser",
    summary: "Unlock a user",
    description:
      "Ends a lock and re-enables the factors that too many failures disabled (`user.unlocked`, `admin.user.unlocked`).",
    tag: "admin",
    pathId: USER_ID_PARAMETER,
    success: { status: 204, description: "Unlocked." },
    errors: ["invalid_admin_key", "user_not_found"],
  },
  "POST /v1/admin/users/{id}/reset_second_factors": {
    operationId: "adminResetSecondFactors",
    summary: "Reset a user's second factors",
    description:
      "Removes every second factor (the method back to password only, the authenticator app, backup codes, passkeys), clears the lock and tells the user by SMS and email on every verified contact (`user.second_factors.reset`), in one transaction; then ends every session and forgets every remembered device. The next login follows the TFA policy: where TFA is required, the user enrolls again. Recorded as `admin.user.second_factors_reset`.",
    tag: "admin",
    pathId: USER_ID_PARAMETER,
    success: { status: 200, description: "What the reset did.", body: schema("AdminReset") },
    errors: ["invalid_admin_key", "user_not_found", "conflict"],
  },
  "GET /v1/admin/security_events": {
    operationId: "adminListSecurityEvents",
    summary: "The admin audit log",
    description:
      "Every admin action (`admin.*`), with the user it concerns in `data.userId`: newest first, a page at a time, kept `SECURITY_LOG_DAYS`. Reading it is recorded too (`admin.security_events.listed`).",
    tag: "admin",
    query: [
      {
        name: "cursor",
        description: "The `nextCursor` of the previous page; omitted for the newest page.",
        schema: { type: "string", maxLength: 512 },
      },
    ],
    success: {
      status: 200,
      description: "A page of the log.",
      body: schema("SecurityEventPage"),
    },
    errors: ["invalid_admin_key", "invalid_request"],
  },
  "POST /v1/admin/webhook_endpoints": {
    operationId: "createWebhookEndpoint",
    summary: "Register a webhook endpoint",
    description:
      "Each event of the types named is POSTed to the URL, signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` is in this answer only.",
    tag: "admin",
    body: { name: "NewWebhookEndpoint", schema: NewWebhookEndpoint },
    success: {
      status: 201,
      description: "The endpoint, with its secret.",
      body: schema("NewWebhookEndpointResult"),
    },
    errors: ["invalid_admin_key"],
  },
  "GET /v1/admin/webhook_endpoints": {
    operationId: "listWebhookEndpoints",
    summary: "Webhook endpoints",
    tag: "admin",
    success: { status: 200, description: "Every endpoint.", body: schema("WebhookEndpointList") },
    errors: ["invalid_admin_key"],
  },
  "DELETE /v1/admin/webhook_endpoints/{id}": {
    operationId: "deleteWebhookEndpoint",
    summary: "Remove a webhook endpoint",
    tag: "admin",
    pathId: { description: "The endpoint's id.", schema: { type: "string", maxLength: 64 } },
    success: { status: 204, description: "Removed." },
    errors: ["invalid_admin_key", "not_found"],
  },
  "GET /v1/admin/webhook_endpoints/{id}/deliveries": {
    operationId: "listWebhookDeliveries",
    summary: "An endpoint's deliveries",
    description:
      "Each delivery's state (`pending`, `delivered`, `failed` once the retries over about 27 hours ran out) and its attempts' statuses.",
    tag: "admin",
    pathId: { description: "The endpoint's id.", schema: { type: "string", maxLength: 64 } },
    success: {
      status: 200,
      description: "The deliveries.",
      body: schema("WebhookDeliveryList"),
    },
    errors: ["invalid_admin_key", "not_found"],
  },
  "POST /v1/phone_verification_codes": {
    operationId: "createPhoneVerificationCode",
    summary: "Send a phone verification code by SMS",
    description: "The code is sent by SMS and never returned; it proves the number later.",
    tag: "verification",
    body: {
      name: "PhoneVerificationCodeRequest",
      schema: PhoneVerificationCodeRequest,
      examples: { phone: { summary: "An E.164 number", value: { phoneNumber: "+33612345678" } } },
    },
    success: {
      status: 204,
      description: "The code is on its way.",
      headers: { "X-Delivery-Id": DELIVERY_ID, "X-Verification-Id": VERIFICATION_ID },
    },
    errors: ["invalid_phone_number", "country_not_allowed", ...SENDING],
  },
  "POST /v1/email_verification_codes": {
    operationId: "createEmailVerificationCode",
    summary: "Send an email verification code",
    description: "The code is sent by email and never returned; it proves the address later.",
    tag: "verification",
    body: { name: "EmailVerificationCodeRequest", schema: EmailVerificationCodeRequest },
    success: {
      status: 204,
      description: "The code is on its way.",
      headers: { "X-Delivery-Id": DELIVERY_ID, "X-Verification-Id": VERIFICATION_ID },
    },
    errors: ["invalid_email", ...SENDING],
  },
  "GET /v1/deliveries/{id}": {
    operationId: "getDelivery",
    summary: "Follow the delivery of a message",
    tag: "verification",
    pathId: { description: "The `X-Delivery-Id` of the request that sent it.", schema: DeliveryId },
    success: { status: 200, description: "The delivery.", body: schema("Delivery") },
    errors: ["not_found"],
  },
  "POST /v1/token": {
    operationId: "token",
    summary: "Issue tokens (OAuth2 password and refresh-token grants)",
    description:
      "For a user with TFA, a correct password without `otp` answers 400 `otp_required` with `X-OTP: required; auth_method=…` and sends a code (none for a TOTP user); the same request with `otp` (or the `X-OTP` header) issues tokens. Wrong password and unknown user answer alike. With `remember_device=true` beside the OTP, the tokens carry a `device_token`; presenting it later (`device_token` or `X-Device-Token`) skips the second factor, never the password. An invalid, expired or forgotten device token is ignored, and so is any device token of a user with a passkey (who gets none either).",
    tag: "tokens",
    body: {
      name: "TokenRequest",
      schema: TokenRequest,
      form: true,
      examples: {
        password: {
          summary: "Password grant, first round",
          value: {
            grant_type: "password",
            username: "alice",
            password: "correct horse battery staple",
          },
        },
        otp: {
          summary: "Password grant with the code received",
          value: {
            grant_type: "password",
            username: "alice",
            password: "correct horse battery staple",
            otp: "123456",
          },
        },
        refresh: {
          summary: "Refresh-token grant",
          value: { grant_type: "refresh_token", refresh_token: TOKENS_EXAMPLE.refresh_token },
        },
      },
    },
    otpHeader: true,
    deviceTokenHeader: true,
    success: {
      status: 200,
      description: "Tokens.",
      body: schema("TokenResponse"),
      headers: { "Cache-Control": NO_STORE },
      examples: { tokens: { summary: "Tokens", value: TOKENS_EXAMPLE } },
    },
    errors: [
      "invalid_grant",
      "unsupported_grant_type",
      "tfa_enrollment_required",
      "otp_required",
      "invalid_otp",
      "too_many_attempts",
      "too_many_requests",
      "resend_too_soon",
      "sms_budget_exceeded",
      "delivery_unavailable",
      "second_factor_disabled",
    ],
  },
  "POST /v1/customers": {
    operationId: "createCustomer",
    summary: "Register a customer",
    description:
      "With `authMethod` `tfa_sms` or `tfa_email`, the phone or email and its verification code are required; that code also serves as the first OTP.",
    tag: "users",
    body: {
      name: "Registration",
      schema: Registration,
      examples: {
        sms: {
          summary: "SMS TFA",
          value: {
            username: "alice",
            password: "correct horse battery staple",
            authMethod: "tfa_sms",
            phoneNumber: "+33612345678",
            phoneVerificationCode: "123456",
          },
        },
      },
    },
    success: { status: 201, description: "The new user.", body: schema("User") },
    errors: ["username_taken", "too_many_requests", ...CONTACTS],
  },
  "GET /v1/user": {
    operationId: "getUser",
    summary: "The signed-in user",
    tag: "users",
    bearer: true,
    success: { status: 200, description: "The user.", body: schema("User") },
    errors: [],
  },
  "GET /v1/user/security_events": {
    operationId: "listSecurityEvents",
    summary: "The signed-in user's security log",
    description:
      "Logins (with the factor), codes sent, lockouts, factor and contact changes, backup codes, connector 2FA: newest first, a page at a time, kept `SECURITY_LOG_DAYS` (90 by default). Contacts are masked; no secret is ever shown.",
    tag: "users",
    bearer: true,
    query: [
      {
        name: "cursor",
        description: "The `nextCursor` of the previous page; omitted for the newest page.",
        schema: { type: "string", maxLength: 512 },
      },
    ],
    success: {
      status: 200,
      description: "A page of the log.",
      body: schema("SecurityEventPage"),
    },
    errors: ["invalid_request"],
  },
  "PATCH /v1/user": {
    operationId: "updateUser",
    summary: "Change the TFA method, phone or email",
    description:
      "A new phone or email comes with its verification code; where TFA is on, a change needs a current second factor as `otp` (or `X-OTP`), and the user is told.",
    tag: "users",
    bearer: true,
    body: { name: "UserPatch", schema: UserPatch },
    otpHeader: true,
    success: { status: 200, description: "The updated user.", body: schema("User") },
    errors: [...CONTACTS, ...STEP_UP],
  },
  "POST /v1/sign_ins": {
    operationId: "createSignIn",
    summary: "Start a sign-in",
    description:
      'A user without TFA is `complete` at once, with `tokens`; others get `needs_second_factor` and their `supportedSecondFactors`. No code is sent yet. The token of a remembered device (`deviceToken` or `X-Device-Token`) completes it at once, except for a user with a passkey; an invalid one is ignored. `{strategy: "passkey"}` starts a sign-in with a passkey alone: `needs_first_factor`, with the request options as `firstFactorVerification.nonce`.',
    tag: "signIns",
    deviceTokenHeader: true,
    body: {
      name: "SignInRequest",
      schema: SignInRequest,
      examples: {
        start: {
          summary: "Identifier and password",
          value: { identifier: "alice", password: "correct horse battery staple" },
        },
      },
    },
    success: {
      status: 200,
      description: "The SignIn.",
      body: schema("SignIn"),
      examples: { needsSecondFactor: { summary: "A TFA user", value: SIGN_IN_EXAMPLE } },
    },
    errors: ["invalid_grant", "user_locked", "too_many_attempts", "too_many_requests"],
  },
  "POST /v1/logout": {
    operationId: "logout",
    summary: "End a session (RFC 7009 token revocation)",
    description:
      "Ends the session of `token`: a refresh token, or an access token (`token_type_hint`). 200 whatever the token, as RFC 7009 §2.2 has it.",
    tag: "sessions",
    body: { name: "LogoutRequest", schema: LogoutRequest, form: true },
    success: { status: 200, description: "The token's session, if any, has ended." },
    errors: [],
  },
  "GET /v1/user/sessions": {
    operationId: "listSessions",
    summary: "The signed-in user's sessions",
    tag: "sessions",
    bearer: true,
    success: { status: 200, description: "Live sessions.", body: schema("SessionList") },
    errors: [],
  },
  "DELETE /v1/user/sessions/{id}": {
    operationId: "deleteSession",
    summary: "End one of the user's sessions",
    description: "Its refresh token and its access tokens stop working at once.",
    tag: "sessions",
    bearer: true,
    pathId: { description: "The session's id.", schema: { type: "string" } },
    success: { status: 204, description: "The session has ended." },
    errors: ["not_found"],
  },
  "GET /v1/user/devices": {
    operationId: "listDevices",
    summary: "The signed-in user's remembered devices",
    description:
      "Devices whose token skips the second factor at login, most recently used first; never the tokens.",
    tag: "sessions",
    bearer: true,
    success: { status: 200, description: "Remembered devices.", body: schema("DeviceList") },
    errors: [],
  },
  "DELETE /v1/user/devices": {
    operationId: "forgetDevices",
    summary: "Forget every remembered device",
    description: "Each of the user's logins asks for the second factor again.",
    tag: "sessions",
    bearer: true,
    success: { status: 204, description: "Every device is forgotten." },
    errors: [],
  },
  "DELETE /v1/user/devices/{id}": {
    operationId: "forgetDevice",
    summary: "Forget one remembered device",
    description: "Its token no longer skips the second factor.",
    tag: "sessions",
    bearer: true,
    pathId: { description: "The device's id.", schema: { type: "string" } },
    success: { status: 204, description: "The device is forgotten." },
    errors: ["not_found"],
  },
  "PUT /v1/user/password": {
    operationId: "changePassword",
    summary: "Change the password",
    description:
      "A wrong `currentPassword` counts as a failed login. Where TFA is on, a current second factor as `otp` (or `X-OTP`). Every other session ends, and the user is told.",
    tag: "sessions",
    bearer: true,
    body: { name: "PasswordChange", schema: PasswordChange },
    otpHeader: true,
    success: { status: 204, description: "The password has changed." },
    errors: ["invalid_grant", ...STEP_UP, "conflict"],
  },
  "GET /v1/sign_ins/{id}": {
    operationId: "getSignIn",
    summary: "A sign-in (never its tokens)",
    tag: "signIns",
    pathId: { description: "The SignIn's id.", schema: { type: "string" } },
    success: { status: 200, description: "The SignIn.", body: schema("SignIn") },
    errors: ["not_found"],
  },
  "POST /v1/sign_ins/{id}/prepare_second_factor": {
    operationId: "prepareSignInSecondFactor",
    summary: "Send a sign-in code by SMS or email",
    tag: "signIns",
    pathId: { description: "The SignIn's id.", schema: { type: "string" } },
    body: {
      name: "PrepareRequest",
      schema: PrepareRequest,
      examples: { sms: { summary: "By SMS", value: { strategy: "phone_code" } } },
    },
    success: {
      status: 200,
      description: "The SignIn, with its verification.",
      body: schema("SignIn"),
    },
    errors: [
      "not_found",
      "verification_expired",
      "verification_already_verified",
      "verification_strategy_invalid",
      "strategy_for_user_invalid",
      "no_second_factors",
      "tfa_enrollment_required",
      "user_locked",
      "second_factor_disabled",
      ...SENDING,
    ],
  },
  "POST /v1/sign_ins/{id}/attempt_second_factor": {
    operationId: "attemptSignInSecondFactor",
    summary: "Attempt a second factor",
    description: "On success the SignIn is `complete` and this response alone carries `tokens`.",
    tag: "signIns",
    pathId: { description: "The SignIn's id.", schema: { type: "string" } },
    body: {
      name: "AttemptRequest",
      schema: AttemptRequest,
      examples: {
        sms: { summary: "The SMS code", value: { strategy: "phone_code", code: "123456" } },
      },
    },
    success: {
      status: 200,
      description: "The completed SignIn, with tokens.",
      body: schema("SignIn"),
      examples: {
        complete: {
          summary: "Signed in",
          value: {
            ...SIGN_IN_EXAMPLE,
            status: "complete",
            secondFactorVerification: {
              status: "verified",
              strategy: "phone_code",
              attempts: 0,
              expireAt: "2026-01-01T10:10:00.000Z",
              error: null,
            },
            createdSessionId: "fam_0123456789abcdefABCDEF",
            tokens: TOKENS_EXAMPLE,
          },
        },
      },
    },
    errors: [
      "not_found",
      "form_code_incorrect",
      "verification_failed",
      "verification_missing",
      "verification_expired",
      "verification_already_verified",
      "verification_strategy_invalid",
      "strategy_for_user_invalid",
      "no_second_factors",
      "tfa_enrollment_required",
      "user_locked",
      "second_factor_disabled",
      "passkey_invalid",
      "passkey_challenge_expired",
      "passkey_cloned",
    ],
  },
  "POST /v1/sign_ins/{id}/attempt_first_factor": {
    operationId: "attemptSignInFirstFactor",
    summary: "Sign in with a passkey alone",
    description:
      'For a sign-in started with `{strategy: "passkey"}`: the assertion of a discoverable credential (user verification required). The user is found from the credential; an unknown one answers as a wrong one. On success the SignIn is `complete` and this response alone carries `tokens`.',
    tag: "signIns",
    pathId: { description: "The SignIn's id.", schema: { type: "string" } },
    body: { name: "FirstFactorAttemptRequest", schema: FirstFactorAttemptRequest },
    success: {
      status: 200,
      description: "The completed SignIn, with tokens.",
      body: schema("SignIn"),
    },
    errors: [...PASSKEY_ASSERTION, "not_found", "verification_strategy_invalid"],
  },
  "POST /v1/user/passkeys/registration_options": {
    operationId: "passkeyRegistrationOptions",
    summary: "Options to create a passkey",
    description:
      "A fresh challenge (5 minutes, single use) and the user's passkeys to exclude. Where the user has a code or app factor, a current one comes as `otp` (or `X-OTP`) first.",
    tag: "passkeys",
    bearer: true,
    body: { name: "StepUpRequest", schema: StepUpRequest },
    otpHeader: true,
    success: {
      status: 200,
      description: "The creation options, for `startRegistration`.",
      body: schema("PasskeyCreationOptions"),
    },
    errors: [...STEP_UP],
  },
  "POST /v1/user/passkeys": {
    operationId: "createPasskey",
    summary: "Add a passkey",
    description:
      "The attestation (`none` accepted) of the latest registration options. Passkeys then serve as a second factor, and the user is told.",
    tag: "passkeys",
    bearer: true,
    body: { name: "PasskeyCreateRequest", schema: PasskeyCreateRequest },
    success: { status: 201, description: "The passkey.", body: schema("Passkey") },
    errors: ["passkey_invalid", "passkey_challenge_expired", "passkey_already_registered"],
  },
  "GET /v1/user/passkeys": {
    operationId: "listPasskeys",
    summary: "The user's passkeys",
    tag: "passkeys",
    bearer: true,
    success: {
      status: 200,
      description: "The passkeys, oldest first.",
      body: { type: "array", items: schema("Passkey") },
    },
    errors: [],
  },
  "PATCH /v1/user/passkeys/{id}": {
    operationId: "renamePasskey",
    summary: "Rename a passkey",
    tag: "passkeys",
    bearer: true,
    pathId: { description: "The passkey's credential id.", schema: PasskeyId },
    body: { name: "PasskeyRenameRequest", schema: PasskeyRenameRequest },
    success: { status: 200, description: "The passkey.", body: schema("Passkey") },
    errors: ["passkey_not_found"],
  },
  "DELETE /v1/user/passkeys/{id}": {
    operationId: "deletePasskey",
    summary: "Remove a passkey",
    description:
      "Where the user has a code or app factor, a current one comes as `otp` (or `X-OTP`) first. The user is told.",
    tag: "passkeys",
    bearer: true,
    pathId: { description: "The passkey's credential id.", schema: PasskeyId },
    body: { name: "StepUpRequest", schema: StepUpRequest },
    otpHeader: true,
    success: { status: 204, description: "Removed." },
    errors: ["passkey_not_found", ...STEP_UP],
  },
  "GET /api/2.0/settings/tfaapp/setup": {
    operationId: "setupTfaApp",
    summary: "Start an authenticator-app enrollment",
    description: "Not active until validated with a code of the app.",
    tag: "authenticatorApps",
    bearer: true,
    docspace: true,
    success: {
      status: 200,
      description: "The key and its QR code.",
      body: docspaceSuccess(schema("TfaAppSetup")),
    },
    errors: ["tfa_app_already_linked", "conflict"],
  },
  "POST /api/2.0/settings/tfaapp/validate": {
    operationId: "validateTfaApp",
    summary: "Link the app with one of its codes",
    description:
      "`response: true` links the app (backup codes can then be read once); `false` when the code is wrong. Replacing an active second factor needs it as `otp` (or `X-OTP`).",
    tag: "authenticatorApps",
    bearer: true,
    docspace: true,
    body: { name: "TfaAppValidateRequest", schema: TfaAppValidateRequest },
    otpHeader: true,
    success: {
      status: 200,
      description: "Whether the app is linked.",
      body: docspaceSuccess({ type: "boolean" }),
    },
    errors: ["tfa_app_not_set_up", "tfa_app_already_linked", ...STEP_UP, "conflict"],
  },
  "GET /api/2.0/settings/tfaappcodes": {
    operationId: "listBackupCodes",
    summary: "Backup codes and whether each is used",
    tag: "authenticatorApps",
    bearer: true,
    docspace: true,
    success: {
      status: 200,
      description: "The backup codes.",
      body: docspaceSuccess({ type: "array", items: schema("BackupCode") }),
    },
    errors: ["tfa_app_not_set_up"],
  },
  "PUT /api/2.0/settings/tfaappnewcodes": {
    operationId: "regenerateBackupCodes",
    summary: "Regenerate backup codes",
    description: "Needs a current second factor; the old codes stop working, and the user is told.",
    tag: "authenticatorApps",
    bearer: true,
    docspace: true,
    body: { name: "StepUpRequest", schema: StepUpRequest },
    otpHeader: true,
    success: {
      status: 200,
      description: "The new codes, shown this once.",
      body: docspaceSuccess({ type: "array", items: schema("BackupCode") }),
    },
    errors: ["tfa_app_not_set_up", ...STEP_UP, "conflict"],
  },
  "PUT /api/2.0/settings/tfaappnewapp": {
    operationId: "unlinkTfaApp",
    summary: "Unlink the authenticator app",
    description: "Needs a current second factor; the user is told.",
    tag: "authenticatorApps",
    bearer: true,
    docspace: true,
    body: { name: "StepUpRequest", schema: StepUpRequest },
    otpHeader: true,
    success: { status: 200, description: "Unlinked.", body: docspaceSuccess({ const: true }) },
    errors: ["tfa_app_not_set_up", ...STEP_UP, "conflict"],
  },
  "POST /v1/accounts": {
    operationId: "createAccount",
    summary: "Create a connector account",
    description:
      "The credentials are encrypted at rest and never returned. `demo` is the built-in connector.",
    tag: "connectors",
    bearer: true,
    body: {
      name: "NewAccount",
      schema: NewAccount,
      examples: {
        demo: {
          summary: "The demo connector",
          value: {
            connector: "demo",
            auth: { login: "alice", password: "correct horse battery staple" },
          },
        },
      },
    },
    success: {
      status: 201,
      description: "The account.",
      body: schema("ConnectorAccount"),
      headers: { Location: LOCATION("account") },
    },
    errors: ["unknown_connector"],
  },
  "GET /v1/accounts/{id}": {
    operationId: "getAccount",
    summary: "A connector account and its Cozy state",
    tag: "connectors",
    bearer: true,
    pathId: { description: "The account's id.", schema: { type: "string" } },
    success: { status: 200, description: "The account.", body: schema("ConnectorAccount") },
    errors: ["not_found"],
  },
  "POST /v1/accounts/{id}/runs": {
    operationId: "startRun",
    summary: "Start a connector run",
    description: "One run at a time per account. A run that is not manual fails at once on 2FA.",
    tag: "connectors",
    bearer: true,
    pathId: { description: "The account's id.", schema: { type: "string" } },
    body: { name: "NewRun", schema: NewRun },
    success: {
      status: 201,
      description: "The run.",
      body: schema("ConnectorRun"),
      headers: { Location: LOCATION("run") },
    },
    errors: ["not_found", "run_in_progress"],
  },
  "GET /v1/runs/{id}": {
    operationId: "getRun",
    summary: "A connector run's status",
    tag: "connectors",
    bearer: true,
    pathId: { description: "The run's id.", schema: { type: "string" } },
    success: { status: 200, description: "The run.", body: schema("ConnectorRun") },
    errors: ["not_found"],
  },
  "POST /v1/accounts/{id}/twofa_code": {
    operationId: "submitTwoFaCode",
    summary: "Hand a 2FA code to the run that waits for it",
    tag: "connectors",
    bearer: true,
    pathId: { description: "The account's id.", schema: { type: "string" } },
    body: { name: "TwoFaCode", schema: TwoFaCode },
    success: {
      status: 202,
      description: "The run resumes with the code.",
      body: schema("CodeReceived"),
    },
    errors: ["not_found", "no_run_waiting"],
  },
  "POST /v1/accounts/{id}/twofa_code/resend": {
    operationId: "resendTwoFaCode",
    summary: "Ask the waiting run for a new 2FA code",
    description:
      "The run's wait ends and the run logs in again, so that the site sends a new code; at most three times a run.",
    tag: "connectors",
    bearer: true,
    pathId: { description: "The account's id.", schema: { type: "string" } },
    success: {
      status: 202,
      description: "The run logs in again; a new code is on its way.",
      body: schema("ResendRequested"),
    },
    errors: ["not_found", "no_run_waiting", "twofa_resend_unavailable"],
  },
  "GET /openapi.json": {
    operationId: "getOpenApiDocument",
    summary: "This document",
    tag: "meta",
    success: {
      status: 200,
      description: "The OpenAPI 3.1 document.",
      body: schema("OpenApiDocument"),
    },
    errors: [],
  },
};
