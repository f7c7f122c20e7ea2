/**
 * The one middleware stack every API handler uses, as named middlewares (`./middlewares/`): body
 * size limit, media type, body parsing, schema validation, authentication, security headers
 * and error mapping. A handler is this stack plus one call into core.
 */
import securityHeaders from "@middy/http-security-headers";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type * as v from "valibot";
import { withRequestSource } from "../adapters/request-source.js";
import { type Locale, localeFromAcceptLanguage } from "../core/events.js";
import type { User } from "../core/users.js";
import { type Authenticate, authentication } from "./middlewares/authentication.js";
import { bodyLimit } from "./middlewares/body-limit.js";
import { bodyParser } from "./middlewares/body-parser.js";
import { type ErrorEnvelope, errorMapping } from "./middlewares/error-mapping.js";
import { mediaType } from "./middlewares/media-type.js";
import { type ApiResponse, toResult } from "./middlewares/response.js";
import { withMiddlewares } from "./middlewares/stack.js";
import type { ApiContext, ApiMiddleware } from "./middlewares/types.js";
import { validation } from "./middlewares/validation.js";

export { ERROR_CODES, ERROR_MESSAGES } from "../core/errors.js";
export { HTTP_STATUS } from "./middlewares/error-mapping.js";

/** A user agent longer than this is cut when an event records it. */
const USER_AGENT_CHARS = 256;

export interface ApiRequest<Body, SignedInUser = undefined> {
  body: Body;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** API Gateway's view of the caller's address; never X-Forwarded-For. */
  sourceIp: string;
  locale: Locale;
  requestId: string;
  /** The signed-in user's id, on handlers built with `authenticate`; "" elsewhere. */
  userId: string;
  /** The session of the bearer access token; undefined for an enrollment token and elsewhere. */
  sessionId: string | undefined;
  /** The caller's User-Agent, as sessions and the security log record it. */
  userAgent: string;
  /** The signed-in user, on handlers whose `authenticate` loads it. */
  user: SignedInUser;
}

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

export interface HandlerOptions<
  S extends v.GenericSchema | undefined,
  A extends Authenticate | undefined,
> {
  body?: S;
  /** Form bodies (`application/x-www-form-urlencoded`) too; JSON only without it. */
  acceptForm?: boolean;
  errorEnvelope?: ErrorEnvelope;
  /**
   * Requires `Authorization: Bearer <access token>`. A verifier that answers a user id gives
   * the request `userId`; one that loads the user gives it `user` as well.
   */
  authenticate?: A;
  /**
   * The admin API's key check, run before anything else of the request is read: a caller
   * without the key learns nothing, not even whether the body would have been valid.
   */
  admin?: (headers: Record<string, string | undefined>) => void;
}

type BodyOf<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;
type UserOf<A> = A extends (token: string) => Promise<infer R>
  ? Exclude<R, null> extends { user: User }
    ? User
    : undefined
  : undefined;

export function apiHandler<
  S extends v.GenericSchema | undefined = undefined,
  A extends Authenticate | undefined = undefined,
>(
  options: HandlerOptions<S, A>,
  run: (request: ApiRequest<BodyOf<S>, UserOf<A>>, context: ApiContext) => Promise<ApiResponse>,
) {
  const stack: ApiMiddleware[] = [];
  const admin = options.admin;
  if (admin) stack.push({ before: ({ event }) => admin(event.headers ?? {}) });
  stack.push(bodyLimit(), mediaType({ form: options.acceptForm ?? false }), bodyParser());
  if (options.body) stack.push(validation(options.body));
  if (options.authenticate) stack.push(authentication(options.authenticate));
  // Registered last, so that its onError runs first and security headers land on errors too.
  stack.push(securityHeaders() as ApiMiddleware, errorMapping(options.errorEnvelope));
  return withMiddlewares(
    stack,
    async (event, context): Promise<APIGatewayProxyStructuredResultV2> => {
      const headers = Object.fromEntries(
        Object.entries(event.headers ?? {}).filter(
          (entry): entry is [string, string] => entry[1] !== undefined,
        ),
      );
      const userAgent = event.requestContext.http.userAgent ?? headers["user-agent"] ?? "";
      const source = {
        ip: event.requestContext.http.sourceIp,
        ...(userAgent ? { userAgent: userAgent.slice(0, USER_AGENT_CHARS) } : {}),
      };
      const response = await withRequestSource(source, () =>
        run(
          {
            body: (options.body ? event.body : undefined) as BodyOf<S>,
            pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
            query: (event.queryStringParameters ?? {}) as Record<string, string>,
            headers,
            sourceIp: event.requestContext.http.sourceIp,
            locale: localeFromAcceptLanguage(headers["accept-language"]),
            requestId: context.awsRequestId,
            userId: context.signedIn?.userId ?? "",
            sessionId: context.signedIn?.sessionId,
            userAgent,
            user: context.signedIn?.user as UserOf<A>,
          },
          context,
        ),
      );
      return toResult(response);
    },
  );
}
