/** Users as this service knows them, and the store port that keeps them. */
import { DomainError } from "./errors.js";
import type { DomainEvent, Locale } from "./events.js";
import type { CodeConsumption, StoredCode } from "./verification-codes.js";

const AUTH_METHODS = ["simple", "tfa_sms", "tfa_email", "totp"] as const;
type AuthMethod = (typeof AUTH_METHODS)[number];
/** The methods a client may choose directly; `totp` is set by linking an authenticator app. */
export const SELECTABLE_AUTH_METHODS = ["simple", "tfa_sms", "tfa_email"] as const;
export type SelectableAuthMethod = (typeof SELECTABLE_AUTH_METHODS)[number];

export interface TotpFactor {
  /** AES-256-GCM sealed base32 secret, bound to the user id. */
  sealedSecret: string;
  /** The last time step accepted: a code at or before it is refused (replay guard). */
  lastUsedStep: number | null;
  linkedAt: string;
}

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  authMethod: AuthMethod;
  /** The method to return to when an authenticator app is unlinked. */
  previousAuthMethod?: SelectableAuthMethod;
  /** Verified E.164 phone number. */
  phoneNumber?: string;
  /** Verified email address. */
  email?: string;
  locale: Locale;
  createdAt: string;
  /** Optimistic-concurrency version: every update is conditional on it. */
  version: number;
  totp?: TotpFactor;
}

/** Unique claims a user holds (username, verified phone, verified email). */
export interface UniqueClaim {
  kind: "username" | "phone" | "email";
  value: string;
}

export interface UserChange {
  set: Partial<Omit<User, "id" | "version" | "createdAt">>;
  remove?: ("phoneNumber" | "email" | "totp" | "previousAuthMethod")[];
  claim?: UniqueClaim[];
  release?: UniqueClaim[];
  /** Verification codes consumed in the same transaction. */
  consume?: CodeConsumption[];
  /** Codes stored in the same transaction (a verification code turned into a login code). */
  putCodes?: StoredCode[];
  /** The moment of the change: a code it consumes must still be live then. */
  nowEpochSeconds: number;
  /** Events about the change, saved in the same transaction: both happen or neither. */
  events?: readonly DomainEvent[];
}

/** Why a user write did not happen: a claim held by another user, a spent code, a race. */
export type UserWriteRefusal =
  | "username_taken"
  | "phone_number_taken"
  | "email_taken"
  | "code_used"
  | "conflict";

export type UserWriteOutcome = { ok: true } | { ok: false; reason: UserWriteRefusal };

export interface UserStore {
  /** Creates the user and its claims, consuming codes, in one transaction. */
  create(user: User, change: Omit<UserChange, "set">): Promise<UserWriteOutcome>;
  get(id: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Applies `change` if the user is still at `user.version`; answers the user as written. */
  update(
    user: User,
    change: UserChange,
  ): Promise<{ ok: true; user: User } | { ok: false; reason: UserWriteRefusal }>;
}

const REFUSALS: Record<UserWriteRefusal, () => DomainError> = {
  username_taken: () =>
    new DomainError("username_taken", "This username is taken.", { field: "username" }),
  phone_number_taken: () =>
    new DomainError("phone_number_taken", "This phone number belongs to another user.", {
      field: "phoneNumber",
    }),
  email_taken: () =>
    new DomainError("email_taken", "This email belongs to another user.", { field: "email" }),
  code_used: () =>
    new DomainError("invalid_verification_code", "The verification code was already used."),
  // The request raced another one; retrying is safe.
  conflict: () => new DomainError("conflict", "The user changed meanwhile; retry."),
};

/** The error a client sees for a refused user write. */
export function userWriteError(reason: UserWriteRefusal): DomainError {
  return REFUSALS[reason]();
}

export function normalizeUsername(username: string): string {
  return username.trim().normalize("NFKC").toLowerCase();
}

export function publicUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    authMethod: user.authMethod,
    phoneNumber: user.phoneNumber ?? null,
    email: user.email ?? null,
    locale: user.locale,
    tfaAppLinked: user.totp !== undefined,
    createdAt: user.createdAt,
  };
}

/** The user a valid access token names; a token whose user is gone is no longer valid. */
export async function signedInUser(users: Pick<UserStore, "get">, userId: string): Promise<User> {
  const user = await users.get(userId);
  if (!user) throw new DomainError("invalid_token", "The user of this token no longer exists.");
  return user;
}
