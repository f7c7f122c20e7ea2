/**
 * Composition: builds core's dependencies from the adapters, once per cold start. Each handler
 * calls only the builders it needs, so it reads only the configuration it is linked to.
 */
import type { AdminResetDeps, AdminUnlockDeps, AdminViewDeps } from "../core/admin.js";
import type { AuthenticatorAppDeps, AuthenticatorAppSetupDeps } from "../core/authenticator-app.js";
import type { AccountSettings, CustomerDeps } from "../core/customers.js";
import type { DeviceSettings } from "../core/devices.js";
import type { PasskeyDeps, WebAuthnVerifier } from "../core/passkeys.js";
import type { PasswordChangeDeps } from "../core/password-change.js";
import type { SecondFactorDeps } from "../core/second-factor.js";
import { revokeOtherSessions, type SessionDeps } from "../core/sessions.js";
import type {
  SignInAttemptDeps,
  SignInPasskeyDeps,
  SignInPrepareDeps,
  SignInStartDeps,
} from "../core/sign-ins.js";
import {
  checkAccessToken,
  checkAccessTokenWithUser,
  type SignedIn,
  type TokenDeps,
} from "../core/tokens.js";
import { SELECTABLE_AUTH_METHODS, type SelectableAuthMethod, type User } from "../core/users.js";
import type { CodeDeps } from "../core/verification-codes.js";
import { dynamoLockoutReader, dynamoSecondFactorResetStore } from "./admin-store.js";
import { dynamoAttemptGuard } from "./attempt-guard.js";
import { dynamoAuthenticatorAppStore } from "./authenticator-app-store.js";
import { dynamoCodeStore } from "./code-store.js";
import {
  booleanFromEnv,
  ConfigError,
  keyFromSecret,
  readCodePolicy,
  readLockoutPolicy,
  readPasswordPolicy,
  readRefreshTokenLifetime,
  readRegistrationPolicy,
  readRememberDeviceDays,
  resources,
  stringFromEnv,
} from "./config.js";
import { dynamoDeviceStore } from "./device-store.js";
import { hs256Signer } from "./jwt.js";
import { eventPublisher } from "./outbox.js";
import { dynamoChallengeStore, dynamoPasskeyStore } from "./passkey-store.js";
import { argon2Hasher } from "./passwords.js";
import { dynamoRateLimiter } from "./rate-limiter.js";
import { type RelyingPartyConfig, readRelyingParty } from "./relying-party.js";
import { dynamoSignInStore } from "./sign-in-store.js";
import { systemClock, systemRandom } from "./system.js";
import { dynamoRefreshTokenStore } from "./token-store.js";
import { dynamoUserStore } from "./user-store.js";

/** Remembered devices: the store and how long a device is remembered. */
function composeDeviceSettings(table = resources.tableName()): DeviceSettings {
  return { store: dynamoDeviceStore(table), days: readRememberDeviceDays() };
}

export function composeCodeDeps(): CodeDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    store: dynamoCodeStore(table),
    limiter: dynamoRateLimiter(table),
    events: eventPublisher(table),
    policy: readCodePolicy(),
    codeHashKey: keyFromSecret("CodeHashKey"),
    encryptionKey: keyFromSecret("EncryptionKey"),
  };
}

function readAccountSettings(): AccountSettings {
  const method = stringFromEnv("DEFAULT_AUTH_METHOD", "simple");
  if (!(SELECTABLE_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new ConfigError(
      `DEFAULT_AUTH_METHOD must be one of ${SELECTABLE_AUTH_METHODS.join(", ")}`,
    );
  }
  const requireTfa = booleanFromEnv("REQUIRE_TFA", false);
  if (requireTfa && method === "simple") {
    throw new ConfigError("REQUIRE_TFA=true needs DEFAULT_AUTH_METHOD tfa_sms or tfa_email");
  }
  return { defaultAuthMethod: method as SelectableAuthMethod, requireTfa };
}

function composeSecondFactorDeps(codes = composeCodeDeps()): SecondFactorDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    guard: dynamoAttemptGuard(table),
    lockout: readLockoutPolicy(),
    events: codes.events,
    codes,
    authenticatorApp: {
      store: dynamoAuthenticatorAppStore(table),
      encryptionKey: keyFromSecret("EncryptionKey"),
      backupCodeHashKey: keyFromSecret("CodeHashKey"),
    },
  };
}

/** Checking a password and issuing tokens: what `/v1/token` and sign-ins share. */
function composePasswordLogin(table: string) {
  return {
    clock: systemClock,
    random: systemRandom,
    users: dynamoUserStore(table),
    limiter: dynamoRateLimiter(table),
    passwordPolicy: readPasswordPolicy(),
    passwords: argon2Hasher,
    signer: hs256Signer(keyFromSecret("SigningKey")),
    refreshTokens: dynamoRefreshTokenStore(table),
    refreshTokenLifetime: readRefreshTokenLifetime(),
    hashKey: keyFromSecret("CodeHashKey"),
    events: eventPublisher(resources.tableName()),
    requireTfa: readAccountSettings().requireTfa,
    devices: composeDeviceSettings(table),
  };
}

export function composeTokenDeps(secondFactor = composeSecondFactorDeps()): TokenDeps {
  const table = resources.tableName();
  return { ...composePasswordLogin(table), secondFactor, passkeys: dynamoPasskeyStore(table) };
}

/**
 * Passkeys in sign-ins: challenges, credentials and the relying party; the verifier only where
 * assertions are attempted. Only a function that imports `simpleWebAuthnVerifier` (from
 * `./webauthn.ts`) bundles the WebAuthn library (and loads it on first use): the others leave
 * it out.
 */
function composeSignInPasskeyDeps(verifier?: WebAuthnVerifier): SignInPasskeyDeps {
  const table = resources.tableName();
  const relyingParty = readRelyingParty();
  return {
    challenges: dynamoChallengeStore(table),
    passkeys: dynamoPasskeyStore(table),
    relyingParty: { id: relyingParty.id, name: relyingParty.name },
    ...(verifier ? { verifier } : {}),
  };
}

/** Verifies nothing: for the passkey routes that only issue options or remove a passkey. */
const NO_VERIFIER: WebAuthnVerifier = {
  verifyRegistration: async () => ({ ok: false, message: "Not verified here." }),
  verifyAuthentication: async () => ({ ok: false, message: "Not verified here." }),
};

/**
 * Adding, listing, renaming and removing the signed-in user's passkeys. `verifies` only for
 * the route that checks an attestation: the others do not bundle the WebAuthn library.
 */
export function composePasskeyDeps(
  verifies = (_: RelyingPartyConfig): WebAuthnVerifier => NO_VERIFIER,
  secondFactor = composeSecondFactorDeps(),
): PasskeyDeps {
  const table = resources.tableName();
  const relyingParty = readRelyingParty();
  return {
    clock: systemClock,
    random: systemRandom,
    challenges: dynamoChallengeStore(table),
    passkeys: dynamoPasskeyStore(table),
    relyingParty: { id: relyingParty.id, name: relyingParty.name },
    verifier: verifies(relyingParty),
    users: dynamoUserStore(table),
    events: secondFactor.events,
    secondFactor,
    revokeOtherSessions: (userId, keep, source) =>
      revokeOtherSessions(composeSessionDeps(), userId, keep, source),
  };
}

/** Listing and renaming passkeys: the table only. */
export function composePasskeyListDeps() {
  return { passkeys: dynamoPasskeyStore(resources.tableName()) };
}

/** Ending sessions: the refresh-token store and the security log's events. */
export function composeSessionDeps(): SessionDeps {
  return {
    clock: systemClock,
    random: systemRandom,
    events: eventPublisher(resources.tableName()),
    refreshTokens: dynamoRefreshTokenStore(resources.tableName()),
    devices: composeDeviceSettings(),
  };
}

/** Listing sessions: the store alone. */
export function composeSessionListDeps(): Pick<SessionDeps, "clock" | "refreshTokens"> {
  return { clock: systemClock, refreshTokens: dynamoRefreshTokenStore(resources.tableName()) };
}

/** Logout: a refresh token's hash or an access token's signature finds the session. */
export function composeLogoutDeps() {
  return {
    ...composeSessionDeps(),
    signer: hs256Signer(keyFromSecret("SigningKey")),
    hashKey: keyFromSecret("CodeHashKey"),
  };
}

export function composePasswordChangeDeps(
  secondFactor = composeSecondFactorDeps(),
): PasswordChangeDeps {
  const table = resources.tableName();
  return {
    ...composeSessionDeps(),
    users: dynamoUserStore(table),
    limiter: dynamoRateLimiter(table),
    passwordPolicy: readPasswordPolicy(),
    passwords: argon2Hasher,
    secondFactor,
  };
}

export function composeCustomerDeps(secondFactor = composeSecondFactorDeps()): CustomerDeps {
  return {
    users: dynamoUserStore(resources.tableName()),
    passwords: argon2Hasher,
    secondFactor,
    settings: readAccountSettings(),
    registrationPolicy: readRegistrationPolicy(),
    sessions: composeSessionDeps(),
  };
}

function composeAccessCheck() {
  return {
    clock: systemClock,
    signer: hs256Signer(keyFromSecret("SigningKey")),
    refreshTokens: dynamoRefreshTokenStore(resources.tableName()),
  };
}

/** The bearer-token check of user endpoints: the signature, then the token's session is live. */
export function composeAuthenticate(): (token: string) => Promise<SignedIn | null> {
  const deps = composeAccessCheck();
  return (token) => checkAccessToken(deps, token);
}

/**
 * The bearer-token check of endpoints that act on the user: the token, then its user and its
 * session, read at once. `enrollment`: the factor-enrollment endpoints, which also take the
 * enrollment token that a password-only user gets where TFA is required.
 */
export function composeSignedInUser(
  options: { enrollment?: boolean } = {},
): (token: string) => Promise<(SignedIn & { user: User }) | null> {
  const deps = { ...composeAccessCheck(), users: dynamoUserStore(resources.tableName()) };
  return (token) => checkAccessTokenWithUser(deps, token, options);
}

/** The issuer authenticator apps show; a colon would split their label in the wrong place. */
function readServiceName(): string {
  const name = stringFromEnv("SERVICE_NAME", "Twofa");
  if (name.includes(":")) throw new ConfigError("SERVICE_NAME must not contain ':'");
  return name;
}

/** Authenticator-app setup and the backup-code list: the table and the encryption key only. */
export function composeAuthenticatorAppSetupDeps(): AuthenticatorAppSetupDeps {
  return {
    clock: systemClock,
    random: systemRandom,
    store: dynamoAuthenticatorAppStore(resources.tableName()),
    encryptionKey: keyFromSecret("EncryptionKey"),
    issuer: readServiceName(),
  };
}

/** Validating, regenerating codes and unlinking: step-up, lockout and notifications too. */
export function composeAuthenticatorAppDeps(
  secondFactor = composeSecondFactorDeps(),
): AuthenticatorAppDeps {
  return {
    ...composeAuthenticatorAppSetupDeps(),
    users: dynamoUserStore(resources.tableName()),
    secondFactor,
    backupCodeHashKey: keyFromSecret("CodeHashKey"),
    requireTfa: readAccountSettings().requireTfa,
    sessions: composeSessionDeps(),
  };
}

/** Starting a sign-in sends no code (no encryption key); its session goes to the events. */
export function composeSignInStartDeps(): SignInStartDeps {
  const table = resources.tableName();
  return {
    ...composePasswordLogin(table),
    events: eventPublisher(table),
    signIns: dynamoSignInStore(table),
    guard: dynamoAttemptGuard(table),
    lockout: readLockoutPolicy(),
    authenticatorApps: dynamoAuthenticatorAppStore(table),
    passkey: composeSignInPasskeyDeps(),
  };
}

export function composeSignInPrepareDeps(
  secondFactor = composeSecondFactorDeps(),
): SignInPrepareDeps {
  const table = resources.tableName();
  return {
    users: dynamoUserStore(table),
    signIns: dynamoSignInStore(table),
    secondFactor,
    authenticatorApps: dynamoAuthenticatorAppStore(table),
    passkey: composeSignInPasskeyDeps(),
  };
}

/**
 * Attempting a sign-in's factor. `verifies`: the WebAuthn verifier (`simpleWebAuthnVerifier`),
 * passed by the handler so that compose.ts itself does not bundle the library.
 */
export function composeSignInAttemptDeps(
  verifies: (relyingParty: RelyingPartyConfig) => WebAuthnVerifier,
  secondFactor = composeSecondFactorDeps(),
): SignInAttemptDeps {
  const table = resources.tableName();
  return {
    ...composeSignInPrepareDeps(secondFactor),
    passkey: composeSignInPasskeyDeps(verifies(readRelyingParty())),
    clock: systemClock,
    random: systemRandom,
    signer: hs256Signer(keyFromSecret("SigningKey")),
    refreshTokens: dynamoRefreshTokenStore(table),
    refreshTokenLifetime: readRefreshTokenLifetime(),
    hashKey: keyFromSecret("CodeHashKey"),
    events: secondFactor.events,
    devices: composeDeviceSettings(table),
  };
}

/** The admin API's view of a user: every store it reads, and the events of the view. */
export function composeAdminViewDeps(): AdminViewDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    events: eventPublisher(table),
    users: dynamoUserStore(table),
    lockout: readLockoutPolicy(),
    lockouts: dynamoLockoutReader(table),
    backupCodes: dynamoAuthenticatorAppStore(table),
    passkeys: dynamoPasskeyStore(table),
    refreshTokens: dynamoRefreshTokenStore(table),
    devices: composeDeviceSettings(table),
  };
}

/** The admin API's unlock: the lockout and the events. */
export function composeAdminUnlockDeps(): AdminUnlockDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    events: eventPublisher(table),
    users: dynamoUserStore(table),
    guard: dynamoAttemptGuard(table),
  };
}

/** The admin API's reset of a user's second factors: its transaction, then the sessions. */
export function composeAdminResetDeps(): AdminResetDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    events: eventPublisher(table),
    users: dynamoUserStore(table),
    store: dynamoSecondFactorResetStore(table),
    sessions: composeSessionDeps(),
  };
}
