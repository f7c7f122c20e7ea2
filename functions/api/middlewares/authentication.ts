/**
 * Bearer-token authentication (RFC 6750 §2.1): finds who signed in and hands it to the handler
 * (`context.signedIn`). The scheme is case-insensitive (RFC 9110 §11.1: `bearer x` is as good
 * as `Bearer x`). A request with no credentials is challenged with a bare `Bearer`; one whose
 * token is unusable with `Bearer error="invalid_token"` (RFC 6750 §3.1).
 */
import { DomainError } from "../../core/errors.js";
import type { ApiMiddleware, SignedIn } from "./types.js";

/**
 * Who a token signs in (user id, session, and the user when the verifier loads it); `null` when
 * the token is invalid, expired, or its session has ended.
 */
export type Authenticate = (accessToken: string) => Promise<SignedIn | null>;

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
      context.signedIn = found;
    },
  };
}
