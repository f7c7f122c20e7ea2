/**
 * Bearer-token authentication (RFC 6750 §2.1): finds who signed in and hands it to the handler
 * (`context.signedIn`). The scheme is case-insensitive (RFC 9110 §11.1: `bearer x` is as good
 * as `Bearer x`). A request with no credentials is challenged with a bare `Bearer`; one whose
 * token is unusable with `Bearer error="invalid_token"` (RFC 6750 §3.1).
 */
import { DomainError } from "../../core/errors.js";
import type { User } from "../../core/users.js";
import type { ApiMiddleware } from "./types.js";

/** A verified token's user id, or its user when the verifier loads it; `null` when invalid. */
export type Authenticate = (accessToken: string) => Promise<string | User | null>;

const BEARER = /^bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export function authentication(authenticate: Authenticate): ApiMiddleware {
  return {
    name: "authentication",
    before: async ({ event, context }) => {
      const header = event.headers?.authorization ?? event.headers?.Authorization ?? "";
      if (header.trim() === "") {
        throw new DomainError("invalid_token", undefined, { challenge: { kind: "bearer" } });
      }
      const token = BEARER.exec(header)?.[1];
      const found = token === undefined ? null : await authenticate(token);
      if (found === null) {
        throw new DomainError("invalid_token", undefined, {
          challenge: { kind: "bearer", error: "invalid_token" },
        });
      }
      context.signedIn =
        typeof found === "string" ? { userId: found } : { userId: found.id, user: found };
    },
  };
}
