/**
 * Keyed hashing, authenticated encryption and CSPRNG helpers. node:crypto only: core imports
 * no AWS SDK, and these are the primitives the security parameters of the service name.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from "node:crypto";
import type { Random } from "./ports.js";

const AES_GCM_IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs
const AES_GCM_TAG_BYTES = 16;
const SEALED_VERSION = "v1";

/** HMAC-SHA-256 of `parts` joined unambiguously (length-prefixed), as base64url. */
export function keyedHash(key: Uint8Array, ...parts: string[]): string {
  const mac = createHmac("sha256", key);
  for (const part of parts) {
    const bytes = Buffer.from(part, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    mac.update(length);
    mac.update(bytes);
  }
  return mac.digest("base64url");
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) {
    // Still spend a comparison so the length mismatch is not a faster path.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/**
 * AES-256-GCM. `context` is bound as additional authenticated data, so a ciphertext moved to
 * another item or purpose fails to open.
 */
export function seal(key: Uint8Array, plaintext: string, context: string, random: Random): string {
  const iv = random.bytes(AES_GCM_IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [SEALED_VERSION, Buffer.from(iv), body, tag]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function open(key: Uint8Array, sealed: string, context: string): string {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== SEALED_VERSION || iv === undefined || body === undefined || tag === undefined) {
    throw new Error("sealed value has an unknown format");
  }
  const tagBytes = Buffer.from(tag, "base64url");
  if (tagBytes.length !== AES_GCM_TAG_BYTES) throw new Error("sealed value has a bad tag");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([
    decipher.update(Buffer.from(body, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}

/** `length` decimal digits, uniform: bytes ≥ 250 are rejected so no digit is favoured. */
export function randomDigits(random: Random, length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of random.bytes(length)) {
      if (byte < 250 && out.length < length) out += String(byte % 10);
    }
  }
  return out;
}

/** An unguessable identifier (128 bits, base64url). */
export function randomId(random: Random, prefix = ""): string {
  return prefix + Buffer.from(random.bytes(16)).toString("base64url");
}
