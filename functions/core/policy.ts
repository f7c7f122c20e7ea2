/**
 * Security parameters with their defaults, units and sources. Deployments may tune them
 * within the bounds given here (see `functions/adapters/config.ts`); nothing outside them.
 */

export interface CodePolicy {
  /** Digits of an SMS/email code. */
  digits: number;
  ttlSeconds: number;
  maxAttemptsPerCode: number;
  resendCooldownSeconds: number;
  /** Verification codes (which anyone may request) per phone or mailbox per send window. */
  maxSendsPerRecipient: number;
  /**
   * A user's own codes (login, step-up, sign-in) per user per send window, whatever the
   * destination: kept apart from the recipient's public window, which strangers can fill.
   */
  maxSendsPerUser: number;
  sendWindowSeconds: number;
  /** ISO 3166-1 alpha-2 codes an SMS may go to (against SMS pumping). */
  smsAllowedCountries: readonly string[];
  /** SMS per UTC day to users' verified phones: login codes, sign-ins, notices. */
  smsDailyBudget: number;
  /** A user's own SMS codes per UTC day, counted before `smsDailyBudget`. */
  smsDailyPerUser: number;
  /** Users' own SMS codes per phone per UTC day, whatever the accounts, before `smsDailyBudget`. */
  smsDailyPerPhone: number;
  /**
   * SMS notices (no code: a lock, a change, a connector waiting) per user, and per phone, per
   * UTC day: lower than the codes' share and counted apart, so notices stop first and never
   * take what a user's codes need.
   */
  smsDailyNoticesPerUser: number;
  /**
   * SMS per UTC day to numbers being verified, which anyone may ask for: kept apart so that
   * pumping them cannot spend the budget that logins need.
   */
  smsDailyBudgetUnverified: number;
  /** Code requests per source IP per send window. */
  maxSendsPerIp: number;
}

export const DEFAULT_CODE_POLICY: CodePolicy = {
  digits: 6, // NIST SP 800-63B §5.1.3.1 (≥ 20 bits of entropy)
  ttlSeconds: 10 * 60, // NIST SP 800-63B §5.1.3.2 suggests 10 minutes for out-of-band codes
  maxAttemptsPerCode: 5, // Twilio Verify: 5 checks per verification
  resendCooldownSeconds: 30, // Clerk: 30 s between sends
  maxSendsPerRecipient: 5, // Twilio Verify: 5 sends per recipient per 10 minutes
  maxSendsPerUser: 5, // the same 5 per 10 minutes, in a window only the user can fill
  sendWindowSeconds: 10 * 60,
  smsAllowedCountries: [
    "AT",
    "AU",
    "BE",
    "CA",
    "CH",
    "DE",
    "DK",
    "ES",
    "FI",
    "FR",
    "GB",
    "IE",
    "IT",
    "JP",
    "LU",
    "NL",
    "NO",
    "NZ",
    "PL",
    "PT",
    "SE",
    "US",
  ],
  smsDailyBudget: 1000,
  smsDailyPerUser: 50, // a day of logins and step-ups, far below the shared budget
  smsDailyPerPhone: 100,
  smsDailyNoticesPerUser: 10, // a day's security notices; email carries the rest
  smsDailyBudgetUnverified: 500,
  maxSendsPerIp: 20,
};

/** Bounds a deployment may not leave: [min, max] per numeric field. */
export const CODE_POLICY_BOUNDS = {
  digits: [6, 10],
  ttlSeconds: [60, 30 * 60],
  maxAttemptsPerCode: [1, 10],
  resendCooldownSeconds: [1, 10 * 60],
  maxSendsPerRecipient: [1, 20],
  maxSendsPerUser: [1, 20],
  sendWindowSeconds: [60, 24 * 60 * 60],
  smsDailyBudget: [0, 1_000_000],
  smsDailyPerUser: [1, 10_000],
  smsDailyPerPhone: [1, 10_000],
  smsDailyNoticesPerUser: [0, 1000],
  smsDailyBudgetUnverified: [0, 1_000_000],
  maxSendsPerIp: [1, 1000],
} as const satisfies Partial<Record<keyof CodePolicy, readonly [number, number]>>;

export interface LockoutPolicy {
  /**
   * Consecutive second-factor failures, across all factors, before the user is locked; after
   * each lock the next round allows as many again.
   */
  maxConsecutiveFailures: number;
  /** The first lock; each consecutive lock (no success between) lasts twice the last. */
  lockSeconds: number;
  /** The ceiling of the doubling. */
  maxLockSeconds: number;
  /**
   * Consecutive failures without a success after which waiting no longer helps: every factor
   * that failed in the run is disabled until a success with another factor or a reset.
   */
  hardCapFailures: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxConsecutiveFailures: 10, // better-auth / Stytch: 10 failures
  lockSeconds: 15 * 60, // Cognito: lockout up to ~15 minutes; then 30, 60, 120 minutes, …
  maxLockSeconds: 24 * 60 * 60, // at most a day per lock
  hardCapFailures: 100, // NIST SP 800-63B §5.2.2: no more than 100 consecutive failures
};

/** Bounds a deployment may not leave. */
export const LOCKOUT_POLICY_BOUNDS = {
  maxConsecutiveFailures: [3, 100],
  lockSeconds: [60, 86_400],
  maxLockSeconds: [60, 7 * 86_400],
  hardCapFailures: [3, 100], // NIST's 100 is a maximum
} as const satisfies Record<keyof LockoutPolicy, readonly [number, number]>;

export interface PasswordPolicy {
  /**
   * Password failures per username and source IP per window: a stranger's guesses lock the
   * username out for that source only.
   */
  maxAttemptsPerUsernameAndIp: number;
  /**
   * Password failures per username per window, whoever sends them (spraying from many IPs): a
   * ceiling well above the per-source limit, so that locking a user out takes many sources.
   */
  maxAttemptsPerUsername: number;
  /** Password failures per source IP per window, whatever usernames (credential stuffing). */
  maxAttemptsPerIp: number;
  windowSeconds: number;
}

/** Only failures count: a correct password is counted against no one (a NAT's many users). */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  maxAttemptsPerUsernameAndIp: 20, // OWASP ASVS 5.0 V6.3.1: a few dozen attempts per hour at most
  maxAttemptsPerUsername: 200,
  maxAttemptsPerIp: 100,
  windowSeconds: 10 * 60,
};

/**
 * How long a session (a refresh-token family) lasts: `absoluteSeconds` from login whatever its
 * use, and no longer than `idleSeconds` between two uses of its refresh token.
 */
export interface RefreshTokenLifetime {
  absoluteSeconds: number;
  idleSeconds: number;
}

const DAY_SECONDS = 24 * 60 * 60;

export const DEFAULT_REFRESH_TOKEN_LIFETIME: RefreshTokenLifetime = {
  absoluteSeconds: 30 * DAY_SECONDS, // fixed at login, never extended by use
  idleSeconds: 14 * DAY_SECONDS, // REFRESH_TOKEN_IDLE_DAYS
};

/** REFRESH_TOKEN_IDLE_DAYS: at least a day, at most the absolute lifetime. */
export const REFRESH_TOKEN_IDLE_DAYS_BOUNDS = [1, 30] as const;

export interface RegistrationPolicy {
  /** Registrations per source IP per window, counted before any hash, taken usernames too. */
  maxPerIp: number;
  windowSeconds: number;
}

export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = {
  maxPerIp: 20, // an office's or a family's sign-ups in an hour; each costs an argon2id hash
  windowSeconds: 60 * 60,
};
