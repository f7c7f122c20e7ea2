/**
 * Authenticator-app one-time passwords (TOTP, RFC 6238): secrets, provisioning URIs and
 * verification with a replay guard. Pure: the clock and the randomness are parameters.
 *
 * The QR code lives in `qr-code.ts` so that only the setup handler pays for importing `qrcode`;
 * otplib is imported on the first code verified, so that a function that never checks a TOTP
 * code (or has not yet) does not load it.
 */

/** 160 bits: RFC 4226 §4 R6 asks for at least 128 and recommends 160 (SHA-1's output size). */
export const TOTP_SECRET_BYTES = 20;
/** RFC 6238 §5.2 recommends 30 s; authenticator apps assume it when the URI omits `period`. */
export const TOTP_PERIOD_SECONDS = 30;
/** Six digits: what every authenticator app shows by default (RFC 4226 §5.3 minimum). */
const TOTP_DIGITS = 6;
/**
 * ±1 step (±30 s) of clock drift and typing time. RFC 6238 §5.2 recommends at most one step
 * of network delay; the original service allowed ±5 minutes, which this project refuses.
 */
const TOTP_WINDOW_STEPS = 1;
/**
 * HMAC-SHA-1: RFC 6238's default and the only algorithm every authenticator app honours
 * (some, such as older Google Authenticator releases, ignore `algorithm=` in the URI and
 * compute SHA-1 codes regardless).
 * HMAC-SHA-1 is not affected by SHA-1 collision attacks.
 */
const TOTP_ALGORITHM = "sha1";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE32_SECRET = /^[A-Z2-7]+$/;

let otplib: Promise<typeof import("otplib")> | undefined;

/** RFC 4648 §6 base32, upper case, without padding. */
function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * A new shared secret: {@link TOTP_SECRET_BYTES} bytes from the injected CSPRNG, as RFC 4648
 * base32 without padding (the form authenticator apps and `otpauth://` URIs expect).
 */
export function createTotpSecret(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(TOTP_SECRET_BYTES);
  if (bytes.length !== TOTP_SECRET_BYTES) {
    throw new RangeError(`randomBytes returned ${bytes.length} bytes, not ${TOTP_SECRET_BYTES}`);
  }
  return base32Encode(bytes);
}

export interface TotpKeyUriInput {
  secretBase32: string;
  /** The service's name shown in the app; fixed by configuration, so it may not hold a colon. */
  issuer: string;
  /** The user's name shown in the app (username or email). */
  accountName: string;
}

/**
 * The `otpauth://totp/Issuer:account?…` provisioning URI (Google Authenticator "Key Uri
 * Format"). Built here rather than with otplib's `generateURI`, which leaves out
 * `algorithm`, `digits` and `period` when they are the defaults: stating them costs a few QR
 * modules and removes any doubt for apps that guess differently.
 */
export function createTotpKeyUri({ secretBase32, issuer, accountName }: TotpKeyUriInput): string {
  assertBase32Secret(secretBase32);
  if (issuer.length === 0 || accountName.length === 0) {
    throw new RangeError("issuer and accountName must not be empty");
  }
  // The label's colon separates issuer from account; an issuer with its own colon would be
  // split in the wrong place by apps that decode before splitting.
  if (issuer.includes(":")) throw new RangeError("issuer must not contain ':'");
  // encodeURIComponent: spaces become %20 (apps do not read `+` as a space in the path) and a
  // colon inside the account name becomes %3A, so only the separator is a literal colon.
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${secretBase32}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${TOTP_ALGORITHM.toUpperCase()}`,
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join("&");
  return `otpauth://totp/${label}?${query}`;
}

/** The secret for typing by hand: upper case, in groups of four separated by spaces. */
export function formatManualEntryKey(secretBase32: string): string {
  const compact = secretBase32.replace(/[\s=]/g, "").toUpperCase();
  return (compact.match(/.{1,4}/g) ?? []).join(" ");
}

/**
 * Whether `code` is exactly `digits` ASCII digits. Everything else (spaces, full-width
 * digits, a sign, the wrong length, a number instead of a string) is refused before any
 * evaluation, so a malformed code never spends an attempt and never reaches otplib (which
 * throws on it).
 *
 * Note for callers: as a type predicate, the `false` branch narrows a `string` argument to
 * `never`; pass the raw `unknown` value.
 */
export function isWellFormedOtp(code: unknown, digits: number = TOTP_DIGITS): code is string {
  if (typeof code !== "string" || code.length !== digits) return false;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The RFC 6238 time step (T, with T0 = 0) that contains `epochSeconds`. */
export function totpStepAt(epochSeconds: number): number {
  if (!Number.isFinite(epochSeconds) || epochSeconds < 0) {
    throw new RangeError("epochSeconds must be a finite, non-negative number");
  }
  return Math.floor(epochSeconds / TOTP_PERIOD_SECONDS);
}

export interface VerifyTotpInput {
  secretBase32: string;
  /** The code as received: anything that is not six ASCII digits is "malformed". */
  code: unknown;
  /** The injected clock, in seconds since the Unix epoch. */
  nowEpochSeconds: number;
  /** The step of the last code this secret accepted, or null if none yet. */
  lastUsedStep: number | null;
}

export type VerifyTotpResult =
  | { ok: true; step: number }
  | { ok: false; reason: "malformed" | "invalid" | "replayed" };

/**
 * Checks a TOTP code within ±{@link TOTP_WINDOW_STEPS} step of `nowEpochSeconds`, refusing a
 * code whose step is at or before `lastUsedStep` (the replay guard of RFC 6238 §5.2 and
 * NIST SP 800-63B §5.1.4.2: a code is accepted once, and no earlier code after it).
 *
 * Contract: this function only decides. On `{ok: true, step}` the caller MUST persist `step`
 * as the new last used step in the same conditional write that accepts the code, with the
 * condition `lastUsedStep < step` (or no lastUsedStep yet). That write is the race gate: two
 * concurrent requests with the same code both get `ok: true` here, and only the one whose
 * write succeeds may proceed; the other must be treated as "replayed".
 *
 * "malformed" is decided before any evaluation and should not spend an attempt; "replayed"
 * and "invalid" are both wrong codes to the user (same answer, same failure count) and are
 * told apart only for logs and tests.
 */
export async function verifyTotp({
  secretBase32,
  code,
  nowEpochSeconds,
  lastUsedStep,
}: VerifyTotpInput): Promise<VerifyTotpResult> {
  if (!isWellFormedOtp(code, TOTP_DIGITS)) return { ok: false, reason: "malformed" };
  assertBase32Secret(secretBase32);
  if (lastUsedStep !== null && !(Number.isSafeInteger(lastUsedStep) && lastUsedStep >= 0)) {
    throw new RangeError("lastUsedStep must be null or a non-negative integer");
  }
  const lastStepInWindow = totpStepAt(nowEpochSeconds) + TOTP_WINDOW_STEPS;

  const options = {
    secret: secretBase32,
    token: code,
    epoch: nowEpochSeconds,
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    // otplib's tolerance is in seconds; one period each way is exactly one step each way.
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
  } as const;

  // otplib throws when afterTimeStep lies beyond the window (a stored step from a clock that
  // ran ahead); then no step in the window is fresh, so there is nothing to accept.
  const noFreshStep = lastUsedStep !== null && lastUsedStep >= lastStepInWindow;
  otplib ??= import("otplib");
  const { verify } = await otplib;
  if (!noFreshStep) {
    const fresh = await verify(
      lastUsedStep === null ? options : { ...options, afterTimeStep: lastUsedStep },
    );
    // otplib types verify() as TOTP-or-HOTP; only the TOTP result carries timeStep.
    if (fresh.valid && "timeStep" in fresh) return { ok: true, step: fresh.timeStep };
    if (fresh.valid) throw new Error("otplib verified a TOTP code without a timeStep");
  }
  if (lastUsedStep === null) return { ok: false, reason: "invalid" };

  // otplib answers a used step with a bare {valid: false}; checking the whole window again
  // tells a replay from a wrong code. Any match now is at a step ≤ lastUsedStep.
  const anyStep = await verify(options);
  return { ok: false, reason: anyStep.valid ? "replayed" : "invalid" };
}

function assertBase32Secret(secretBase32: string): void {
  if (!BASE32_SECRET.test(secretBase32)) {
    throw new RangeError("secretBase32 must be upper-case RFC 4648 base32 without padding");
  }
}
