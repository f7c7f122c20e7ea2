/**
 * Access and enrollment tokens: compact JWS (RFC 7515), HS256 with the SigningKey secret, made
 * and checked with node:crypto alone. This service only ever issues and reads its own HS256
 * tokens, so the few rules RFC 7519 and RFC 8725 ask of that case are here in full: the header
 * is exactly `alg: HS256` with our `typ` and no `crit`, the MAC is compared in constant time
 * before anything else is read, and `iss`, `aud`, `exp` (and `nbf` when present) must hold. An
 * access token names its session (`sid`); an enrollment token has an audience of its own, so
 * neither passes for the other.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AccessTokenSigner } from "../core/tokens.js";

const ISSUER = "twofa";
const AUDIENCE = "twofa-api";
const ENROLLMENT_AUDIENCE = "twofa-enrollment";
const SESSION_ID = /^rtf_[A-Za-z0-9_-]{22}$/;
const TYPE = "at+jwt";
/** Base64url without padding, as JWS segments are (RFC 7515 §2). */
const SEGMENT = /^[A-Za-z0-9_-]+$/;

interface Payload {
  sub?: unknown;
  sid?: unknown;
  iss?: unknown;
  aud?: unknown;
  iat?: unknown;
  exp?: unknown;
  nbf?: unknown;
}

const epochSeconds = () => Math.floor(Date.now() / 1000);

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The header every token carries; tokens are compared against its encoding too. */
const HEADER = encode({ alg: "HS256", typ: TYPE });

function decodeObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** `typ` as RFC 8725 §3.11 compares it: case-insensitive, `application/` optional. */
function isOurType(typ: unknown): boolean {
  if (typeof typ !== "string") return false;
  const lower = typ.toLowerCase();
  return (lower.startsWith("application/") ? lower.slice(12) : lower) === TYPE;
}

export function hs256Signer(key: Uint8Array): AccessTokenSigner {
  const mac = (signingInput: string) =>
    createHmac("sha256", key).update(signingInput).digest("base64url");

  const sign = async (
    claims: Record<string, string>,
    subject: string,
    audience: string,
    ttlSeconds: number,
  ) => {
    const now = epochSeconds();
    const payload = encode({
      ...claims,
      sub: subject,
      iss: ISSUER,
      aud: audience,
      iat: now,
      exp: now + ttlSeconds,
    });
    const signingInput = `${HEADER}.${payload}`;
    return `${signingInput}.${mac(signingInput)}`;
  };

  const verify = async (token: string, audience: string): Promise<Payload | null> => {
    const parts = token.split(".");
    if (parts.length !== 3) return null;
    const [header = "", body = "", signature = ""] = parts;
    if (![header, body, signature].every((part) => SEGMENT.test(part))) return null;
    const expected = Buffer.from(mac(`${header}.${body}`));
    const received = Buffer.from(signature);
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return null;

    const protectedHeader = decodeObject(header);
    if (protectedHeader?.alg !== "HS256" || !isOurType(protectedHeader.typ)) return null;
    // No extension this service understands: a token that names one must be refused.
    if (protectedHeader.crit !== undefined || protectedHeader.b64 !== undefined) return null;

    const payload = decodeObject(body) as Payload | null;
    if (payload === null || payload.iss !== ISSUER) return null;
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(audience)) return null;
    const now = epochSeconds();
    if (typeof payload.exp !== "number" || !Number.isFinite(payload.exp) || payload.exp <= now) {
      return null;
    }
    if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf > now)) {
      return null;
    }
    if (payload.iat !== undefined && typeof payload.iat !== "number") return null;
    return typeof payload.sub === "string" ? payload : null;
  };

  return {
    sign: ({ userId, sessionId }, ttlSeconds) =>
      sign({ sid: sessionId }, userId, AUDIENCE, ttlSeconds),
    async verify(token) {
      const payload = await verify(token, AUDIENCE);
      // A token that names no session (or one of an older layout) is no access token.
      if (
        typeof payload?.sub !== "string" ||
        payload.sub === "" ||
        typeof payload.sid !== "string" ||
        !SESSION_ID.test(payload.sid)
      ) {
        return null;
      }
      return { userId: payload.sub, sessionId: payload.sid };
    },
    signEnrollment: (userId, ttlSeconds) => sign({}, userId, ENROLLMENT_AUDIENCE, ttlSeconds),
    async verifyEnrollment(token) {
      const payload = await verify(token, ENROLLMENT_AUDIENCE);
      return typeof payload?.sub === "string" ? payload.sub : null;
    },
  };
}
