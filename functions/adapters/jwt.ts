/**
 * Access and enrollment tokens: compact JWS, HS256 with the SigningKey secret (jose: audited,
 * zero dependencies, tree-shakes to the few functions used here). An access token names its
 * session (`sid`); an enrollment token has an audience of its own, so neither passes for the
 * other.
 */
import { type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { AccessTokenSigner } from "../core/tokens.js";

const ISSUER = "twofa";
const AUDIENCE = "twofa-api";
const ENROLLMENT_AUDIENCE = "twofa-enrollment";
const SESSION_ID = /^rtf_[A-Za-z0-9_-]{22}$/;

export function hs256Signer(key: Uint8Array): AccessTokenSigner {
  const sign = (claims: JWTPayload, subject: string, audience: string, ttlSeconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
  const verify = async (token: string, audience: string): Promise<JWTPayload | null> => {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["HS256"],
        issuer: ISSUER,
        audience,
        typ: "at+jwt",
      });
      return typeof payload.sub === "string" ? payload : null;
    } catch {
      return null;
    }
  };
  return {
    sign: ({ userId, sessionId }, ttlSeconds) =>
      sign({ sid: sessionId }, userId, AUDIENCE, ttlSeconds),
    async verify(token) {
      const payload = await verify(token, AUDIENCE);
      // A token that names no session (or one of an older layout) is no access token.
      if (!payload?.sub || typeof payload.sid !== "string" || !SESSION_ID.test(payload.sid)) {
        return null;
      }
      return { userId: payload.sub, sessionId: payload.sid };
    },
    signEnrollment: (userId, ttlSeconds) => sign({}, userId, ENROLLMENT_AUDIENCE, ttlSeconds),
    async verifyEnrollment(token) {
      return (await verify(token, ENROLLMENT_AUDIENCE))?.sub ?? null;
    },
  };
}
