/**
 * Request bodies and path parameters of the connector routes. Module-level calls are marked
 * `@__PURE__` so that each handler's bundle keeps only the schemas it imports.
 */
import * as v from "valibot";
import { DomainError } from "../core/errors.js";
import { text } from "./schemas.js";

/** Ids this service mints are short base64url strings; anything else names nothing. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The `{id}` of the path, or `not_found` (the same answer as an id nobody owns). */
export function pathId(pathParameters: Record<string, string>, what: "account" | "run"): string {
  const id = pathParameters.id ?? "";
  if (!ID_PATTERN.test(id)) throw new DomainError("not_found", `No such ${what}.`);
  return id;
}

/** `POST /v1/accounts`: the credentials are sealed at rest and never returned. */
export const NewAccount = /*@__PURE__*/ v.object({
  connector: /*@__PURE__*/ text(64),
  auth: /*@__PURE__*/ v.object({
    login: /*@__PURE__*/ text(256),
    password: /*@__PURE__*/ text(256),
  }),
});

/** `POST /v1/accounts/{id}/runs`: `manual` absent means a background run. */
export const NewRun = /*@__PURE__*/ v.object({
  manual: /*@__PURE__*/ v.optional(/*@__PURE__*/ v.boolean(), false),
});

/** `POST /v1/accounts/{id}/twofa_code`: vendors' codes vary; none is longer than this. */
export const TwoFaCode = /*@__PURE__*/ v.object({
  code: /*@__PURE__*/ v.pipe(
    /*@__PURE__*/ v.string(),
    /*@__PURE__*/ v.trim(),
    /*@__PURE__*/ v.minLength(1),
    /*@__PURE__*/ v.maxLength(64),
  ),
});
