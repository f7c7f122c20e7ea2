/**
 * The one middy stack every API handler uses: body size limit, JSON or form body parsing,
 * schema validation at the edge, one error mapper, security headers and a request log line
 * with nothing secret in it. A handler is this stack plus one call into core.
 */
import middy from "@middy/core";
import jsonBodyParser from "@middy/http-json-body-parser";
import securityHeaders from "@middy/http-security-headers";
import urlencodeBodyParser from "@middy/http-urlencode-body-parser";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import * as v from "valibot";
import { logger } from "../adapters/logger.js";
import { DomainError, type ErrorCode, isDomainError } from "../core/errors.js";
import { type Locale, localeFromAcceptLanguage } from "../core/events.js";

/** HTTP status per error code: the single place where domain outcomes meet HTTP. */
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
  invalid_verification_code: 400,
  otp_required: 400, // RFC 6749 §5.2: token endpoint errors are 400
  invalid_otp: 400,
  too_many_attempts: 429,
  username_taken: 409,
  phone_number_taken: 409,
  email_taken: 409,
  tfa_required: 400,
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
  tfa_app_not_set_up: 400,
  tfa_app_already_linked: 409,
  unknown_connector: 400,
  no_run_waiting: 409,
  run_in_progress: 409,
  twofa_resend_unavailable: 409,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  internal_error: 500,
};

/** Bodies larger than this are refused before parsing; no request of this API needs more. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface ApiRequest<Body> {
  body: Body;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** API Gateway's view of the caller's address; never X-Forwarded-For. */
  sourceIp: string;
  locale: Locale;
  requestId: string;
  /** The signed-in user, on handlers built with `authenticate`. */
  userId: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type ErrorEnvelope = (
  status: number,
  code: ErrorCode,
  description: string,
  extra: Record<string, unknown>,
) => unknown;

/** RFC 6749 §5.2 shape, used across `/v1`. */
export const oauthEnvelope: ErrorEnvelope = (_status, code, description, extra) => ({
  error: code,
  error_description: description,
  ...extra,
});

/**
 * ONLYOFFICE DocSpace's shape, for its `/api/2.0` paths: `{error: {message, type}, status: 1,
 * statusCode}`; `type` is our stable code. Success bodies are `docspace(value)`.
 */
export const docspaceEnvelope: ErrorEnvelope = (status, code, description, extra) => ({
  error: { message: description, type: code, ...extra },
  status: 1,
  statusCode: status,
});

/** A DocSpace success: `{response: value, status: 0, statusCode: 200}`. */
export function docspace(value: unknown): ApiResponse {
  return { status: 200, body: { response: value, status: 0, statusCode: 200 } };
}

export interface HandlerOptions<S extends v.GenericSchema | undefined> {
  body?: S;
  errorEnvelope?: ErrorEnvelope;
  /** Requires `Authorization: Bearer <access token>`; the request then carries `userId`. */
  authenticate?: (accessToken: string) => Promise<string | null>;
}

type BodyOf<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;
type Event = APIGatewayProxyEventV2 & { body?: unknown };

const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  // Responses of an authentication service are never cached by anyone.
  "cache-control": "no-store",
  pragma: "no-cache",
};

export function json(status: number, body?: unknown, headers: Record<string, string> = {}) {
  return { status, body, headers };
}

function toResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { ...BASE_HEADERS, ...response.headers },
    body: response.body === undefined ? "" : JSON.stringify(response.body),
  };
}

function errorResult(
  envelope: ErrorEnvelope,
  error: DomainError,
): APIGatewayProxyStructuredResultV2 {
  const status = HTTP_STATUS[error.code];
  const { field, retryAfterSeconds, extra = {}, headers = {} } = error.options;
  const body = envelope(status, error.code, error.description, {
    ...(field === undefined ? {} : { field }),
    ...extra,
  });
  return toResult({
    status,
    body,
    headers: {
      ...headers,
      ...(retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) }),
    },
  });
}

function bodySize(event: APIGatewayProxyEventV2): number {
  if (typeof event.body !== "string") return 0;
  return event.isBase64Encoded
    ? Math.floor((event.body.length * 3) / 4)
    : Buffer.byteLength(event.body, "utf8");
}

/**
 * Describes what was expected, never what was received: the received value may be a password
 * or a code sent in the wrong shape.
 */
function describeIssue(where: string, issue: v.BaseIssue<unknown>): string {
  const limit = issue.expected?.replace(/^[<>]=/, "");
  switch (issue.type) {
    case "min_length":
      return `${where} must have at least ${limit} characters.`;
    case "max_length":
      return `${where} must have at most ${limit} characters.`;
    default:
      return issue.kind === "schema" && issue.expected
        ? `${where} must be ${issue.expected}.`
        : `${where} has an invalid value.`;
  }
}

function validationError(issues: v.BaseIssue<unknown>[]): DomainError {
  const issue = issues[0];
  const field = issue ? v.getDotPath(issue) : null;
  const where = field ?? "body";
  const description =
    issue === undefined
      ? "The body is invalid."
      : issue.input === undefined && field !== null
        ? `${where} is required.`
        : describeIssue(where, issue);
  return new DomainError("invalid_request", description, field === null ? {} : { field });
}

/** Turns middy's body-parser errors and anything else into domain errors. */
function asDomainError(error: unknown): DomainError | null {
  if (isDomainError(error)) return error;
  const cause = (error as { cause?: { package?: string } } | undefined)?.cause;
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (cause?.package?.startsWith("@middy/http-") && status === 415) {
    return (error as Error).message.startsWith("Unsupported")
      ? new DomainError("unsupported_media_type", "Send application/json or a form body.")
      : new DomainError("invalid_json", "The body is not valid JSON.");
  }
  return null;
}

export function apiHandler<S extends v.GenericSchema | undefined = undefined>(
  options: HandlerOptions<S>,
  run: (request: ApiRequest<BodyOf<S>>, context: Context) => Promise<ApiResponse>,
) {
  const envelope = options.errorEnvelope ?? oauthEnvelope;
  return middy<Event, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use({
      before: async ({ event }) => {
        if (bodySize(event as APIGatewayProxyEventV2) > MAX_BODY_BYTES) {
          throw new DomainError(
            "payload_too_large",
            `Bodies are limited to ${MAX_BODY_BYTES} bytes.`,
          );
        }
        const hasBody = typeof event.body === "string" && event.body.length > 0;
        const type = event.headers?.["content-type"] ?? "";
        // The same media types the two body parsers below accept, and nothing else: a body
        // neither of them parses must not reach validation as a raw string.
        if (hasBody && !/^application\/((.+\+)?json|x-www-form-urlencoded)\s*($|;)/i.test(type)) {
          throw new DomainError("unsupported_media_type", "Send application/json or a form body.");
        }
        if (!hasBody) {
          event.body = {};
          // Clients send `Content-Type: application/json` on bodiless GETs too (DocSpace's
          // examples do); with no body there is nothing for the parsers to parse.
          if (event.headers) delete event.headers["content-type"];
        }
      },
    })
    .use(jsonBodyParser({ disableContentTypeError: true }))
    .use(urlencodeBodyParser({ disableContentTypeError: true }))
    .use(securityHeaders())
    .use({
      onError: async (request) => {
        const domain = asDomainError(request.error);
        if (domain) {
          request.response = errorResult(envelope, domain);
          return;
        }
        const error = request.error;
        logger.error("unhandled error", {
          requestId: request.context.awsRequestId,
          route: request.event.routeKey,
          errorName: error?.name,
          errorMessage: error?.message,
          stack: error?.stack,
        });
        request.response = toResult({
          status: 500,
          body: envelope(500, "internal_error", "Something went wrong on our side.", {}),
        });
      },
    })
    .handler(async (event, context) => {
      let body: unknown;
      if (options.body) {
        const parsed = v.safeParse(options.body, event.body);
        if (!parsed.success) throw validationError(parsed.issues);
        body = parsed.output;
      }
      const headers = Object.fromEntries(
        Object.entries(event.headers ?? {}).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      );
      let userId = "";
      if (options.authenticate) {
        const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(headers.authorization ?? "");
        userId = (match?.[1] ? await options.authenticate(match[1]) : null) ?? "";
        if (!userId) {
          throw new DomainError("invalid_token", "A valid bearer access token is required.", {
            headers: { "www-authenticate": 'Bearer error="invalid_token"' },
          });
        }
      }
      const response = await run(
        {
          body: body as BodyOf<S>,
          pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
          query: (event.queryStringParameters ?? {}) as Record<string, string>,
          headers,
          sourceIp: event.requestContext.http.sourceIp,
          locale: localeFromAcceptLanguage(headers["accept-language"]),
          requestId: context.awsRequestId,
          userId,
        },
        context,
      );
      return toResult(response);
    });
}
