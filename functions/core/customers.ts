/**
 * Registration and changes to a user's second factor, as in Freshcom: a phone or email is
 * proven by its verification code, submitted with the change and consumed in the same
 * transaction; turning TFA off or moving it needs a current second factor, and the user is told
 * on the old channel.
 */

import { codeDestination } from "./contacts.js";
import { keyedHash, randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, Locale } from "./events.js";
import type { RegistrationPolicy } from "./policy.js";
import { nowEpochSeconds } from "./ports.js";
import { parseEmail, parsePhoneNumber } from "./recipients.js";
import { type SecondFactorDeps, userNotice } from "./second-factor.js";
import { revokeOtherSessions, type SessionDeps } from "./sessions.js";
import {
  checkLoginOtp,
  otpFailure,
  type PasswordHasher,
  requestSource,
  requireOtp,
} from "./tokens.js";
import {
  normalizeUsername,
  type SelectableAuthMethod,
  type UniqueClaim,
  type User,
  type UserChange,
  type UserStore,
  userWriteError,
} from "./users.js";
import { type CodeConsumption, checkContactCode, type StoredCode } from "./verification-codes.js";

export interface AccountSettings {
  /** Method given to new customers who do not choose one. */
  defaultAuthMethod: SelectableAuthMethod;
  /** When true, every customer must use a TFA method. */
  requireTfa: boolean;
}

export interface CustomerDeps {
  users: UserStore;
  passwords: PasswordHasher;
  secondFactor: SecondFactorDeps;
  settings: AccountSettings;
  registrationPolicy: RegistrationPolicy;
  /** A change of second factor ends the user's other sessions. */
  sessions: SessionDeps;
}

const PASSWORD_MIN_LENGTH = 8; // NIST SP 800-63B §5.1.1.1
const PASSWORD_MAX_LENGTH = 256;

export interface RegistrationInput {
  username: string;
  password: string;
  authMethod?: SelectableAuthMethod;
  phoneNumber?: string;
  phoneVerificationCode?: string;
  /** The handle the phone's verification code request answered (`X-Verification-Id`). */
  phoneVerificationId?: string;
  email?: string;
  emailVerificationCode?: string;
  emailVerificationId?: string;
  locale: Locale;
  /** API Gateway's source IP (never X-Forwarded-For): registrations are limited per source. */
  sourceIp: string;
}

interface ProvenContact {
  value: string;
  consumption: CodeConsumption;
  code: string;
}

async function proveContact(
  deps: CustomerDeps,
  kind: "phone" | "email",
  rawValue: string,
  code: string | undefined,
  verificationId?: string,
): Promise<ProvenContact> {
  const codes = deps.secondFactor.codes;
  const value =
    kind === "phone"
      ? (await parsePhoneNumber(rawValue, codes.policy.smsAllowedCountries)).e164
      : parseEmail(rawValue);
  const field = kind === "phone" ? "phoneVerificationCode" : "emailVerificationCode";
  if (code === undefined || code === "") {
    throw new DomainError("invalid_request", `${field} is required to prove the ${kind}.`, {
      field,
    });
  }
  const outcome = await checkContactCode(codes, kind, value, code, verificationId, field);
  return { value, consumption: outcome.consumption, code };
}

/** The password policy, for registration and password changes alike. */
export function checkPassword(password: string, field = "password") {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new DomainError(
      "invalid_request",
      `Passwords are ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long.`,
      { field },
    );
  }
}

function checkMethodAllowed(settings: AccountSettings, method: SelectableAuthMethod) {
  if (settings.requireTfa && method === "simple") {
    throw new DomainError(
      "tfa_required",
      "Two-factor authentication is required for every customer: choose tfa_sms or tfa_email.",
      { field: "authMethod" },
    );
  }
}

/** The contact a TFA method needs, or an error naming the missing field. */
function requireContactFor(method: SelectableAuthMethod, phone?: string, email?: string) {
  if (method === "tfa_sms" && !phone) {
    throw new DomainError("invalid_request", "tfa_sms needs a verified phoneNumber.", {
      field: "phoneNumber",
    });
  }
  if (method === "tfa_email" && !email) {
    throw new DomainError("invalid_request", "tfa_email needs a verified email.", {
      field: "email",
    });
  }
}

/**
 * The verification code that proved the TFA contact at registration also serves as the first
 * login OTP (the seed's "the one time password is the same as the phone verification code").
 */
function loginCodeFrom(deps: CustomerDeps, userId: string, proven: ProvenContact): StoredCode {
  const codes = deps.secondFactor.codes;
  const challengeId = randomId(codes.random);
  return {
    purpose: "login",
    subject: userId,
    challengeId,
    codeHash: keyedHash(codes.codeHashKey, "code", "login", userId, challengeId, proven.code),
    attempts: 0,
    maxAttempts: codes.policy.maxAttemptsPerCode,
    expiresAtEpochSeconds: nowEpochSeconds(codes.clock) + codes.policy.ttlSeconds,
  };
}

/**
 * Counts a registration against its source IP before any code is checked or any password
 * hashed: each one costs an argon2id hash, whether it is created or answers `username_taken`.
 */
async function limitRegistrations(deps: CustomerDeps, sourceIp: string) {
  const { limiter, clock } = deps.secondFactor.codes;
  const { maxPerIp, windowSeconds } = deps.registrationPolicy;
  const hit = await limiter.hit({
    key: `register-ip#${sourceIp}`,
    limit: maxPerIp,
    windowSeconds,
    nowEpochSeconds: nowEpochSeconds(clock),
  });
  if (!hit.ok) {
    throw new DomainError("too_many_requests", "Too many registrations; try again later.", {
      retryAfterSeconds: Math.max(1, hit.retryAfterSeconds),
    });
  }
}

export async function registerCustomer(
  deps: CustomerDeps,
  input: RegistrationInput,
): Promise<User> {
  const method = input.authMethod ?? deps.settings.defaultAuthMethod;
  checkMethodAllowed(deps.settings, method);
  checkPassword(input.password);
  const username = normalizeUsername(input.username);
  if (!/^[\p{L}\p{N}._@+-]{3,64}$/u.test(username)) {
    throw new DomainError(
      "invalid_request",
      "Usernames are 3 to 64 letters, digits or . _ @ + -.",
      { field: "username" },
    );
  }
  requireContactFor(method, input.phoneNumber, input.email);
  await limitRegistrations(deps, input.sourceIp);

  const phone = input.phoneNumber
    ? await proveContact(
        deps,
        "phone",
        input.phoneNumber,
        input.phoneVerificationCode,
        input.phoneVerificationId,
      )
    : undefined;
  const email = input.email
    ? await proveContact(
        deps,
        "email",
        input.email,
        input.emailVerificationCode,
        input.emailVerificationId,
      )
    : undefined;

  const { clock, random } = deps.secondFactor;
  const user: User = {
    id: randomId(random, "usr_"),
    username,
    passwordHash: await deps.passwords.hash(input.password),
    authMethod: method,
    ...(phone ? { phoneNumber: phone.value } : {}),
    ...(email ? { email: email.value } : {}),
    locale: input.locale,
    createdAt: new Date(clock.nowMs()).toISOString(),
    version: 1,
  };
  const claim: UniqueClaim[] = [{ kind: "username", value: username }];
  if (phone) claim.push({ kind: "phone", value: phone.value });
  if (email) claim.push({ kind: "email", value: email.value });
  const tfaContact = method === "tfa_sms" ? phone : method === "tfa_email" ? email : undefined;
  const created = await deps.users.create(user, {
    claim,
    consume: [phone?.consumption, email?.consumption].filter((c) => c !== undefined),
    putCodes: tfaContact ? [loginCodeFrom(deps, user.id, tfaContact)] : [],
    nowEpochSeconds: nowEpochSeconds(clock),
  });
  if (!created.ok) throw userWriteError(created.reason);
  return user;
}

export interface UserUpdateInput {
  authMethod?: SelectableAuthMethod;
  phoneNumber?: string;
  phoneVerificationCode?: string;
  /** The handle the phone's verification code request answered (`X-Verification-Id`). */
  phoneVerificationId?: string;
  email?: string;
  emailVerificationCode?: string;
  emailVerificationId?: string;
  otp?: string;
  locale: Locale;
  sourceIp?: string;
  userAgent?: string;
  /** The session that asks (none for an enrollment token): the one a factor change keeps. */
  sessionId?: string;
}

/**
 * Changes the user's method, phone or email. With TFA on, a change that weakens or moves the
 * second factor (turning TFA off, another method) or changes any contact (phone or email, new
 * or added: each may receive security notices such as lockouts) needs a current second factor:
 * without `otp`, a code is sent and `otp_required` answered. The user is told on the channel
 * they had before, and each replaced phone or email is told on itself.
 */
export async function updateUser(
  deps: CustomerDeps,
  user: User,
  input: UserUpdateInput,
): Promise<User> {
  const method = input.authMethod ?? (user.authMethod === "totp" ? undefined : user.authMethod);
  if (input.authMethod) checkMethodAllowed(deps.settings, input.authMethod);
  if (input.authMethod && user.authMethod === "totp") {
    throw new DomainError(
      "conflict",
      "An authenticator app is linked: unlink it before choosing another method.",
      { field: "authMethod" },
    );
  }

  const phone =
    input.phoneNumber !== undefined
      ? await proveContact(
          deps,
          "phone",
          input.phoneNumber,
          input.phoneVerificationCode,
          input.phoneVerificationId,
        )
      : undefined;
  const email =
    input.email !== undefined
      ? await proveContact(
          deps,
          "email",
          input.email,
          input.emailVerificationCode,
          input.emailVerificationId,
        )
      : undefined;
  const nextPhone = phone?.value ?? user.phoneNumber;
  const nextEmail = email?.value ?? user.email;
  if (method) requireContactFor(method, nextPhone, nextEmail);

  const tfaOn = user.authMethod !== "simple";
  const current = codeDestination(user);
  const changesPhone = phone !== undefined && phone.value !== user.phoneNumber;
  const changesEmail = email !== undefined && email.value !== user.email;
  const needsStepUp =
    tfaOn && ((method !== undefined && method !== user.authMethod) || changesPhone || changesEmail);
  if (needsStepUp) {
    if (input.otp === undefined || input.otp === "") {
      await requireOtp(deps.secondFactor, user, input.locale, input.sourceIp, "step_up");
    }
    const outcome = await checkLoginOtp(deps.secondFactor, user, input.otp as string, "step_up");
    if (!outcome.ok) throw otpFailure(outcome);
  }

  const change: UserChange = {
    set: {},
    claim: [],
    release: [],
    consume: [],
    nowEpochSeconds: nowEpochSeconds(deps.secondFactor.clock),
  };
  if (method && method !== user.authMethod) change.set.authMethod = method;
  if (phone && changesPhone) {
    change.set.phoneNumber = phone.value;
    change.claim?.push({ kind: "phone", value: phone.value });
    if (user.phoneNumber) change.release?.push({ kind: "phone", value: user.phoneNumber });
  }
  if (email && changesEmail) {
    change.set.email = email.value;
    change.claim?.push({ kind: "email", value: email.value });
    if (user.email) change.release?.push({ kind: "email", value: user.email });
  }
  for (const proven of [phone, email]) if (proven) change.consume?.push(proven.consumption);

  // Tell the user, on the channel they had before the change: the notices are saved with the
  // change, in its transaction, so that neither happens without the other.
  const updated: User = { ...user, ...change.set };
  const oldChannel = current
    ? { channel: current.channel, to: current.to }
    : user.email
      ? { channel: "email" as const, to: user.email }
      : user.phoneNumber
        ? { channel: "sms" as const, to: user.phoneNumber }
        : undefined;
  const sf = deps.secondFactor;
  const told = new Set<string>();
  const notices: DomainEvent[] = [];
  const tell = (
    type: "user.tfa.enabled" | "user.tfa.disabled" | "user.contact.changed",
    recipient: { channel: "sms" | "email"; to: string } | undefined,
    data: Record<string, string> = {},
  ) => {
    const key = recipient ? `${recipient.channel}#${recipient.to}` : "";
    if (told.has(key)) return;
    told.add(key);
    notices.push(userNotice(sf, updated, type, recipient, data));
  };
  if (updated.authMethod !== user.authMethod) {
    if (updated.authMethod === "simple") {
      tell("user.tfa.disabled", oldChannel);
    } else {
      const newDestination = codeDestination(updated);
      tell("user.tfa.enabled", oldChannel ?? newDestination ?? undefined, {
        method: updated.authMethod,
      });
    }
  }
  // A replaced phone or email hears of it on itself: whoever took it over cannot hide that.
  if (changesPhone && user.phoneNumber) {
    tell("user.contact.changed", { channel: "sms", to: user.phoneNumber }, { what: "phone" });
  }
  if (changesEmail && user.email) {
    tell("user.contact.changed", { channel: "email", to: user.email }, { what: "email" });
  }
  // A contact added where there was none: the channel the user had is told.
  const added = (changesPhone && !user.phoneNumber) || (changesEmail && !user.email);
  if (added && oldChannel) {
    tell("user.contact.changed", oldChannel, {
      what: changesPhone && !user.phoneNumber ? "phone" : "email",
    });
  }
  change.events = notices;
  const written = await deps.users.update(user, change);
  if (!written.ok) throw userWriteError(written.reason);
  // A second factor added, moved or removed: whoever held a session before keeps none.
  const nextDestination = codeDestination(updated);
  if (
    updated.authMethod !== user.authMethod ||
    nextDestination?.channel !== current?.channel ||
    nextDestination?.to !== current?.to
  ) {
    await revokeOtherSessions(deps.sessions, user.id, input.sessionId, requestSource(input));
  }
  return written.user;
}
