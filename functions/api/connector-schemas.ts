/** Path parameters of the connector routes. */
import { DomainError } from "../core/errors.js";

/** Ids this service mints are short base64url strings; anything else names nothing. */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The `{id}` of the path, or `not_found` (the same answer as an id nobody owns). */
export function pathId(pathParameters: Record<string, string>, what: "account" | "run"): string {
  const id = pathParameters.id ?? "";
  if (!ID_PATTERN.test(id)) throw new DomainError("not_found", `No such ${what}.`);
  return id;
}
