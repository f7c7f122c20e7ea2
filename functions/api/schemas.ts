/**
 * Request body schemas of the API (valibot: ~5 KB on a cold start). The handlers validate with
 * them and `docs/openapi.json` is generated from them, so each is written once, here.
 * Every call at module level is marked `@__PURE__`: a bundler then drops the schemas a
 * handler does not import, and each Lambda bundle carries only its own.
 */
import * as v from "valibot";
import { normalizeUsername, SELECTABLE_AUTH_METHODS } from "../core/users.js";

/** A bounded string: nothing in this API needs more than a few hundred characters. */
export const text = (max = 256) =>
  v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(max));

/**
 * A username as sent, bounded before and after normalization: NFKC turns some single
 * characters into many (U+FDFA into 18), and the normalized name keys rate limits and lookups
 * whose DynamoDB keys are bounded too.
 */
export const username = (max = 256) =>
  v.pipe(
    text(max),
    v.check(
      (value) => normalizeUsername(value).length <= max,
      `must have at most ${max} characters once normalized (NFKC)`,
    ),
  );

/** A one-time code or OTP as typed: any string up to 64 characters, checked by core. */
const codeText = () => v.pipe(v.string(), v.maxLength(64));

/** A remembered device's token as sent: a malformed one is ignored by core, never refused. */
const deviceToken = () => v.pipe(v.string(), v.maxLength(256));

/** A yes/no flag: a JSON boolean, or `true` / `false` in a form. */
const flag = () => v.union([v.boolean(), v.picklist(["true", "false"])]);

/** Whether a flag as sent says yes. */
export function flagSet(value: boolean | "true" | "false" | undefined): boolean {
  return value === true || value === "true";
}

/** `POST /v1/phone_verification_codes`. */
export const PhoneVerificationCodeRequest = /*@__PURE__*/ v.object({
  phoneNumber: /*@__PURE__*/ text(32),
});

/** `POST /v1/email_verification_codes`. */
export const EmailVerificationCodeRequest = /*@__PURE__*/ v.object({
  email: /*@__PURE__*/ text(254),
});

/** `GET /v1/deliveries/{id}`: the `X-Delivery-Id` of the request that caused the message. */
export const DeliveryId = /*@__PURE__*/ v.pipe(
  /*@__PURE__*/ v.string(),
  /*@__PURE__*/ v.regex(/^evt_[A-Za-z0-9_-]{22}$/),
);

/** `POST /v1/token` (RFC 6749 field names; form-encoded or JSON). */
export const TokenRequest = /*@__PURE__*/ v.object({
  grant_type: /*@__PURE__*/ text(64),
  username: /*@__PURE__*/ v.optional(/*@__PURE__*/ username(256)),
  password: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(256)),
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
  refresh_token: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(512)),
  remember_device: /*@__PURE__*/ v.optional(/*@__PURE__*/ flag()),
  device_token: /*@__PURE__*/ v.optional(/*@__PURE__*/ deviceToken()),
  scope: /*@__PURE__*/ v.optional(
    /*@__PURE__*/ v.pipe(/*@__PURE__*/ v.string(), /*@__PURE__*/ v.maxLength(512)),
  ),
});

/** `POST /v1/customers`: registration, with the verification code of the TFA contact. */
export const Registration = /*@__PURE__*/ v.object({
  username: /*@__PURE__*/ text(64),
  password: /*@__PURE__*/ text(256),
  authMethod: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.picklist(SELECTABLE_AUTH_METHODS)),
  phoneNumber: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(32)),
  phoneVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  phoneVerificationId: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
  email: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(254)),
  emailVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  emailVerificationId: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
});

/** `PATCH /v1/user`: change the TFA method, phone or email (with codes and step-up). */
export const UserPatch = /*@__PURE__*/ v.object({
  authMethod: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.picklist(SELECTABLE_AUTH_METHODS)),
  phoneNumber: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(32)),
  phoneVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  phoneVerificationId: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
  email: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(254)),
  emailVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  emailVerificationId: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
});

/**
 * `POST /v1/sign_ins`: `{identifier, password}`, or `{strategy: "passkey"}` for a sign-in with a
 * passkey alone (the handler asks for identifier and password when the strategy is not passkey).
 */
export const SignInRequest = /*@__PURE__*/ v.object({
  identifier: /*@__PURE__*/ v.optional(/*@__PURE__*/ username(256)),
  password: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(256)),
  strategy: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.picklist(["password", "passkey"])),
  deviceToken: /*@__PURE__*/ v.optional(/*@__PURE__*/ deviceToken()),
});

/** `POST /v1/sign_ins/{id}/prepare_second_factor`. */
export const PrepareRequest = /*@__PURE__*/ v.object({ strategy: /*@__PURE__*/ text(64) });

/**
 * base64url as WebAuthn's JSON encodes bytes, bounded: a credential id is at most 1023 bytes,
 * and nothing else a passkey sends comes near 8 KB.
 */
const base64url = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max),
    v.check((value) => /^[A-Za-z0-9_-]*$/.test(value), "must be base64url"),
  );

/** Extension outputs as the browser reports them; not used by this service. */
const clientExtensionResults = () =>
  v.optional(
    v.pipe(
      v.record(v.string(), v.unknown()),
      v.check((value) => JSON.stringify(value).length <= 1024, "must be at most 1024 characters"),
    ),
    {},
  );

/** WebAuthn's `AuthenticationResponseJSON` (what `startAuthentication` answers). */
export const PasskeyAssertion = /*@__PURE__*/ v.object({
  id: /*@__PURE__*/ base64url(1366),
  rawId: /*@__PURE__*/ base64url(1366),
  type: /*@__PURE__*/ v.literal("public-key"),
  response: /*@__PURE__*/ v.object({
    clientDataJSON: /*@__PURE__*/ base64url(4096),
    authenticatorData: /*@__PURE__*/ base64url(4096),
    signature: /*@__PURE__*/ base64url(1024),
    userHandle: /*@__PURE__*/ v.optional(/*@__PURE__*/ base64url(128)),
  }),
  authenticatorAttachment: /*@__PURE__*/ v.optional(
    /*@__PURE__*/ v.nullable(/*@__PURE__*/ v.picklist(["platform", "cross-platform"])),
  ),
  clientExtensionResults: /*@__PURE__*/ clientExtensionResults(),
});

/** WebAuthn's `RegistrationResponseJSON` (what `startRegistration` answers). */
export const PasskeyAttestation = /*@__PURE__*/ v.object({
  id: /*@__PURE__*/ base64url(1366),
  rawId: /*@__PURE__*/ base64url(1366),
  type: /*@__PURE__*/ v.literal("public-key"),
  response: /*@__PURE__*/ v.object({
    clientDataJSON: /*@__PURE__*/ base64url(4096),
    attestationObject: /*@__PURE__*/ base64url(8192),
    authenticatorData: /*@__PURE__*/ v.optional(/*@__PURE__*/ base64url(4096)),
    transports: /*@__PURE__*/ v.optional(
      /*@__PURE__*/ v.pipe(/*@__PURE__*/ v.array(/*@__PURE__*/ text(32)), v.maxLength(8)),
    ),
    publicKeyAlgorithm: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.number()),
    publicKey: /*@__PURE__*/ v.optional(/*@__PURE__*/ base64url(4096)),
  }),
  authenticatorAttachment: /*@__PURE__*/ v.optional(
    /*@__PURE__*/ v.nullable(/*@__PURE__*/ v.picklist(["platform", "cross-platform"])),
  ),
  clientExtensionResults: /*@__PURE__*/ clientExtensionResults(),
});

/**
 * `POST /v1/sign_ins/{id}/attempt_second_factor`: `code` for codes, `publicKeyCredential` for a
 * passkey (the handler asks for the one the strategy needs).
 */
export const AttemptRequest = /*@__PURE__*/ v.object({
  strategy: /*@__PURE__*/ text(64),
  code: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
  publicKeyCredential: /*@__PURE__*/ v.optional(PasskeyAssertion),
  rememberDevice: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.boolean()),
});

/** `POST /v1/sign_ins/{id}/attempt_first_factor`: a passkey alone. */
export const FirstFactorAttemptRequest = /*@__PURE__*/ v.object({
  strategy: /*@__PURE__*/ text(64),
  publicKeyCredential: PasskeyAssertion,
});

/** `POST /v1/user/passkeys`: the new passkey's attestation and the name the user gives it. */
export const PasskeyCreateRequest = /*@__PURE__*/ v.object({
  credential: PasskeyAttestation,
  name: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
});

/** `PATCH /v1/user/passkeys/{id}`. */
export const PasskeyRenameRequest = /*@__PURE__*/ v.object({ name: /*@__PURE__*/ text(64) });

/** A passkey's id in a path: its credential id. */
export const PasskeyId = /*@__PURE__*/ base64url(1366);

/** `POST /api/2.0/settings/tfaapp/validate`: `otp` is the current second factor, if any. */
export const TfaAppValidateRequest = /*@__PURE__*/ v.object({
  code: /*@__PURE__*/ codeText(),
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
});

/** `PUT /api/2.0/settings/tfaappnewcodes` and `tfaappnewapp`: the current second factor. */
export const StepUpRequest = /*@__PURE__*/ v.object({
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
});

/** `POST /v1/logout` (RFC 7009 field names; form-encoded or JSON). */
export const LogoutRequest = /*@__PURE__*/ v.object({
  token: /*@__PURE__*/ text(2048),
  token_type_hint: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(64)),
});

/** `PUT /v1/user/password`: `otp` is the current second factor where TFA is on. */
export const PasswordChange = /*@__PURE__*/ v.object({
  currentPassword: /*@__PURE__*/ text(256),
  newPassword: /*@__PURE__*/ text(256),
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
});

export const NewWebhookEndpoint = /*@__PURE__*/ v.object({
  url: /*@__PURE__*/ text(2048),
  eventTypes: /*@__PURE__*/ v.pipe(
    /*@__PURE__*/ v.array(/*@__PURE__*/ text(64)),
    /*@__PURE__*/ v.minLength(1),
    /*@__PURE__*/ v.maxLength(32),
  ),
});
