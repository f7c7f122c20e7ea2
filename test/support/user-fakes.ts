/** In-memory fakes of the user, token and lockout ports, for core unit tests. */
import { DomainError } from "../../functions/core/errors.js";
import type { AttemptGuard } from "../../functions/core/lockout.js";
import type {
  AccessTokenSigner,
  PasswordHasher,
  RefreshTokenRecord,
  RefreshTokenStore,
} from "../../functions/core/tokens.js";
import type { User, UserChange, UserStore } from "../../functions/core/users.js";
import type { MemoryCodeStore } from "./fakes.js";

export class MemoryUserStore implements UserStore {
  readonly users = new Map<string, User>();
  readonly claims = new Map<string, string>();
  constructor(private readonly codes: MemoryCodeStore) {}

  private apply(userId: string, change: Omit<UserChange, "set">) {
    for (const c of change.claim ?? []) {
      const owner = this.claims.get(`${c.kind}#${c.value}`);
      if (owner && owner !== userId) {
        throw new DomainError(
          c.kind === "username"
            ? "username_taken"
            : c.kind === "phone"
              ? "phone_number_taken"
              : "email_taken",
          "taken",
        );
      }
    }
    for (const c of change.consume ?? []) {
      const stored = [...this.codes.items.values()].find(
        (s) =>
          s.purpose === c.purpose && s.subject === c.subject && s.challengeId === c.challengeId,
      );
      if (!stored) throw new DomainError("invalid_verification_code", "used");
    }
    for (const c of change.consume ?? [])
      void this.codes.consume(c.purpose, c.subject, c.challengeId);
    for (const c of change.claim ?? []) this.claims.set(`${c.kind}#${c.value}`, userId);
    for (const c of change.release ?? []) this.claims.delete(`${c.kind}#${c.value}`);
    for (const code of change.putCodes ?? []) void this.codes.put(code);
  }

  async create(user: User, change: Omit<UserChange, "set">) {
    this.apply(user.id, change);
    this.users.set(user.id, structuredClone(user));
  }
  async get(id: string) {
    const user = this.users.get(id);
    return user ? structuredClone(user) : null;
  }
  async findByUsername(username: string) {
    const id = this.claims.get(`username#${username}`);
    return id ? this.get(id) : null;
  }
  async update(user: User, change: UserChange) {
    if (this.users.get(user.id)?.version !== user.version)
      throw new DomainError("conflict", "stale");
    this.apply(user.id, change);
    const next: User = { ...user, ...change.set, version: user.version + 1 };
    for (const field of change.remove ?? []) delete next[field];
    this.users.set(user.id, structuredClone(next));
    return next;
  }
}

export class MemoryGuard implements AttemptGuard {
  readonly state = new Map<string, { failures: number; last: number }>();
  async reserve(
    userId: string,
    now: number,
    policy: { maxConsecutiveFailures: number; lockSeconds: number },
  ) {
    const s = this.state.get(userId) ?? { failures: 0, last: 0 };
    if (s.failures >= policy.maxConsecutiveFailures) {
      if (s.last > now - policy.lockSeconds)
        return { ok: false as const, retryAfterSeconds: s.last + policy.lockSeconds - now };
      s.failures = 0;
    }
    s.failures += 1;
    s.last = now;
    this.state.set(userId, s);
    return { ok: true as const, failuresIncludingThis: s.failures };
  }
  async reset(userId: string) {
    const s = this.state.get(userId);
    if (s) s.failures = 0;
  }
  async lockedFor(
    userId: string,
    now: number,
    policy: { maxConsecutiveFailures: number; lockSeconds: number },
  ) {
    const s = this.state.get(userId);
    if (!s || s.failures < policy.maxConsecutiveFailures) return 0;
    return Math.max(0, s.last + policy.lockSeconds - now);
  }
}

/** Not a real hash: unit tests check the flow, the adapter test checks argon2id. */
export const plainPasswords: PasswordHasher = {
  hash: async (p) => `plain:${p}`,
  verify: async (h, p) => h === `plain:${p}`,
  dummyHash: async () => "plain:\u0000",
};

export const fakeSigner: AccessTokenSigner = {
  sign: async (userId) => `at.${userId}`,
  verify: async (token) => (token.startsWith("at.") ? token.slice(3) : null),
};

export class MemoryRefreshTokens implements RefreshTokenStore {
  readonly tokens = new Map<string, RefreshTokenRecord & { used: boolean }>();
  readonly revoked = new Set<string>();
  async create(record: RefreshTokenRecord) {
    this.tokens.set(record.tokenHash, { ...record, used: false });
  }
  async rotate(hash: string, next: Omit<RefreshTokenRecord, "userId" | "familyId">, now: number) {
    const token = this.tokens.get(hash);
    if (!token) return { ok: false as const, reason: "unknown" as const };
    if (token.expiresAtEpochSeconds <= now)
      return { ok: false as const, reason: "expired" as const };
    if (token.used) {
      this.revoked.add(token.familyId);
      return { ok: false as const, reason: "reused" as const };
    }
    if (this.revoked.has(token.familyId)) return { ok: false as const, reason: "revoked" as const };
    token.used = true;
    this.tokens.set(next.tokenHash, {
      ...next,
      userId: token.userId,
      familyId: token.familyId,
      used: false,
    });
    return { ok: true as const, userId: token.userId };
  }
}
