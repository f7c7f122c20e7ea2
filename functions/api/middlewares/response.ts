/** How a handler's answer becomes API Gateway's structured result. */
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Responses of an authentication service are never cached by anyone. */
const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/** A response with no body (a 204, say) carries no `Content-Type`: there is nothing to type. */
export function toResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  const hasBody = response.body !== undefined;
  return {
    statusCode: response.status,
    headers: { ...(hasBody ? JSON_TYPE : {}), ...NO_STORE, ...response.headers },
    body: hasBody ? JSON.stringify(response.body) : "",
  };
}
