/**
 * The error catalogue as the API description reads it: every stable code and its HTTP status.
 * The one place this directory touches the catalogue's modules.
 */
import { HTTP_STATUS } from "../../functions/api/http.js";
import type { ErrorCode } from "../../functions/core/errors.js";

export type { ErrorCode };

export function statusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}
