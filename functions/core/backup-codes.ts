/**
 * Backup (recovery) codes for users who lose their authenticator app: generation, the forms
 * a user may type them in, and the keyed hash under which they are stored. Pure: randomness
 * and the key are parameters.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Ten codes: the common offer (GitHub, Google); DESIGN "Backup codes". */
export const BACKUP_CODE_COUNT = 10;
/** 80 bits per code (DESIGN asks ≥ 64): 10 bytes are exactly 16 Crockford base32 characters. */
const BACKUP_CODE_BYTES = 10;
/** A key as long as SHA-256's output gives HMAC its full strength (NIST SP 800-107 Rev. 1 §5.3.4). */
const BACKUP_CODE_HASH_KEY_MIN_BYTES = 32;

/**
 * Crockford's base32: no I, L, O or U, so what is printed cannot be misread; on input the
 * look-alikes are mapped back (O → 0, I and L → 1) as Crockford specifies.
 */
const CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CANONICAL_CODE = /^[0-9A-HJKMNP-TV-Z]{16}$/;
/** What a user plausibly types between characters: spaces, tabs and hyphens. */
const TYPED_SEPARATORS = /[ \t-]/g;
/** Longer input is not a code with separators; refuse it before doing any work on it. */
const MAX_TYPED_LENGTH = 64;
/** Domain separation, so this hash can never collide with another use of the same key. */
const HASH_LABEL = "twofa/backup-code/v1\0";
/** A fixed source repeats; a CSPRNG essentially never does. Stop instead of looping forever. */
const MAX_DRAWS = BACKUP_CODE_COUNT * 10;

/**
 * {@link BACKUP_CODE_COUNT} distinct codes, each {@link BACKUP_CODE_BYTES} bytes of the
 * injected CSPRNG, rendered `XXXX-XXXX-XXXX-XXXX` in Crockford base32. Show them once; store
 * only {@link hashBackupCode} of each.
 */
export function generateBackupCodes(randomBytes: (n: number) => Uint8Array): string[] {
  const codes = new Set<string>();
  for (let draws = 0; codes.size < BACKUP_CODE_COUNT; draws++) {
    if (draws >= MAX_DRAWS) throw new Error("randomBytes keeps repeating itself");
    const bytes = randomBytes(BACKUP_CODE_BYTES);
    if (bytes.length !== BACKUP_CODE_BYTES) {
      throw new RangeError(`randomBytes returned ${bytes.length} bytes, not ${BACKUP_CODE_BYTES}`);
    }
    codes.add(groupByFour(encodeCrockford(bytes)));
  }
  return [...codes];
}

/**
 * The canonical `XXXX-XXXX-XXXX-XXXX` form of what a user typed, or null if it cannot be a
 * backup code. Case-insensitive; spaces, tabs and hyphens anywhere are ignored; O, I and L
 * are read as 0, 1 and 1. Anything else (other characters, the wrong length, a non-string)
 * gives null, so the caller can refuse it without spending an attempt.
 */
export function normalizeBackupCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > MAX_TYPED_LENGTH) return null;
  const compact = input
    .replace(TYPED_SEPARATORS, "")
    .toUpperCase()
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  return CANONICAL_CODE.test(compact) ? groupByFour(compact) : null;
}

/**
 * HMAC-SHA-256 of the code's canonical form under `key`, as base64url (43 characters).
 *
 * Keyed, so a leaked table is useless without the key. Fast, and rightly so: a slow password
 * hash (argon2) protects guessable secrets, but an 80-bit random code cannot be guessed
 * offline even at billions of hashes a second, and a fast hash keeps the check cheap.
 *
 * Throws on input that {@link normalizeBackupCode} refuses: normalize first, at the edge.
 */
export function hashBackupCode(code: string, key: Uint8Array): string {
  if (key.length < BACKUP_CODE_HASH_KEY_MIN_BYTES) {
    throw new RangeError(`key must be at least ${BACKUP_CODE_HASH_KEY_MIN_BYTES} bytes`);
  }
  const canonical = normalizeBackupCode(code);
  if (canonical === null) throw new RangeError("not a backup code; normalize it first");
  return createHmac("sha256", key).update(HASH_LABEL).update(canonical).digest("base64url");
}

/**
 * Whether two strings are equal, in time that depends only on their lengths. Meant for
 * fixed-length values such as {@link hashBackupCode} outputs, whose length is no secret.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

function encodeCrockford(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD_ALPHABET.charAt((buffer >>> bits) & 31);
    }
    buffer &= (1 << bits) - 1; // keep only the unread bits, so the buffer never overflows
  }
  if (bits > 0) out += CROCKFORD_ALPHABET.charAt((buffer << (5 - bits)) & 31);
  return out;
}

function groupByFour(compact: string): string {
  return (compact.match(/.{1,4}/g) ?? []).join("-");
}
