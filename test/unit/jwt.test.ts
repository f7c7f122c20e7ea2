/**
 * Access and enrollment tokens (HS256 with node:crypto): what they accept and refuse, and that
 * they read and write the same JWS as jose, so tokens issued before and after a deploy pass.
 */
import { createHmac } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { hs256Signer } from "../../functions/adapters/jwt.js";

const key = new Uint8Array(32).fill(7);
const signer = hs256Signer(key);
const claims = { userId: "usr_1", sessionId: "rtf_abcdefghijklmnopqrstuv" };

const joseToken = (payload: Record<string, unknown>, audience = "twofa-api", ttl = "60s") =>
  new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
    .setSubject("usr_1")
    .setIssuer("twofa")
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(key);

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("hs256Signer", () => {
  it("verifies the access tokens it signs, and only as access tokens", async () => {
    const token = await signer.sign(claims, 60);
    expect(await signer.verify(token)).toEqual(claims);
    expect(await signer.verifyEnrollment(token)).toBeNull();
  });

  it("verifies the enrollment tokens it signs, and only as enrollment tokens", async () => {
    const token = await signer.signEnrollment("usr_2", 60);
    expect(await signer.verifyEnrollment(token)).toBe("usr_2");
    expect(await signer.verify(token)).toBeNull();
  });

  it("accepts tokens jose signed, and jose accepts its tokens", async () => {
    expect(await signer.verify(await joseToken({ sid: claims.sessionId }))).toEqual(claims);
    expect(await signer.verifyEnrollment(await joseToken({}, "twofa-enrollment"))).toBe("usr_1");
    const { payload, protectedHeader } = await jwtVerify(await signer.sign(claims, 60), key, {
      algorithms: ["HS256"],
      issuer: "twofa",
      audience: "twofa-api",
      typ: "at+jwt",
    });
    expect(protectedHeader).toEqual({ alg: "HS256", typ: "at+jwt" });
    expect(payload).toMatchObject({ sub: "usr_1", sid: claims.sessionId });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
  });

  it("refuses an expired token, another key's, and a changed payload", async () => {
    expect(
      await signer.verify(await joseToken({ sid: claims.sessionId }, "twofa-api", "-1s")),
    ).toBeNull();
    expect(
      await hs256Signer(new Uint8Array(32).fill(8)).verify(await signer.sign(claims, 60)),
    ).toBeNull();
    const [header, , signature] = (await signer.sign(claims, 60)).split(".");
    const forged = b64({
      sid: claims.sessionId,
      sub: "usr_9",
      iss: "twofa",
      aud: "twofa-api",
      exp: 4e9,
    });
    expect(await signer.verify(`${header}.${forged}.${signature}`)).toBeNull();
  });

  it("refuses another algorithm, another type, extensions and malformed tokens", async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = b64({
      sid: claims.sessionId,
      sub: "usr_1",
      iss: "twofa",
      aud: "twofa-api",
      exp: now + 60,
    });
    const signed = (header: object) => {
      const input = `${b64(header)}.${body}`;
      return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
    };
    expect(await signer.verify(signed({ alg: "HS256", typ: "at+jwt" }))).toEqual(claims);
    expect(await signer.verify(signed({ alg: "HS256", typ: "application/AT+JWT" }))).toEqual(
      claims,
    );
    expect(await signer.verify(signed({ alg: "HS512", typ: "at+jwt" }))).toBeNull();
    expect(await signer.verify(signed({ alg: "HS256", typ: "JWT" }))).toBeNull();
    expect(await signer.verify(signed({ alg: "HS256", typ: "at+jwt", crit: ["exp"] }))).toBeNull();
    expect(await signer.verify(`${b64({ alg: "none", typ: "at+jwt" })}.${body}.`)).toBeNull();
    for (const malformed of ["", "a.b", "a.b.c.d", "a.b.c", "é.b.c"]) {
      expect(await signer.verify(malformed)).toBeNull();
    }
  });

  it("refuses a token of another issuer, or not yet valid", async () => {
    const now = Math.floor(Date.now() / 1000);
    const signed = (payload: object) => {
      const input = `${b64({ alg: "HS256", typ: "at+jwt" })}.${b64(payload)}`;
      return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
    };
    const base = { sid: claims.sessionId, sub: "usr_1", aud: "twofa-api", exp: now + 60 };
    expect(await signer.verify(signed({ ...base, iss: "twofa" }))).toEqual(claims);
    expect(await signer.verify(signed({ ...base, iss: "other" }))).toBeNull();
    expect(await signer.verify(signed({ ...base, iss: "twofa", nbf: now + 30 }))).toBeNull();
    expect(await signer.verify(signed({ ...base, iss: "twofa", aud: ["x", "twofa-api"] }))).toEqual(
      claims,
    );
    expect(await signer.verify(signed({ ...base, iss: "twofa", exp: "soon" }))).toBeNull();
  });
});
