/**
 * Access tokens: compact JWS, HS256 with the SigningKey secret (jose: audited, zero
 * dependencies, tree-shakes to the few functions used here).
 */
import { jwtVerify, SignJWT } from "jose";
import type { AccessTokenSigner } from "../core/tokens.js";

const ISSUER = "twofa";
const AUDIENCE = "twofa-api";

export function hs256Signer(key: Uint8Array): AccessTokenSigner {
  return {
    sign: (userId, ttlSeconds) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          typ: "at+jwt",
        });
        return typeof payload.sub === "string" ? payload.sub : null;
      } catch {
        return null;
      }
    },
  };
}
