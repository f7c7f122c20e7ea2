/**
 * The one place where outcomes meet HTTP: a domain error becomes its status, its envelope and
 * the headers its challenge calls for; middy's body-parser errors become domain errors; anything
 * else is logged (without the event: bodies carry passwords and codes) and answers a bare 500.
 */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { logger } from "../../adapters/logger.js";
import {
  type Challenge,
  DomainError,
  ERROR_MESSAGES,
  type ErrorCode,
  isDomainError,
} from "../../core/errors.js";
import { toResult } from "./response.js";
import type { ApiMiddleware } from "./types.js";

/** HTTP status per error code: every code of the catalogue has one. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  invalid_phone_number: 400,
  country_not_allowed: 400,
  invalid_email: 400,
  resend_too_soon: 429,
  too_many_requests: 429,
  sms_budget_exceeded: 503,
  delivery_unavailable: 503,
  invalid_verification_code: 400,
  otp_required: 400, // RFC 6749 §5.2: token endpoint errors are 400
  invalid_otp: 400,
  too_many_attempts: 429,
  username_taken: 409,
  phone_number_taken: 409,
  email_taken: 409,
  tfa_required: 400,
  tfa_enrollment_required: 400,
  second_factor_required: 403,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_token: 401,
  form_code_incorrect: 422,
  verification_expired: 400,
  verification_failed: 400,
  verification_missing: 400,
  verification_already_verified: 400,
  verification_strategy_invalid: 400,
  strategy_for_user_invalid: 400,
  no_second_factors: 400,
  user_locked: 403,
  second_factor_disabled: 403,
  tfa_app_not_set_up: 400,
  tfa_app_already_linked: 409,
  passkey_invalid: 400,
  passkey_challenge_expired: 400,
  passkey_not_found: 404,
  passkey_already_registered: 409,
  passkey_cloned: 400,
  unknown_connector: 400,
  no_run_waiting: 409,
  run_in_progress: 409,
  twofa_resend_unavailable: 409,
  not_found: 404,
  user_not_found: 404,
  invalid_admin_key: 401,
  method_not_allowed: 405,
  conflict: 409,
  internal_error: 500,
};

export type ErrorEnvelope = (
  status: number,
  code: ErrorCode,
  description: string,
  extra: Record<string, unknown>,
) => unknown;

/** RFC 6749 §5.2 shape, used across `/v1`. */
const oauthEnvelope: ErrorEnvelope = (_status, code, description, extra) => ({
  error: code,
  error_description: description,
  ...extra,
});

/** The headers a challenge calls for. */
function challengeHeaders(challenge: Challenge): Record<string, string> {
  switch (challenge.kind) {
    case "otp":
      return { "x-otp": `required; auth_method=${challenge.authMethod}` };
    case "bearer":
      return {
        "www-authenticate":
          challenge.error === undefined ? "Bearer" : `Bearer error="${challenge.error}"`,
      };
  }
}

/** An unusable token is challenged even when core, not the middleware, found it out. */
function challengeOf(error: DomainError): Challenge | undefined {
  if (error.options.challenge) return error.options.challenge;
  return error.code === "invalid_token" ? { kind: "bearer", error: "invalid_token" } : undefined;
}

function errorResult(
  envelope: ErrorEnvelope,
  error: DomainError,
): APIGatewayProxyStructuredResultV2 {
  const status = HTTP_STATUS[error.code];
  const { field, retryAfterSeconds, extra = {} } = error.options;
  const challenge = challengeOf(error);
  return toResult({
    status,
    body: envelope(status, error.code, error.description, {
      ...(field === undefined ? {} : { field }),
      ...extra,
    }),
    headers: {
      ...(challenge === undefined ? {} : challengeHeaders(challenge)),
      ...(retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) }),
    },
  });
}

const MIDDY_BODY_PARSERS: Readonly<Record<string, () => DomainError>> = {
  "@middy/http-json-body-parser": () => new DomainError("invalid_json"),
  "@middy/http-urlencode-body-parser": () =>
    new DomainError("invalid_request", "The body is not a valid form."),
};

/**
 * middy's body parsers fail with an HTTP error whose `cause.package` names the parser: 415 for
 * malformed bodies in middy 6, 422 in its next major. Told apart by status and package, never
 * by message text.
 */
function fromMiddy(error: unknown): DomainError | null {
  const { statusCode, cause } = (error ?? {}) as {
    statusCode?: unknown;
    cause?: { package?: unknown };
  };
  if (statusCode !== 415 && statusCode !== 422) return null;
  const parser = typeof cause?.package === "string" ? MIDDY_BODY_PARSERS[cause.package] : undefined;
  return parser ? parser() : null;
}

export function errorMapping(envelope: ErrorEnvelope = oauthEnvelope): ApiMiddleware {
  return {
    name: "errorMapping",
    onError: (request) => {
      const error = request.error;
      const domain = isDomainError(error) ? error : fromMiddy(error);
      if (domain) {
        request.response = errorResult(envelope, domain);
        return;
      }
      logger.error("unhandled error", {
        requestId: request.context.awsRequestId,
        route: request.event.routeKey,
        errorName: error?.name,
        errorMessage: error?.message,
        stack: error?.stack,
      });
      request.response = toResult({
        status: 500,
        body: envelope(500, "internal_error", ERROR_MESSAGES.internal_error, {}),
      });
    },
  };
}
