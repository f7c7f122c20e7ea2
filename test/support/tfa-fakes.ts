/**
 * In-memory fakes of the ports behind authenticator apps and sign-ins, with the atomicity of
 * their DynamoDB adapters: each method decides and writes in one synchronous step, as one
 * conditional write or transaction does.
 */
import {
  type BackupCodeState,
  type NewBackupCodes,
  type PendingEnrollment,
  type TfaAppDeps,
  type TfaAppStore,
  totpSecretContext,
} from "../../functions/core/authenticator-app.js";
import { hashBackupCode, normalizeBackupCode } from "../../functions/core/backup-codes.js";
import { open } from "../../functions/core/crypto.js";
import type { AttemptGuard } from "../../functions/core/lockout.js";
import {
  DEFAULT_CODE_POLICY,
  DEFAULT_LOCKOUT_POLICY,
  DEFAULT_PASSWORD_POLICY,
} from "../../functions/core/policy.js";
import type { AppFactors, SecondFactorDeps } from "../../functions/core/second-factor.js";
import type {
  SignIn,
  SignInAttemptDeps,
  SignInStartDeps,
  SignInStore,
  StoredVerification,
} from "../../functions/core/sign-ins.js";
import type {
  AccessTokenSigner,
  PasswordHasher,
  RefreshTokenRecord,
  RefreshTokenStore,
} from "../../functions/core/tokens.js";
import { isWellFormedOtp, verifyTotp } from "../../functions/core/totp.js";
import type { User, UserStore } from "../../functions/core/users.js";
import {
  FakeClock,
  MemoryCodeStore,
  MemoryEvents,
  MemoryRateLimiter,
  SeededRandom,
} from "./fakes.js";

export const ENCRYPTION_KEY = new Uint8Array(32).fill(2);
const HASH_KEY = new Uint8Array(32).fill(1);

class MemoryUserStore implements UserStore {
  readonly users = new Map<string, User>();
  async create(user: User) {
    this.users.set(user.id, structuredClone(user));
  }
  async get(id: string) {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }
  async findByUsername(username: string) {
    for (const user of this.users.values())
      if (user.username === username) return structuredClone(user);
    return null;
  }
  async update(user: User, change: Parameters<UserStore["update"]>[1]) {
    const stored = this.users.get(user.id);
    if (stored?.version !== user.version) throw new Error("conflict");
    const next: User = { ...user, ...change.set, version: user.version + 1 };
    for (const field of change.remove ?? []) delete next[field];
    this.users.set(user.id, structuredClone(next));
    return next;
  }
}

/** Passwords compared in the clear: the hasher's cost is not what these tests are about. */
const plainPasswords: PasswordHasher = {
  hash: async (password) => `plain:${password}`,
  verify: async (hash, password) => hash === `plain:${password}`,
  dummyHash: async () => "plain:\u0000nobody",
};

const fakeSigner: AccessTokenSigner = {
  sign: async (userId, ttl) => `access.${userId}.${ttl}`,
  verify: async (token) => token.split(".")[1] ?? null,
};

class MemoryRefreshTokens implements RefreshTokenStore {
  readonly records: RefreshTokenRecord[] = [];
  async create(record: RefreshTokenRecord) {
    this.records.push(record);
  }
  async rotate(): Promise<never> {
    throw new Error("not used here");
  }
}

class MemoryAttemptGuard implements AttemptGuard {
  readonly entries = new Map<string, { failures: number; lastAttemptAt: number }>();
  async reserve(userId: string, now: number, policy: typeof DEFAULT_LOCKOUT_POLICY) {
    const entry = this.entries.get(userId) ?? { failures: 0, lastAttemptAt: 0 };
    if (entry.failures >= policy.maxConsecutiveFailures) {
      if (entry.lastAttemptAt > now - policy.lockSeconds) {
        return {
          ok: false as const,
          retryAfterSeconds: entry.lastAttemptAt + policy.lockSeconds - now,
        };
      }
      entry.failures = 0;
    }
    entry.failures += 1;
    entry.lastAttemptAt = now;
    this.entries.set(userId, entry);
    return { ok: true as const, failuresIncludingThis: entry.failures };
  }
  async reset(userId: string) {
    const entry = this.entries.get(userId);
    if (entry) entry.failures = 0;
  }
  async lockedFor(userId: string, now: number, policy: typeof DEFAULT_LOCKOUT_POLICY) {
    const entry = this.entries.get(userId);
    if (!entry || entry.failures < policy.maxConsecutiveFailures) return 0;
    return Math.max(0, entry.lastAttemptAt + policy.lockSeconds - now);
  }
  failures(userId: string) {
    return this.entries.get(userId)?.failures ?? 0;
  }
}

interface BackupItem {
  hash: string;
  position: number;
  used: boolean;
}

class MemoryTfaAppStore implements TfaAppStore {
  readonly pending = new Map<string, PendingEnrollment>();
  readonly backup = new Map<string, BackupItem[]>();
  readonly reveals = new Map<string, { sealedCodes: string; expiresAtEpochSeconds: number }>();
  /** Set to make the next write lose a race. */
  loseNextWrite = false;

  constructor(private readonly users: MemoryUserStore) {}

  async keepPending(userId: string, candidate: PendingEnrollment, reuseFrom: number, now: number) {
    const old = this.pending.get(userId);
    if (old && old.createdAtEpochSeconds >= reuseFrom && old.expiresAtEpochSeconds > now)
      return old;
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
      codes.hashes.map((hash, position) => ({ hash, position, used: false })),
    );
    if (codes.reveal) this.reveals.set(userId, codes.reveal);
    else this.reveals.delete(userId);
  }
  async link(user: User, next: User, pending: PendingEnrollment, codes: NewBackupCodes) {
    if (!this.writable(user)) return false;
    if (this.pending.get(user.id)?.sealedSecret !== pending.sealedSecret) return false;
    this.users.users.set(user.id, structuredClone(next));
    this.pending.delete(user.id);
    this.putCodes(user.id, codes);
    return true;
  }
  async replaceBackupCodes(user: User, codes: NewBackupCodes) {
    if (!this.writable(user)) return false;
    this.users.users.set(user.id, { ...structuredClone(user), version: user.version + 1 });
    this.putCodes(user.id, codes);
    return true;
  }
  async unlink(user: User, next: User) {
    if (!this.writable(user)) return false;
    this.users.users.set(user.id, structuredClone(next));
    this.pending.delete(user.id);
    this.backup.delete(user.id);
    this.reveals.delete(user.id);
    return true;
  }
  async listBackupCodes(userId: string): Promise<BackupCodeState[]> {
    return (this.backup.get(userId) ?? []).map((b) => ({ position: b.position, used: b.used }));
  }
  async takeBackupCodeReveal(userId: string, now: number) {
    const reveal = this.reveals.get(userId);
    this.reveals.delete(userId);
    return reveal && reveal.expiresAtEpochSeconds > now ? reveal.sealedCodes : null;
  }
  /** What `dynamoAppFactors.useBackupCode` does to these items. */
  useBackupCode(userId: string, code: string): boolean {
    const normalized = normalizeBackupCode(code);
    if (!normalized) return false;
    const item = this.backup
      .get(userId)
      ?.find((b) => b.hash === hashBackupCode(normalized, HASH_KEY));
    if (!item || item.used) return false;
    item.used = true;
    return true;
  }
}

/** `dynamoAppFactors` over the memory stores: the step advances with the version, once. */
function memoryAppFactors(users: MemoryUserStore, store: MemoryTfaAppStore): AppFactors {
  return {
    isWellFormedTotp: (code) => isWellFormedOtp(code),
    isWellFormedBackupCode: (code) => normalizeBackupCode(code) !== null,
    async verifyTotp(user, code, now) {
      if (!user.totp) return false;
      const secretBase32 = open(ENCRYPTION_KEY, user.totp.sealedSecret, totpSecretContext(user.id));
      const result = await verifyTotp({
        secretBase32,
        code,
        nowEpochSeconds: now,
        lastUsedStep: user.totp.lastUsedStep,
      });
      if (!result.ok) return false;
      const stored = users.users.get(user.id);
      if (!stored?.totp || stored.totp.sealedSecret !== user.totp.sealedSecret) return false;
      if (stored.totp.lastUsedStep !== null && stored.totp.lastUsedStep >= result.step)
        return false;
      stored.totp.lastUsedStep = result.step;
      stored.version += 1;
      return true;
    },
    async useBackupCode(user, code) {
      return user.totp !== undefined && store.useBackupCode(user.id, code);
    },
    async hasBackupCodes(user) {
      return (await store.listBackupCodes(user.id)).some((b) => !b.used);
    },
  };
}

class MemorySignInStore implements SignInStore {
  readonly items = new Map<string, SignIn>();
  async create(signIn: SignIn) {
    if (this.items.has(signIn.id)) throw new Error("exists");
    this.items.set(signIn.id, structuredClone(signIn));
  }
  async get(id: string) {
    const item = this.items.get(id);
    return item ? structuredClone(item) : null;
  }
  async startVerification(id: string, verification: SignIn["verification"] & object, now: number) {
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
    if (failed) item.verification.status = "failed";
  }
  async complete(id: string, verification: StoredVerification, sessionId: string, now: number) {
    const item = this.items.get(id);
    if (item?.status !== "needs_second_factor" || item.expiresAtEpochSeconds <= now) {
      return false;
    }
    item.status = "complete";
    item.createdSessionId = sessionId;
    item.verification = { ...verification };
    return true;
  }
}

/** Every fake wired together, with a pinned clock and a seeded random source. */
export function memoryWorld(seed = 11) {
  const clock = new FakeClock();
  const random = new SeededRandom(seed);
  const users = new MemoryUserStore();
  const store = new MemoryTfaAppStore(users);
  const events = new MemoryEvents();
  const guard = new MemoryAttemptGuard();
  const codes = {
    clock,
    random,
    codes: new MemoryCodeStore(),
    limiter: new MemoryRateLimiter(),
    events,
    policy: DEFAULT_CODE_POLICY,
    codeHashKey: HASH_KEY,
    encryptionKey: ENCRYPTION_KEY,
  };
  const secondFactor: SecondFactorDeps = {
    clock,
    random,
    guard,
    lockout: DEFAULT_LOCKOUT_POLICY,
    events,
    codes,
    app: memoryAppFactors(users, store),
  };
  const tfa: TfaAppDeps = {
    clock,
    random,
    store,
    encryptionKey: ENCRYPTION_KEY,
    issuer: "Twofa",
    users,
    secondFactor,
    backupCodeHashKey: HASH_KEY,
    requireTfa: false,
  };
  const refreshTokens = new MemoryRefreshTokens();
  const issue = { clock, random, signer: fakeSigner, refreshTokens, hashKey: HASH_KEY };
  const signIns = new MemorySignInStore();
  const signInStart: SignInStartDeps = {
    ...issue,
    users,
    passwords: plainPasswords,
    limiter: new MemoryRateLimiter(),
    passwordPolicy: DEFAULT_PASSWORD_POLICY,
    signIns,
    guard,
    lockout: DEFAULT_LOCKOUT_POLICY,
    app: store,
  };
  const signInAttempt: SignInAttemptDeps = { ...issue, users, signIns, secondFactor, app: store };
  return {
    signIns,
    signInStart,
    signInAttempt,
    clock,
    random,
    users,
    store,
    events,
    guard,
    codes,
    secondFactor,
    tfa,
    refreshTokens,
    issue,
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
