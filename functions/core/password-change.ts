/**
 * `PUT /v1/user/password`: a password change proves the current password and, where TFA is on,
 * a current second factor; it ends every other session and tells the user.
 */
import { codeDestination } from "./contacts.js";
import { randomId } from "./crypto.js";
import { checkPassword } from "./customers.js";
import { DomainError, isDomainError } from "./errors.js";
import type { Locale, Recipient } from "./events.js";
import { nowEpochSeconds } from "./ports.js";
import type { SecondFactorDeps } from "./second-factor.js";
import { revokeOtherSessions, type SessionDeps } from "./sessions.js";
import {
  authenticatePassword,
  checkLoginOtp,
  otpFailure,
  type PasswordCheckDeps,
  requestSource,
  requireOtp,
} from "./tokens.js";
import { type User, type UserStore, userWriteError } from "./users.js";

export interface PasswordChangeDeps extends PasswordCheckDeps, SessionDeps {
  users: UserStore;
  secondFactor: SecondFactorDeps;
}

export interface PasswordChangeInput {
  currentPassword: string;
  newPassword: string;
  otp?: string;
  locale: Locale;
  /** The session that asks: it is kept, every other one ends. */
  sessionId?: string;
  sourceIp?: string;
  userAgent?: string;
}

/** Where the user hears about a change: the code channel, else any contact they gave. */
function noticeRecipient(user: User): Recipient | undefined {
  const destination = codeDestination(user);
  if (destination) return { channel: destination.channel, to: destination.to };
  if (user.email) return { channel: "email", to: user.email };
  if (user.phoneNumber) return { channel: "sms", to: user.phoneNumber };
  return undefined;
}

/**
 * `PUT /v1/user/password`: the current password first (a wrong one counts as a failed login,
 * against the same limits), then, where TFA is on, a current second factor (step-up). The new
 * password meets the registration policy. Every other session ends; the user is told.
 */
export async function changePassword(
  deps: PasswordChangeDeps,
  user: User,
  input: PasswordChangeInput,
): Promise<void> {
  checkPassword(input.newPassword, "newPassword");
  try {
    await authenticatePassword(deps, user.username, input.currentPassword, input.sourceIp);
  } catch (error) {
    if (isDomainError(error) && error.code === "invalid_grant") {
      throw new DomainError("invalid_grant", "The current password is incorrect.", {
        field: "currentPassword",
      });
    }
    throw error;
  }
  let current = user;
  if (user.authMethod !== "simple") {
    if (input.otp === undefined || input.otp === "") {
      await requireOtp(deps.secondFactor, user, input.locale, input.sourceIp, "step_up");
    }
    const outcome = await checkLoginOtp(deps.secondFactor, user, input.otp as string, "step_up");
    if (!outcome.ok) throw otpFailure(outcome);
    // A TOTP check moves the user's version: write over the user as it is now.
    current = (await deps.users.get(user.id)) ?? user;
  }
  const written = await deps.users.update(current, {
    set: { passwordHash: await deps.passwords.hash(input.newPassword) },
    nowEpochSeconds: nowEpochSeconds(deps.clock),
  });
  if (!written.ok) throw userWriteError(written.reason);
  const source = requestSource(input);
  await revokeOtherSessions(deps, user.id, input.sessionId, source);
  const recipient = noticeRecipient(written.user);
  await deps.events.publish({
    id: randomId(deps.random, "evt_"),
    type: "user.password.changed",
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: written.user.locale,
    userId: user.id,
    source,
    ...(recipient ? { recipient } : {}),
    data: { userId: user.id },
  });
}
