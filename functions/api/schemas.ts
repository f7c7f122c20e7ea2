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
  email: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(254)),
  emailVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
});

/** `PATCH /v1/user`: change the TFA method, phone or email (with codes and step-up). */
export const UserPatch = /*@__PURE__*/ v.object({
  authMethod: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.picklist(SELECTABLE_AUTH_METHODS)),
  phoneNumber: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(32)),
  phoneVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  email: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(254)),
  emailVerificationCode: /*@__PURE__*/ v.optional(/*@__PURE__*/ text(16)),
  otp: /*@__PURE__*/ v.optional(/*@__PURE__*/ codeText()),
});

/** `POST /v1/sign_ins`. */
export const SignInRequest = /*@__PURE__*/ v.object({
  identifier: /*@__PURE__*/ username(256),
  password: /*@__PURE__*/ text(256),
  deviceToken: /*@__PURE__*/ v.optional(/*@__PURE__*/ deviceToken()),
});

/** `POST /v1/sign_ins/{id}/prepare_second_factor`. */
export const PrepareRequest = /*@__PURE__*/ v.object({ strategy: /*@__PURE__*/ text(64) });

/** `POST /v1/sign_ins/{id}/attempt_second_factor`. */
export const AttemptRequest = /*@__PURE__*/ v.object({
  strategy: /*@__PURE__*/ text(64),
  code: /*@__PURE__*/ codeText(),
  rememberDevice: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.boolean()),
});

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
