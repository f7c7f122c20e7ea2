/**
 * In-memory fakes of core's ports, one per port, with the atomicity of their DynamoDB adapters:
 * each write decides and applies in one synchronous step, as one conditional write or
 * transaction does, and refuses what the adapter's condition refuses. The contract suites in
 * `test/support/contracts/` run against these fakes and against DynamoDB Local, so the two
 * cannot drift apart.
 */

import type {
  AuthenticatorAppDeps,
  AuthenticatorAppStore,
  BackupCodeState,
  NewBackupCodes,
  PendingEnrollment,
} from "../../functions/core/authenticator-app.js";
import {
  type AuthenticatorAppCodeDeps,
  spendBackupCode,
} from "../../functions/core/authenticator-app-codes.js";
import { open } from "../../functions/core/crypto.js";
import type { CustomerDeps } from "../../functions/core/customers.js";
import type {
  DeviceSettings,
  DeviceStore,
  RememberedDevice,
} from "../../functions/core/devices.js";
import type { DomainEvent, EventPublisher, RequestSource } from "../../functions/core/events.js";
import {
  type AttemptGuard,
  type LockoutRecord,
  type ReserveAttemptOutcome,
  refusalSeconds,
} from "../../functions/core/lockout.js";
import type { DeliveryRecord, DeliveryStore } from "../../functions/core/notifications.js";
import type {
  ChallengePurpose,
  ChallengeStore,
  Passkey,
  PasskeyDeps,
  PasskeyStore,
  PasskeyUse,
  StoredChallenge,
  WebAuthnVerifier,
} from "../../functions/core/passkeys.js";
import {
  DEFAULT_CODE_POLICY,
  DEFAULT_LOCKOUT_POLICY,
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  DEFAULT_REGISTRATION_POLICY,
  type LockoutPolicy,
} from "../../functions/core/policy.js";
import type { Clock, Random } from "../../functions/core/ports.js";
import type { SecondFactorDeps } from "../../functions/core/second-factor.js";
import type { SessionDeps } from "../../functions/core/sessions.js";
import type {
  SignIn,
  SignInAttemptDeps,
  SignInStartDeps,
  SignInStore,
  StoredVerification,
} from "../../functions/core/sign-ins.js";
import type {
  AccessTokenSigner,
  NewSession,
  NextRefreshToken,
  PasswordHasher,
  RefreshTokenRecord,
  RefreshTokenStore,
  RotateOutcome,
  Session,
  TokenDeps,
} from "../../functions/core/tokens.js";
import type {
  UniqueClaim,
  User,
  UserChange,
  UserStore,
  UserWriteOutcome,
  UserWriteRefusal,
} from "../../functions/core/users.js";
import type {
  AttemptBudget,
  CodeDeps,
  CodePurpose,
  CodeStore,
  LimitOutcome,
  RateLimiter,
  ReserveOutcome,
  StoredCode,
} from "../../functions/core/verification-codes.js";

// ---------------------------------------------------------------------------------------------
// Clock, randomness, events

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 22, 12, 0, 0)) {}
  nowMs() {
    return this.ms;
  }
  advanceSeconds(seconds: number) {
    this.ms += seconds * 1000;
  }
}

/** Deterministic bytes: a counter run through a simple mixer, reproducible per seed. */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed = 1) {
    this.state = seed;
  }
  bytes(n: number) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
      out[i] = this.state >>> 24;
    }
    return out;
  }
}

export class MemoryEvents implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(event: DomainEvent) {
    this.published.push(event);
  }
}

// ---------------------------------------------------------------------------------------------
// Codes and rate limits

export class MemoryCodeStore implements CodeStore {
  readonly items = new Map<string, StoredCode>();
  private key(purpose: string, subject: string) {
    return `${purpose}#${subject}`;
  }
  async put(code: StoredCode) {
    this.items.set(this.key(code.purpose, code.subject), { ...code });
  }
  async reserveAttempt(
    purpose: CodePurpose,
    subject: string,
    now: number,
    budget?: AttemptBudget,
  ): Promise<ReserveOutcome> {
    const item = this.items.get(this.key(purpose, subject));
    if (!item) return { ok: false, reason: "missing" };
    if (typeof budget === "object" && item.handleHash !== budget.handleHash) {
      return { ok: false, reason: "other_handle" };
    }
    if (item.expiresAtEpochSeconds <= now) return { ok: false, reason: "expired" };
    if (budget === "anonymous") {
      if ((item.anonymousAttempts ?? 0) >= (item.maxAnonymousAttempts ?? 0)) {
        return { ok: false, reason: "exhausted" };
      }
      item.anonymousAttempts = (item.anonymousAttempts ?? 0) + 1;
      return { ok: true, code: { ...item } };
    }
    if (item.attempts >= item.maxAttempts) return { ok: false, reason: "exhausted" };
    item.attempts += 1;
    return { ok: true, code: { ...item } };
  }
  /** Whether `consume` would succeed: the code is still `challengeId` and live. */
  consumable(purpose: CodePurpose, subject: string, challengeId: string, now: number) {
    const item = this.items.get(this.key(purpose, subject));
    return item?.challengeId === challengeId && item.expiresAtEpochSeconds > now;
  }
  async consume(purpose: CodePurpose, subject: string, challengeId: string, now: number) {
    if (!this.consumable(purpose, subject, challengeId, now)) return false;
    this.items.delete(this.key(purpose, subject));
    return true;
  }
}

export class MemoryRateLimiter implements RateLimiter {
  /** Each key's latest window, by its index (`floor(now / window)`), as the adapter keys it. */
  readonly windows = new Map<string, { index: number; hits: number }>();
  /** Each key's last hit with a cooldown. */
  readonly lastHits = new Map<string, number>();
  async hit(input: Parameters<RateLimiter["hit"]>[0]): Promise<LimitOutcome> {
    const { key, limit, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now } = input;
    if (limit <= 0) return { ok: false, reason: "limit", retryAfterSeconds: windowSeconds };
    const index = Math.floor(now / windowSeconds);
    const w = this.windows.get(key);
    const hits = w?.index === index ? w.hits : 0;
    const refusals: LimitOutcome[] = [];
    if (hits >= limit) {
      refusals.push({
        ok: false,
        reason: "limit",
        retryAfterSeconds: (index + 1) * windowSeconds - now,
      });
    }
    const last = this.lastHits.get(key);
    if (cooldownSeconds > 0 && last !== undefined && last > now - cooldownSeconds) {
      refusals.push({
        ok: false,
        reason: "cooldown",
        retryAfterSeconds: last + cooldownSeconds - now,
      });
    }
    const refused = refusals.sort(
      (a, b) => (b.ok ? 0 : b.retryAfterSeconds) - (a.ok ? 0 : a.retryAfterSeconds),
    )[0];
    if (refused) return refused;
    // A hit stamped behind a newer window counts in its own (older) window, which this fake
    // no longer keeps: it passes.
    if (w === undefined || w.index <= index) this.windows.set(key, { index, hits: hits + 1 });
    if (cooldownSeconds > 0) this.lastHits.set(key, now);
    return { ok: true };
  }
  async refund(input: Parameters<RateLimiter["refund"]>[0]): Promise<void> {
    const w = this.windows.get(input.key);
    const index = Math.floor(input.nowEpochSeconds / input.windowSeconds);
    if (w && w.index === index && w.hits > 0) w.hits -= 1;
    if ((input.cooldownSeconds ?? 0) > 0) this.lastHits.delete(input.key);
  }
}

// ---------------------------------------------------------------------------------------------
// Users, lockout, passwords, tokens

const TAKEN: Record<UniqueClaim["kind"], UserWriteRefusal> = {
  username: "username_taken",
  phone: "phone_number_taken",
  email: "email_taken",
};

export class MemoryUserStore implements UserStore {
  readonly users = new Map<string, User>();
  /** `kind#value` (lower case, as the adapter keys them) → the user holding the claim. */
  readonly claims = new Map<string, string>();
  /** Where events saved with a change go (the outbox), when a test wires one. */
  outbox: MemoryEvents | undefined;
  constructor(private readonly codes: MemoryCodeStore = new MemoryCodeStore()) {}

  /** Saves events with the change that was just written, as the adapter's transaction does. */
  saveEvents(events: readonly DomainEvent[] | undefined) {
    for (const event of events ?? []) this.outbox?.published.push(event);
  }

  private claimKey(claim: UniqueClaim) {
    return `${claim.kind}#${claim.value.toLowerCase()}`;
  }

  /** Puts a user as it is, with its username claim, as a test's starting point. */
  seed(user: User) {
    this.users.set(user.id, structuredClone(user));
    this.claims.set(this.claimKey({ kind: "username", value: user.username }), user.id);
  }

  /** Every condition of the adapter's transaction, in the order it reports them. */
  private refusal(
    userId: string,
    change: Omit<UserChange, "set">,
    userHolds: boolean,
  ): UserWriteRefusal | null {
    for (const claim of change.claim ?? []) {
      const owner = this.claims.get(this.claimKey(claim));
      if (owner !== undefined && owner !== userId) return TAKEN[claim.kind];
    }
    for (const c of change.consume ?? []) {
      if (!this.codes.consumable(c.purpose, c.subject, c.challengeId, change.nowEpochSeconds)) {
        return "code_used";
      }
    }
    const releasesHeld = (change.release ?? []).every(
      (claim) => this.claims.get(this.claimKey(claim)) === userId,
    );
    return userHolds && releasesHeld ? null : "conflict";
  }

  private apply(userId: string, change: Omit<UserChange, "set">) {
    for (const c of change.consume ?? []) {
      void this.codes.consume(c.purpose, c.subject, c.challengeId, change.nowEpochSeconds);
    }
    for (const claim of change.claim ?? []) this.claims.set(this.claimKey(claim), userId);
    for (const claim of change.release ?? []) this.claims.delete(this.claimKey(claim));
    for (const code of change.putCodes ?? []) void this.codes.put(code);
    this.saveEvents(change.events);
  }

  async create(user: User, change: Omit<UserChange, "set">): Promise<UserWriteOutcome> {
    const refused = this.refusal(user.id, change, !this.users.has(user.id));
    if (refused) return { ok: false, reason: refused };
    this.apply(user.id, change);
    this.users.set(user.id, structuredClone(user));
    return { ok: true };
  }
  async get(id: string) {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }
  async findByUsername(username: string) {
    const id = this.claims.get(this.claimKey({ kind: "username", value: username }));
    return id ? this.get(id) : null;
  }
  async update(user: User, change: UserChange) {
    const current = this.users.get(user.id)?.version === user.version;
    const refused = this.refusal(user.id, change, current);
    if (refused) return { ok: false as const, reason: refused };
    this.apply(user.id, change);
    const next: User = { ...user, ...change.set, version: user.version + 1 };
    for (const field of change.remove ?? []) delete next[field];
    this.users.set(user.id, structuredClone(next));
    return { ok: true as const, user: next };
  }
}

export class MemoryAttemptGuard implements AttemptGuard {
  readonly entries = new Map<string, LockoutRecord>();
  async reserve(
    userId: string,
    now: number,
    policy: LockoutPolicy,
    factor = "unspecified",
  ): Promise<ReserveAttemptOutcome> {
    const entry = this.entries.get(userId) ?? {
      failures: 0,
      total: 0,
      locks: 0,
      lastAttemptAt: 0,
      failedFactors: [],
    };
    const wait = refusalSeconds(entry, now, policy, factor);
    if (wait > 0) return { ok: false, retryAfterSeconds: wait };
    const newRound =
      entry.failures >= policy.maxConsecutiveFailures && entry.total < policy.hardCapFailures;
    const next: LockoutRecord = {
      failures: newRound ? 1 : entry.failures + 1,
      total: entry.total + 1,
      locks: newRound ? entry.locks + 1 : entry.locks,
      lastAttemptAt: now,
      failedFactors: entry.failedFactors.includes(factor)
        ? entry.failedFactors
        : [...entry.failedFactors, factor],
    };
    this.entries.set(userId, next);
    return {
      ok: true,
      failuresIncludingThis: next.failures,
      consecutiveIncludingThis: next.total,
      locks: next.locks,
    };
  }
  async reset(userId: string) {
    const entry = this.entries.get(userId);
    this.entries.set(userId, {
      failures: 0,
      total: 0,
      locks: 0,
      lastAttemptAt: entry?.lastAttemptAt ?? 0,
      failedFactors: [],
    });
  }
  async lockedFor(userId: string, now: number, policy: LockoutPolicy, factor?: string) {
    const entry = this.entries.get(userId);
    return entry ? refusalSeconds(entry, now, policy, factor) : 0;
  }
  failures(userId: string) {
    return this.entries.get(userId)?.failures ?? 0;
  }
}

/** Passwords compared in the clear: unit tests check the flow, the adapter test checks argon2id. */
export const plainPasswords: PasswordHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (hash, password) => hash === `plain:${password}`,
  dummyHash: async () => "plain:\u0000nobody",
};

/** Tokens in the clear: `at.<user>.<session>` for access, `et.<user>` for enrollment. */
export const fakeSigner: AccessTokenSigner = {
  sign: async ({ userId, sessionId }) => `at.${userId}.${sessionId}`,
  verify: async (token) => {
    const [kind, userId, sessionId, ...rest] = token.split(".");
    return kind === "at" && userId && sessionId && rest.length === 0 ? { userId, sessionId } : null;
  },
  signEnrollment: async (userId) => `et.${userId}`,
  verifyEnrollment: async (token) => {
    const [kind, userId, ...rest] = token.split(".");
    return kind === "et" && userId && rest.length === 0 ? userId : null;
  },
};

export class MemoryRefreshTokens implements RefreshTokenStore {
  /** Every first token of a session, in order. */
  readonly records: RefreshTokenRecord[] = [];
  readonly tokens = new Map<string, RefreshTokenRecord & { used: boolean }>();
  readonly sessions = new Map<string, Session>();
  /** Ids of revoked sessions. */
  get revoked(): Set<string> {
    return new Set([...this.sessions.values()].filter((s) => s.revoked).map((s) => s.id));
  }
  async create(session: NewSession) {
    this.apply(session);
  }
  /** Writes a session and its first token at once, as the adapter's transaction does. */
  apply(session: NewSession) {
    const { token } = session;
    if (this.sessions.has(token.familyId)) throw new Error("exists");
    const tokenEnd = Math.min(token.expiresAtEpochSeconds, token.familyExpiresAtEpochSeconds);
    this.records.push(token);
    this.tokens.set(token.tokenHash, { ...token, expiresAtEpochSeconds: tokenEnd, used: false });
    this.sessions.set(token.familyId, {
      id: token.familyId,
      userId: token.userId,
      createdAtEpochSeconds: session.createdAtEpochSeconds,
      createdFrom: { ...session.source },
      lastUsedAtEpochSeconds: session.createdAtEpochSeconds,
      lastUsedFrom: { ...session.source },
      expiresAtEpochSeconds: token.familyExpiresAtEpochSeconds,
      idleExpiresAtEpochSeconds: tokenEnd,
      revoked: false,
    });
  }
  async rotate(
    hash: string,
    next: NextRefreshToken,
    now: number,
    source: RequestSource = {},
  ): Promise<RotateOutcome> {
    const token = this.tokens.get(hash);
    if (!token) return { ok: false, reason: "unknown" };
    if (token.expiresAtEpochSeconds <= now || token.familyExpiresAtEpochSeconds <= now) {
      return { ok: false, reason: "expired" };
    }
    const session = this.sessions.get(token.familyId);
    if (token.used) {
      if (session) session.revoked = true;
      return { ok: false, reason: "reused" };
    }
    if (!session || session.revoked || session.expiresAtEpochSeconds <= now) {
      return { ok: false, reason: "revoked" };
    }
    token.used = true;
    const nextEnd = Math.min(next.expiresAtEpochSeconds, token.familyExpiresAtEpochSeconds);
    this.tokens.set(next.tokenHash, {
      tokenHash: next.tokenHash,
      expiresAtEpochSeconds: nextEnd,
      familyExpiresAtEpochSeconds: token.familyExpiresAtEpochSeconds,
      userId: token.userId,
      familyId: token.familyId,
      used: false,
    });
    session.lastUsedAtEpochSeconds = now;
    session.lastUsedFrom = { ...source };
    session.idleExpiresAtEpochSeconds = nextEnd;
    return { ok: true, userId: token.userId, sessionId: token.familyId };
  }
  async sessionOf(hash: string) {
    const token = this.tokens.get(hash);
    return token ? { userId: token.userId, sessionId: token.familyId } : null;
  }
  async listSessions(userId: string) {
    return [...this.sessions.values()]
      .filter((session) => session.userId === userId)
      .map((session) => structuredClone(session));
  }
  async getSession(userId: string, sessionId: string) {
    const session = this.sessions.get(sessionId);
    return session?.userId === userId ? structuredClone(session) : null;
  }
  async revokeSession(userId: string, sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (session?.userId !== userId || session.revoked) return false;
    session.revoked = true;
    return true;
  }
}

export class MemoryDeviceStore implements DeviceStore {
  readonly devices = new Map<string, RememberedDevice>();
  async create(device: RememberedDevice) {
    if (this.devices.has(device.id)) throw new Error("exists");
    this.devices.set(device.id, structuredClone(device));
  }
  async list(userId: string) {
    return [...this.devices.values()]
      .filter((device) => device.userId === userId)
      .map((device) => structuredClone(device));
  }
  async findByTokenHash(userId: string, tokenHash: string) {
    const found = [...this.devices.values()].find(
      (device) => device.userId === userId && device.tokenHash === tokenHash,
    );
    return found ? structuredClone(found) : null;
  }
  async touch(userId: string, deviceId: string, now: number, source: RequestSource) {
    const device = this.devices.get(deviceId);
    if (device?.userId !== userId || device.expiresAtEpochSeconds <= now) return false;
    device.lastUsedAtEpochSeconds = now;
    device.lastUsedFrom = { ...source };
    return true;
  }
  async remove(userId: string, deviceId: string) {
    if (this.devices.get(deviceId)?.userId !== userId) return false;
    return this.devices.delete(deviceId);
  }
}

/** Remembered devices in memory, remembered `days` days (30, as by default). */
export function memoryDevices(days = 30): DeviceSettings & { store: MemoryDeviceStore } {
  return { store: new MemoryDeviceStore(), days };
}

// ---------------------------------------------------------------------------------------------
// Authenticator apps and sign-ins

interface BackupItem {
  hash: string;
  position: number;
  usedAt?: string;
}

export class MemoryAuthenticatorAppStore implements AuthenticatorAppStore {
  readonly pending = new Map<string, PendingEnrollment>();
  readonly backup = new Map<string, BackupItem[]>();
  readonly reveals = new Map<string, { sealedCodes: string; expiresAtEpochSeconds: number }>();
  /** Set to make the next transaction lose a race. */
  loseNextWrite = false;

  constructor(private readonly users: MemoryUserStore) {}

  async keepPending(userId: string, candidate: PendingEnrollment, reuseFrom: number, now: number) {
    const old = this.pending.get(userId);
    if (old && old.createdAtEpochSeconds >= reuseFrom && old.expiresAtEpochSeconds > now) {
      return old;
    }
    this.pending.set(userId, candidate);
    return candidate;
  }
  async getPending(userId: string, now: number) {
    const item = this.pending.get(userId);
    return item && item.expiresAtEpochSeconds > now ? item : null;
  }
  private writable(user: User) {
    if (this.loseNextWrite) {
      this.loseNextWrite = false;
      return false;
    }
    return this.users.users.get(user.id)?.version === user.version;
  }
  private putCodes(userId: string, codes: NewBackupCodes) {
    this.backup.set(
      userId,
      codes.hashes.map((hash, position) => ({ hash, position })),
    );
    if (codes.reveal) this.reveals.set(userId, codes.reveal);
    else this.reveals.delete(userId);
  }
  async link(
    user: User,
    next: User,
    pending: PendingEnrollment,
    codes: NewBackupCodes,
    events?: readonly DomainEvent[],
  ) {
    if (!this.writable(user)) return false;
    if (this.pending.get(user.id)?.sealedSecret !== pending.sealedSecret) return false;
    const stored = this.users.users.get(user.id);
    if (!stored) return false;
    this.users.users.set(user.id, {
      ...stored,
      ...structuredClone({
        totp: next.totp,
        authMethod: next.authMethod,
        previousAuthMethod: next.previousAuthMethod,
      }),
      version: next.version,
    });
    this.pending.delete(user.id);
    this.putCodes(user.id, codes);
    this.users.saveEvents(events);
    return true;
  }
  async replaceBackupCodes(user: User, codes: NewBackupCodes, events?: readonly DomainEvent[]) {
    const stored = this.users.users.get(user.id);
    if (!this.writable(user) || stored?.totp?.sealedSecret !== user.totp?.sealedSecret) {
      return false;
    }
    if (!stored) return false;
    this.users.users.set(user.id, { ...stored, version: user.version + 1 });
    this.putCodes(user.id, codes);
    this.users.saveEvents(events);
    return true;
  }
  async unlink(user: User, next: User, events?: readonly DomainEvent[]) {
    if (!this.writable(user)) return false;
    const stored = this.users.users.get(user.id);
    if (!stored) return false;
    const unlinked: User = { ...stored, authMethod: next.authMethod, version: next.version };
    delete unlinked.totp;
    delete unlinked.previousAuthMethod;
    this.users.users.set(user.id, unlinked);
    this.pending.delete(user.id);
    this.backup.delete(user.id);
    this.reveals.delete(user.id);
    this.users.saveEvents(events);
    return true;
  }
  async listBackupCodes(userId: string): Promise<BackupCodeState[]> {
    return (this.backup.get(userId) ?? []).map((b) => ({
      position: b.position,
      used: b.usedAt !== undefined,
    }));
  }
  async takeBackupCodeReveal(userId: string, now: number) {
    const reveal = this.reveals.get(userId);
    if (!reveal || reveal.expiresAtEpochSeconds <= now) return null;
    this.reveals.delete(userId);
    return reveal.sealedCodes;
  }
  async advanceTotpStep(userId: string, sealedSecret: string, step: number) {
    const stored = this.users.users.get(userId);
    if (!stored?.totp || stored.totp.sealedSecret !== sealedSecret) return false;
    if (stored.totp.lastUsedStep !== null && stored.totp.lastUsedStep >= step) return false;
    stored.totp.lastUsedStep = step;
    stored.version += 1;
    return true;
  }
  async spendBackupCode(userId: string, codeHash: string, usedAt: string) {
    const item = this.backup.get(userId)?.find((b) => b.hash === codeHash);
    if (!item || item.usedAt !== undefined) return false;
    item.usedAt = usedAt;
    return true;
  }
}

export class MemorySignInStore implements SignInStore {
  readonly items = new Map<string, SignIn>();
  /** Set to make the next completing transaction fail as a whole, as a DynamoDB error would. */
  failNextComplete = false;
  /** Where the sessions that sign-ins create are written, in the same step. */
  constructor(readonly refreshTokens = new MemoryRefreshTokens()) {}
  async create(signIn: SignIn, session?: NewSession) {
    if (this.items.has(signIn.id)) throw new Error("exists");
    if (session) this.refreshTokens.apply(session);
    this.items.set(signIn.id, structuredClone(signIn));
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : null;
  }
  async startVerification(id: string, verification: StoredVerification, now: number) {
    const item = this.items.get(id);
    if (item?.status !== "needs_second_factor" || item.expiresAtEpochSeconds <= now) {
      return false;
    }
    item.verification = { ...verification };
    return true;
  }
  async countFailure(id: string, strategy: string, failed: boolean) {
    const item = this.items.get(id);
    if (!item?.verification || item.verification.strategy !== strategy) return;
    if (item.status !== "needs_second_factor") return;
    item.verification.attempts += 1;
    item.failures = (item.failures ?? 0) + 1;
    if (failed) item.verification.status = "failed";
  }
  async complete(id: string, verification: StoredVerification, session: NewSession, now: number) {
    if (this.failNextComplete) {
      this.failNextComplete = false;
      throw new Error("TransactionCanceledException: injected failure");
    }
    const item = this.items.get(id);
    if (item?.status !== "needs_second_factor" || item.expiresAtEpochSeconds <= now) {
      return false;
    }
    this.refreshTokens.apply(session);
    item.status = "complete";
    item.createdSessionId = session.token.familyId;
    item.verification = { ...verification };
    return true;
  }
  async completeFirstFactor(
    id: string,
    userId: string,
    verification: StoredVerification,
    session: NewSession,
    now: number,
  ) {
    const item = this.items.get(id);
    if (item?.status !== "needs_first_factor" || item.expiresAtEpochSeconds <= now) return false;
    this.refreshTokens.apply(session);
    item.status = "complete";
    item.userId = userId;
    item.createdSessionId = session.token.familyId;
    item.firstFactorVerification = { ...verification };
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// Passkeys

export class MemoryChallengeStore implements ChallengeStore {
  readonly items = new Map<string, StoredChallenge>();
  private key(purpose: ChallengePurpose, subject: string) {
    return `${purpose}#${subject}`;
  }
  async put(challenge: StoredChallenge) {
    this.items.set(this.key(challenge.purpose, challenge.subject), { ...challenge });
  }
  async get(purpose: ChallengePurpose, subject: string) {
    const item = this.items.get(this.key(purpose, subject));
    return item ? { ...item } : null;
  }
  async consume(purpose: ChallengePurpose, subject: string, challenge: string, now: number) {
    const item = this.items.get(this.key(purpose, subject));
    if (item?.challenge !== challenge || item.expiresAtEpochSeconds <= now) return false;
    this.items.delete(this.key(purpose, subject));
    return true;
  }
}

export class MemoryPasskeyStore implements PasskeyStore {
  /** Credential id → passkey: the id is claimed once across users. */
  readonly items = new Map<string, Passkey>();
  /** Where events saved with a change go (the outbox), when a test wires one. */
  outbox: MemoryEvents | undefined;
  /** Set to make the next add or remove fail as a cancelled transaction does: nothing saved. */
  failNextWrite = false;
  private failing() {
    if (!this.failNextWrite) return;
    this.failNextWrite = false;
    throw new Error("TransactionCanceledException: injected failure");
  }
  private saveEvents(events: readonly DomainEvent[] | undefined) {
    for (const event of events ?? []) this.outbox?.published.push(event);
  }
  async add(passkey: Passkey, events?: readonly DomainEvent[]) {
    this.failing();
    if (this.items.has(passkey.id)) return false;
    this.items.set(passkey.id, structuredClone(passkey));
    this.saveEvents(events);
    return true;
  }
  async list(userId: string) {
    return [...this.items.values()]
      .filter((p) => p.userId === userId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
      .map((p) => structuredClone(p));
  }
  async find(credentialId: string) {
    const item = this.items.get(credentialId);
    return item ? structuredClone(item) : null;
  }
  async rename(userId: string, credentialId: string, name: string) {
    const item = this.items.get(credentialId);
    if (item?.userId !== userId) return false;
    item.name = name;
    return true;
  }
  async remove(userId: string, credentialId: string, events?: readonly DomainEvent[]) {
    this.failing();
    if (this.items.get(credentialId)?.userId !== userId) return false;
    this.items.delete(credentialId);
    this.saveEvents(events);
    return true;
  }
  async recordUse(userId: string, credentialId: string, use: PasskeyUse) {
    const item = this.items.get(credentialId);
    if (item?.userId !== userId || item.signCount !== use.previousSignCount) return false;
    item.signCount = use.signCount;
    item.backedUp = use.backedUp;
    item.lastUsedAt = use.lastUsedAt;
    return true;
  }
}

/**
 * A stand-in for the WebAuthn library in unit tests: a response is
 * `{id, response: {clientDataJSON, userHandle?}, fake: {valid, signCount}}`; it is valid when
 * `fake.valid` and its client data's challenge is the expected one.
 */
const fakeVerifier: WebAuthnVerifier = {
  async verifyRegistration({ response, expectedChallenge }) {
    const r = response as FakeCredential;
    if (!r.fake.valid || challengeOf(r) !== expectedChallenge) {
      return { ok: false, message: "The attestation is not valid." };
    }
    return {
      ok: true,
      credential: {
        id: r.id,
        publicKey: "pk",
        signCount: r.fake.signCount,
        transports: ["internal"],
        aaguid: "00000000-0000-0000-0000-000000000000",
        backupEligible: false,
        backedUp: false,
      },
    };
  },
  async verifyAuthentication({ response, expectedChallenge }) {
    const r = response as FakeCredential;
    if (!r.fake.valid || challengeOf(r) !== expectedChallenge) {
      return { ok: false, message: "The signature is not valid." };
    }
    return { ok: true, signCount: r.fake.signCount, backedUp: false };
  },
};

export interface FakeCredential {
  id: string;
  response: { clientDataJSON: string; userHandle?: string };
  fake: { valid: boolean; signCount: number };
}

function challengeOf(r: FakeCredential): string {
  return JSON.parse(Buffer.from(r.response.clientDataJSON, "base64url").toString()).challenge;
}

/** A response for `fakeVerifier`. */
export function fakeCredential(
  id: string,
  challenge: string,
  options: { userHandle?: string; valid?: boolean; signCount?: number } = {},
): FakeCredential {
  const clientDataJSON = Buffer.from(JSON.stringify({ type: "webauthn.get", challenge })).toString(
    "base64url",
  );
  return {
    id,
    response: {
      clientDataJSON,
      ...(options.userHandle === undefined ? {} : { userHandle: options.userHandle }),
    },
    fake: { valid: options.valid ?? true, signCount: options.signCount ?? 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// Notifications

export class MemoryDeliveryStore implements DeliveryStore {
  readonly records = new Map<string, DeliveryRecord & { leaseUntil: number }>();
  async claim(record: Omit<DeliveryRecord, "status">, now: number, leaseSeconds: number) {
    const old = this.records.get(record.eventId);
    // A record left "sending" by a crashed attempt may be taken over once its lease ends.
    if (old && (old.status === "sent" || old.leaseUntil >= now)) return false;
    this.records.set(record.eventId, {
      ...record,
      status: "sending",
      leaseUntil: now + leaseSeconds,
    });
    return true;
  }
  async finish(eventId: string, outcome: Parameters<DeliveryStore["finish"]>[1]) {
    const old = this.records.get(eventId);
    // A failed delivery may be claimed again at once by the retry that follows.
    if (old) this.records.set(eventId, { ...old, ...outcome, leaseUntil: 0 });
  }
  async get(eventId: string) {
    const record = this.records.get(eventId);
    if (!record) return null;
    const { leaseUntil: _lease, ...rest } = record;
    return rest;
  }
}

// ---------------------------------------------------------------------------------------------
// Everything wired together

export const ENCRYPTION_KEY = new Uint8Array(32).fill(2);
const HASH_KEY = new Uint8Array(32).fill(1);

/** Every fake wired together, with a pinned clock and a seeded random source. */
export function memoryWorld(seed = 11) {
  const clock = new FakeClock();
  const random = new SeededRandom(seed);
  const codeStore = new MemoryCodeStore();
  const users = new MemoryUserStore(codeStore);
  const authenticatorApps = new MemoryAuthenticatorAppStore(users);
  const events = new MemoryEvents();
  users.outbox = events;
  const guard = new MemoryAttemptGuard();
  const codes: CodeDeps & { store: MemoryCodeStore } = {
    clock,
    random,
    store: codeStore,
    limiter: new MemoryRateLimiter(),
    events,
    policy: DEFAULT_CODE_POLICY,
    codeHashKey: HASH_KEY,
    encryptionKey: ENCRYPTION_KEY,
  };
  const authenticatorAppCodes: AuthenticatorAppCodeDeps = {
    store: authenticatorApps,
    encryptionKey: ENCRYPTION_KEY,
    backupCodeHashKey: HASH_KEY,
  };
  const secondFactor: SecondFactorDeps = {
    clock,
    random,
    guard,
    lockout: DEFAULT_LOCKOUT_POLICY,
    events,
    codes,
    authenticatorApp: authenticatorAppCodes,
  };
  const refreshTokens = new MemoryRefreshTokens();
  const devices = memoryDevices();
  const sessions: SessionDeps = { clock, random, events, refreshTokens, devices };
  const authenticatorApp: AuthenticatorAppDeps = {
    clock,
    random,
    store: authenticatorApps,
    encryptionKey: ENCRYPTION_KEY,
    issuer: "Twofa",
    users,
    secondFactor,
    backupCodeHashKey: HASH_KEY,
    requireTfa: false,
    sessions,
  };
  const issue = {
    clock,
    random,
    signer: fakeSigner,
    refreshTokens,
    refreshTokenLifetime: DEFAULT_REFRESH_TOKEN_LIFETIME,
    hashKey: HASH_KEY,
    events,
    devices,
  };
  const signIns = new MemorySignInStore(refreshTokens);
  const signInStart: SignInStartDeps = {
    ...issue,
    events,
    users,
    passwords: plainPasswords,
    limiter: new MemoryRateLimiter(),
    passwordPolicy: DEFAULT_PASSWORD_POLICY,
    requireTfa: false,
    signIns,
    guard,
    lockout: DEFAULT_LOCKOUT_POLICY,
    authenticatorApps,
  };
  const signInAttempt: SignInAttemptDeps = {
    ...issue,
    users,
    signIns,
    secondFactor,
    authenticatorApps,
  };
  /** The password grant (`/v1/token`) with the second factor. */
  const tokens: TokenDeps = { ...signInStart, secondFactor };
  const customers: CustomerDeps = {
    users,
    passwords: plainPasswords,
    secondFactor,
    settings: { defaultAuthMethod: "simple", requireTfa: false },
    registrationPolicy: DEFAULT_REGISTRATION_POLICY,
    sessions,
  };
  const passwordChange = { ...signInStart, ...sessions, secondFactor };
  /** The code of the last event that carried one (sealed as it travels), in clear. */
  const lastCode = () => {
    const event = events.published.filter((e) => e.sealedCode).at(-1);
    return open(ENCRYPTION_KEY, event?.sealedCode ?? "", event?.id ?? "");
  };
  const challenges = new MemoryChallengeStore();
  const passkeys = new MemoryPasskeyStore();
  passkeys.outbox = events;
  const relyingParty = { id: "localhost", name: "Twofa" };
  /** What sign-ins need to offer and check passkeys (`passkey` in their deps). */
  const signInPasskey = { challenges, passkeys, relyingParty, verifier: fakeVerifier };
  /** Users whose other sessions a passkey change ended, in order. */
  const passkeyRevocations: string[] = [];
  const passkey: PasskeyDeps = {
    clock,
    random,
    challenges,
    passkeys,
    relyingParty,
    verifier: fakeVerifier,
    users,
    events,
    secondFactor,
    revokeOtherSessions: async (userId) => {
      passkeyRevocations.push(userId);
    },
  };
  /** Spends a backup code of the user as a sign-in would, outside any lockout. */
  const spendUserBackupCode = async (userId: string, code: string) => {
    const user = await users.get(userId);
    return (
      user !== null &&
      spendBackupCode(authenticatorAppCodes, user, code, new Date(clock.nowMs()).toISOString())
    );
  };
  return {
    signIns,
    signInStart,
    signInAttempt,
    clock,
    random,
    users,
    authenticatorApps,
    events,
    guard,
    codes,
    secondFactor,
    authenticatorApp,
    refreshTokens,
    devices,
    sessions,
    issue,
    spendBackupCode: spendUserBackupCode,
    tokens,
    customers,
    passwordChange,
    lastCode,
    challenges,
    passkeys,
    relyingParty,
    signInPasskey,
    passkey,
    passkeyRevocations,
  };
}

let counter = 0;
export function makeUser(overrides: Partial<User> = {}): User {
  counter += 1;
  return {
    id: `usr_${counter}`,
    username: `user${counter}`,
    passwordHash: "plain:correct horse battery staple",
    authMethod: "simple",
    locale: "en",
    createdAt: "2026-11-22T12:00:00.000Z",
    version: 1,
    ...overrides,
  };
}
