/**
 * The environment variables the functions read (see config.ts and each handler). Listed apart,
 * with no imports, so the SST program can pass the ones set at deploy time to every function.
 */
const CONFIG_VARIABLES = [
  "CODE_TTL_SECONDS",
  "CODE_MAX_ATTEMPTS",
  "CODE_RESEND_COOLDOWN_SECONDS",
  "CODE_MAX_SENDS_PER_RECIPIENT",
  "CODE_MAX_SENDS_PER_USER",
  "CODE_SEND_WINDOW_SECONDS",
  "CODE_MAX_SENDS_PER_IP",
  "SMS_ALLOWED_COUNTRIES",
  "SMS_DAILY_BUDGET",
  "SMS_DAILY_BUDGET_UNVERIFIED",
  "SMS_DAILY_PER_USER",
  "SMS_DAILY_PER_PHONE",
  "SMS_DAILY_NOTICES_PER_USER",
  "LOCKOUT_MAX_FAILURES",
  "LOCKOUT_SECONDS",
  "LOCKOUT_MAX_SECONDS",
  "LOCKOUT_HARD_CAP",
  "PASSWORD_MAX_ATTEMPTS_PER_USERNAME_AND_IP",
  "PASSWORD_MAX_ATTEMPTS_PER_USERNAME",
  "PASSWORD_MAX_ATTEMPTS_PER_IP",
  "REFRESH_TOKEN_IDLE_DAYS",
  "REMEMBER_DEVICE_DAYS",
  "SECURITY_LOG_DAYS",
  "WEBHOOK_TIMEOUT_SECONDS",
  "REGISTRATION_MAX_PER_IP",
  "DEFAULT_AUTH_METHOD",
  "REQUIRE_TFA",
  "SERVICE_NAME",
  "NOTIFICATION_TEMPLATES",
  "WEBAUTHN_RP_ID",
  "WEBAUTHN_RP_NAME",
  "WEBAUTHN_ORIGINS",
  "LOG_LEVEL",
  // The demo connector's vendor (connector tasks read it at each call); the API's own URL.
  "CONNECTOR_DEMO_TARGET_URL",
] as const;

/** The subset of `env` naming configuration variables, for a function's environment. */
export function configEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== "") picked[name] = value;
  }
  return picked;
}
