/**
 * Configuration, read once per cold start through typed fail-fast helpers. Linked resources
 * come from SST's `Resource` (in Lambda and, through `SST_RESOURCE_*` variables, locally);
 * tunables come from environment variables, checked against the bounds of core/policy.ts.
 */
import { Resource } from "sst/resource";
import {
  CODE_POLICY_BOUNDS,
  type CodePolicy,
  DEFAULT_CODE_POLICY,
  DEFAULT_LOCKOUT_POLICY,
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  DEFAULT_REGISTRATION_POLICY,
  LOCKOUT_POLICY_BOUNDS,
  type LockoutPolicy,
  type PasswordPolicy,
  REFRESH_TOKEN_IDLE_DAYS_BOUNDS,
  type RefreshTokenLifetime,
  type RegistrationPolicy,
} from "../core/policy.js";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** An integer from the environment, or the default; outside [min, max] fails the cold start. */
export function intFromEnv(name: string, fallback: number, [min, max]: readonly [number, number]) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

function listFromEnv(name: string, fallback: readonly string[]): readonly string[] {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  return raw
    .split(",")
    .map((item) => item.trim().toUpperCase())
    .filter((item) => item.length > 0);
}

/** `true` or `false` (or unset: the default); anything else fails the cold start, never fails open. */
export function booleanFromEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function stringFromEnv(name: string, fallback: string): string {
  const raw = process.env[name];
  return raw === undefined || raw === "" ? fallback : raw;
}

export function readCodePolicy(): CodePolicy {
  const b = CODE_POLICY_BOUNDS;
  const d = DEFAULT_CODE_POLICY;
  return {
    digits: d.digits,
    ttlSeconds: intFromEnv("CODE_TTL_SECONDS", d.ttlSeconds, b.ttlSeconds),
    maxAttemptsPerCode: intFromEnv("CODE_MAX_ATTEMPTS", d.maxAttemptsPerCode, b.maxAttemptsPerCode),
    resendCooldownSeconds: intFromEnv(
      "CODE_RESEND_COOLDOWN_SECONDS",
      d.resendCooldownSeconds,
      b.resendCooldownSeconds,
    ),
    maxSendsPerRecipient: intFromEnv(
      "CODE_MAX_SENDS_PER_RECIPIENT",
      d.maxSendsPerRecipient,
      b.maxSendsPerRecipient,
    ),
    maxSendsPerUser: intFromEnv("CODE_MAX_SENDS_PER_USER", d.maxSendsPerUser, b.maxSendsPerUser),
    sendWindowSeconds: intFromEnv(
      "CODE_SEND_WINDOW_SECONDS",
      d.sendWindowSeconds,
      b.sendWindowSeconds,
    ),
    smsAllowedCountries: listFromEnv("SMS_ALLOWED_COUNTRIES", d.smsAllowedCountries),
    smsDailyBudget: intFromEnv("SMS_DAILY_BUDGET", d.smsDailyBudget, b.smsDailyBudget),
    smsDailyPerUser: intFromEnv("SMS_DAILY_PER_USER", d.smsDailyPerUser, b.smsDailyPerUser),
    smsDailyPerPhone: intFromEnv("SMS_DAILY_PER_PHONE", d.smsDailyPerPhone, b.smsDailyPerPhone),
    smsDailyNoticesPerUser: intFromEnv(
      "SMS_DAILY_NOTICES_PER_USER",
      d.smsDailyNoticesPerUser,
      b.smsDailyNoticesPerUser,
    ),
    smsDailyBudgetUnverified: intFromEnv(
      "SMS_DAILY_BUDGET_UNVERIFIED",
      d.smsDailyBudgetUnverified,
      b.smsDailyBudgetUnverified,
    ),
    maxSendsPerIp: intFromEnv("CODE_MAX_SENDS_PER_IP", d.maxSendsPerIp, b.maxSendsPerIp),
  };
}

export function readPasswordPolicy(): PasswordPolicy {
  const d = DEFAULT_PASSWORD_POLICY;
  return {
    maxAttemptsPerUsernameAndIp: intFromEnv(
      "PASSWORD_MAX_ATTEMPTS_PER_USERNAME_AND_IP",
      d.maxAttemptsPerUsernameAndIp,
      [3, 10_000],
    ),
    maxAttemptsPerUsername: intFromEnv(
      "PASSWORD_MAX_ATTEMPTS_PER_USERNAME",
      d.maxAttemptsPerUsername,
      [3, 100_000],
    ),
    maxAttemptsPerIp: intFromEnv("PASSWORD_MAX_ATTEMPTS_PER_IP", d.maxAttemptsPerIp, [3, 100_000]),
    windowSeconds: d.windowSeconds,
  };
}

/** Sessions end 30 days after login, or after REFRESH_TOKEN_IDLE_DAYS without a refresh. */
export function readRefreshTokenLifetime(): RefreshTokenLifetime {
  const d = DEFAULT_REFRESH_TOKEN_LIFETIME;
  const day = 24 * 60 * 60;
  const idleDays = intFromEnv(
    "REFRESH_TOKEN_IDLE_DAYS",
    Math.round(d.idleSeconds / day),
    REFRESH_TOKEN_IDLE_DAYS_BOUNDS,
  );
  return { absoluteSeconds: d.absoluteSeconds, idleSeconds: idleDays * day };
}

/** REMEMBER_DEVICE_DAYS: how long a remembered device skips the second factor; 0 turns it off. */
export function readRememberDeviceDays(): number {
  return intFromEnv("REMEMBER_DEVICE_DAYS", 30, [0, 365]);
}

export function readRegistrationPolicy(): RegistrationPolicy {
  const d = DEFAULT_REGISTRATION_POLICY;
  return {
    maxPerIp: intFromEnv("REGISTRATION_MAX_PER_IP", d.maxPerIp, [1, 100_000]),
    windowSeconds: d.windowSeconds,
  };
}

/**
 * The lockout: LOCKOUT_SECONDS doubles on each consecutive lock up to LOCKOUT_MAX_SECONDS (at
 * least the first lock); LOCKOUT_HARD_CAP (at least one round) consecutive failures disable
 * the failing factors until a success with another factor or a reset.
 */
export function readLockoutPolicy(): LockoutPolicy {
  const d = DEFAULT_LOCKOUT_POLICY;
  const b = LOCKOUT_POLICY_BOUNDS;
  const maxConsecutiveFailures = intFromEnv(
    "LOCKOUT_MAX_FAILURES",
    d.maxConsecutiveFailures,
    b.maxConsecutiveFailures,
  );
  const lockSeconds = intFromEnv("LOCKOUT_SECONDS", d.lockSeconds, b.lockSeconds);
  const maxLockSeconds = intFromEnv(
    "LOCKOUT_MAX_SECONDS",
    Math.max(d.maxLockSeconds, lockSeconds),
    [lockSeconds, b.maxLockSeconds[1]],
  );
  const hardCapFailures = intFromEnv(
    "LOCKOUT_HARD_CAP",
    Math.max(d.hardCapFailures, maxConsecutiveFailures),
    [maxConsecutiveFailures, b.hardCapFailures[1]],
  );
  return { maxConsecutiveFailures, lockSeconds, maxLockSeconds, hardCapFailures };
}

/** A 256-bit key from an SST secret holding base64url (32 bytes). */
export function keyFromSecret(name: "SigningKey" | "CodeHashKey" | "EncryptionKey"): Uint8Array {
  const value = Resource[name].value;
  const key = Buffer.from(value, "base64url");
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes of base64url`);
  return key;
}

export const resources = {
  tableName: () => Resource.Table.name,
  eventsTopicArn: () => Resource.Events.arn,
  emailSender: () => Resource.Email.sender,
  connectorRunsArn: () => Resource.ConnectorRuns.arn,
  adminApiKey: () => Resource.AdminApiKey.value,
};
