/** The types every middleware of the API's middy stack shares. */
import type { MiddlewareObj } from "@middy/core";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { User } from "../../core/users.js";

/** API Gateway's event, whose body the parsing middleware replaces with the parsed value. */
export type ApiEvent = Omit<APIGatewayProxyEventV2, "body"> & { body?: unknown };

/**
 * Who the authentication middleware found: the user id, the session of the access token (none
 * for an enrollment token), and the user when it was loaded.
 */
export interface SignedIn {
  userId: string;
  sessionId?: string;
  user?: User;
}

/** Lambda's context, with what the authentication middleware found. */
export type ApiContext = Context & { signedIn?: SignedIn };

export type ApiMiddleware = MiddlewareObj<
  ApiEvent,
  APIGatewayProxyStructuredResultV2,
  Error,
  ApiContext
>;
