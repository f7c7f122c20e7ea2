/**
 * The admin API's actions in core, with in-memory stores and a pinned clock: an operator's view
 * of a user (masked, no secret), an unlock, a reset of every second factor (one write with its
 * notices, then every session and device; the next login per the policy; a login that writes
 * its session while the reset runs), and the admin events and audit-log entries they make.
 */
import { describe, expect, it } from "vitest";
import {
  type AdminResetDeps,
  type AdminViewDeps,
  type LockoutReader,
  resetSecondFactors,
  type SecondFactorResetStore,
  unlockUser,
  viewUser,
} from "../../functions/core/admin.js";
import type { DomainEvent } from "../../functions/core/events.js";
import type { Passkey } from "../../functions/core/passkeys.js";
import { DEFAULT_LOCKOUT_POLICY } from "../../functions/core/policy.js";
import { nowEpochSeconds } from "../../functions/core/ports.js";
import {
  adminAuditEntry,
  logOnlyEvent,
  securityLogEntry,
} from "../../functions/core/security-log.js";
import { mintSession, passwordGrant, type TokenDeps } from "../../functions/core/tokens.js";
import type { User } from "../../functions/core/users.js";
import { MemoryPasskeyStore, makeUser, memoryWorld } from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";
const PHONE = "+33612345678";
const EMAIL = "joe.doe@example.com";
const ADMIN = { ip: "198.51.100.1", userAgent: "ops-console/1.0" };

function passkey(userId: string, id: string): Passkey {
  return {
    id,
    userId,
    name: `Key ${id}`,
    publicKey: "cHVibGljLWtleQ",
    signCount: 3,
    transports: ["internal"],
    aaguid: "00000000-0000-0000-0000-000000000000",
    backupEligible: true,
    backedUp: true,
    createdAt: "2026-11-22T12:00:00.000Z",
    lastUsedAt: null,
  };
}

/** A user with every kind of factor: SMS, email, an authenticator app with codes, passkeys. */
function world(overrides: Partial<User> = {}) {
  const w = memoryWorld();
  const user = makeUser({
    authMethod: "totp",
    previousAuthMethod: "tfa_sms",
    phoneNumber: PHONE,
    email: EMAIL,
    totp: { sealedSecret: "sealed-totp-secret", lastUsedStep: 5, linkedAt: "2026-11-22T12:00:00Z" },
    ...overrides,
  });
  w.users.seed(user);
  w.authenticatorApps.backup.set(user.id, [
    { hash: "backup-hash-0", position: 0, usedAt: "2026-11-23T00:00:00Z" },
    { hash: "backup-hash-1", position: 1 },
    { hash: "backup-hash-2", position: 2 },
  ]);
  const passkeys = new MemoryPasskeyStore();
  void passkeys.add(passkey(user.id, "cred-a"));
  void passkeys.add(passkey(user.id, "cred-b"));

  const lockouts: LockoutReader = {
    read: async (userId) => w.guard.entries.get(userId) ?? null,
  };
  let losses = 0;
  /** The reset's one write: everything, with its events, or nothing when the user moved. */
  const store: SecondFactorResetStore & { loseNext(n: number): void } = {
    loseNext(n) {
      losses = n;
    },
    async reset(before, next, events) {
      if (losses > 0) {
        losses -= 1;
        const stored = w.users.users.get(before.id);
        if (stored) w.users.users.set(before.id, { ...stored, version: stored.version + 1 });
        return false;
      }
      if (w.users.users.get(before.id)?.version !== before.version) return false;
      w.users.users.set(before.id, structuredClone(next));
      w.authenticatorApps.backup.delete(before.id);
      w.authenticatorApps.pending.delete(before.id);
      w.authenticatorApps.reveals.delete(before.id);
      for (const p of await passkeys.list(before.id)) await passkeys.remove(before.id, p.id);
      w.guard.entries.delete(before.id);
      w.users.saveEvents(events);
      return true;
    },
  };
  const view: AdminViewDeps = {
    clock: w.clock,
    random: w.random,
    events: w.events,
    users: w.users,
    lockout: DEFAULT_LOCKOUT_POLICY,
    lockouts,
    backupCodes: w.authenticatorApps,
    passkeys,
    refreshTokens: w.refreshTokens,
    devices: w.devices,
  };
  const reset: AdminResetDeps = {
    clock: w.clock,
    random: w.random,
    events: w.events,
    users: w.users,
    store,
    sessions: w.sessions,
  };
  const unlock = { ...reset, guard: w.guard };
  /** A login's session, written at once: its id. */
  const session = async (source = { ip: "203.0.113.7", userAgent: "Firefox/133" }) => {
    const minted = mintSession(w.issue, user.id, source);
    await w.refreshTokens.create(minted.session);
    return minted.session.token.familyId;
  };
  const device = async (id: string) => {
    const now = nowEpochSeconds(w.clock);
    await w.devices.store.create({
      id,
      userId: user.id,
      tokenHash: `device-hash-${id}`,
      createdAtEpochSeconds: now,
      createdFrom: { ip: "203.0.113.7" },
      lastUsedAtEpochSeconds: now,
      lastUsedFrom: { ip: "203.0.113.7" },
      expiresAtEpochSeconds: now + 86_400,
    });
  };
  /** Consecutive failures with `factor`, as the lockout records them (the last one just now). */
  const lock = async (failures: number, factor = "totp") => {
    const { maxConsecutiveFailures } = DEFAULT_LOCKOUT_POLICY;
    w.guard.entries.set(user.id, {
      failures: ((failures - 1) % maxConsecutiveFailures) + 1,
      total: failures,
      locks: Math.floor((failures - 1) / maxConsecutiveFailures),
      lastAttemptAt: nowEpochSeconds(w.clock),
      failedFactors: [factor],
    });
  };
  const tokens = (requireTfa: boolean): TokenDeps => ({
    ...w.signInStart,
    secondFactor: w.secondFactor,
    requireTfa,
  });
  const published = (type: string) => w.events.published.filter((e) => e.type === type);
  return {
    ...w,
    user,
    passkeys,
    store,
    view,
    reset,
    unlock,
    session,
    device,
    lock,
    tokens,
    published,
  };
}

describe("an operator's view of a user", () => {
  it("shows factors with masked contacts, backup codes left, passkeys, lock, sessions and devices", async () => {
    const w = world();
    const sessionId = await w.session();
    const ended = await w.session();
    await w.refreshTokens.revokeSession(w.user.id, ended);
    await w.device("dev_1");
    await w.lock(10);

    const view = await viewUser(w.view, w.user.id, ADMIN);
    expect(view.factors).toEqual({
      authMethod: "totp",
      phoneNumber: "+*******5678",
      email: "j*****e@example.com",
      authenticatorApp: { linked: true, linkedAt: "2026-11-22T12:00:00Z" },
      backupCodes: { total: 3, remaining: 2 },
      passkeys: [
        {
          id: "cred-a",
          name: "Key cred-a",
          createdAt: "2026-11-22T12:00:00.000Z",
          lastUsedAt: null,
        },
        {
          id: "cred-b",
          name: "Key cred-b",
          createdAt: "2026-11-22T12:00:00.000Z",
          lastUsedAt: null,
        },
      ],
    });
    expect(view.lock).toEqual({
      locked: true,
      lockedUntil: new Date(w.clock.nowMs() + DEFAULT_LOCKOUT_POLICY.lockSeconds * 1000)
        .toISOString()
        .replace(/\.\d{3}Z$/, ".000Z"),
      consecutiveFailures: 10,
      disabledFactors: [],
    });
    expect(view.sessions.map((s) => s.id)).toEqual([sessionId]);
    expect(view.sessions[0]?.createdFrom).toEqual({ ip: "203.0.113.7", userAgent: "Firefox/133" });
    expect(view.devices.map((d) => d.id)).toEqual(["dev_1"]);

    const shown = JSON.stringify(view);
    for (const secret of [
      PHONE,
      EMAIL,
      "sealed-totp-secret",
      "backup-hash",
      "device-hash",
      "cPVibGljLWtleQ",
    ]) {
      expect(shown).not.toContain(secret);
    }
    for (const record of w.refreshTokens.records) expect(shown).not.toContain(record.tokenHash);
  });

  it("names the factors the hard cap disabled", async () => {
    const w = world();
    await w.lock(DEFAULT_LOCKOUT_POLICY.hardCapFailures);
    const view = await viewUser(w.view, w.user.id);
    expect(view.lock).toMatchObject({
      locked: true,
      consecutiveFailures: DEFAULT_LOCKOUT_POLICY.hardCapFailures,
      disabledFactors: ["totp"],
    });
  });

  it("is an admin event in the user's log, with the admin as actor and source", async () => {
    const w = world();
    await viewUser(w.view, w.user.id, ADMIN);
    const [event] = w.published("admin.user.viewed");
    expect(event).toMatchObject({
      userId: w.user.id,
      source: ADMIN,
      data: { actor: "admin", userId: w.user.id },
    });
    expect(event?.recipient).toBeUndefined();
  });

  it("answers user_not_found for an unknown or malformed id, and logs nothing", async () => {
    const w = world();
    for (const id of ["usr_nobody", "someone", ""]) {
      expect((await refusal(viewUser(w.view, id))).code).toBe("user_not_found");
    }
    expect(w.published("admin.user.viewed")).toEqual([]);
  });
});

describe("an unlock", () => {
  it("ends a lock and re-enables disabled factors, as user.unlocked and an admin event", async () => {
    const w = world();
    await w.lock(DEFAULT_LOCKOUT_POLICY.hardCapFailures);
    const now = nowEpochSeconds(w.clock);
    expect(await w.guard.lockedFor(w.user.id, now, DEFAULT_LOCKOUT_POLICY, "totp")).toBeGreaterThan(
      0,
    );
    await unlockUser(w.unlock, w.user.id, ADMIN);
    expect(await w.guard.lockedFor(w.user.id, now, DEFAULT_LOCKOUT_POLICY, "totp")).toBe(0);
    expect(w.published("user.unlocked")).toMatchObject([
      { userId: w.user.id, data: { by: "reset" } },
    ]);
    expect(w.published("admin.user.unlocked")).toMatchObject([
      { userId: w.user.id, source: ADMIN, data: { actor: "admin" } },
    ]);
    expect((await refusal(unlockUser(w.unlock, "usr_nobody"))).code).toBe("user_not_found");
  });
});

describe("a reset of every second factor", () => {
  it("removes every factor, clears the lock, tells the user on every channel, ends sessions and devices", async () => {
    const w = world();
    await w.session();
    await w.session();
    await w.device("dev_1");
    await w.lock(10);

    const outcome = await resetSecondFactors(w.reset, w.user.id, ADMIN);
    expect(outcome).toEqual({
      id: w.user.id,
      authMethod: "simple",
      sessionsRevoked: 2,
      devicesForgotten: 1,
      notified: [
        { channel: "sms", to: "+*******5678" },
        { channel: "email", to: "j*****e@example.com" },
      ],
    });
    const stored = (await w.users.get(w.user.id)) as User;
    expect(stored.authMethod).toBe("simple");
    expect(stored.totp).toBeUndefined();
    expect(stored.previousAuthMethod).toBeUndefined();
    expect(stored.phoneNumber).toBe(PHONE);
    expect(w.authenticatorApps.backup.get(w.user.id)).toBeUndefined();
    expect(await w.passkeys.list(w.user.id)).toEqual([]);
    expect(w.guard.entries.get(w.user.id)).toBeUndefined();
    expect([...w.refreshTokens.sessions.values()].every((s) => s.revoked)).toBe(true);
    expect(await w.devices.store.list(w.user.id)).toEqual([]);

    const notices = w.published("user.second_factors.reset");
    expect(notices.map((e) => e.recipient)).toEqual([
      { channel: "sms", to: PHONE },
      { channel: "email", to: EMAIL },
    ]);
    expect(w.published("admin.user.second_factors_reset")).toMatchObject([
      { userId: w.user.id, source: ADMIN, data: { actor: "admin", previousAuthMethod: "totp" } },
    ]);
    expect(w.published("user.session.revoked")).toHaveLength(2);
    expect(w.published("user.device.forgotten")).toHaveLength(1);
  });

  it("tells a user with one contact on that one channel", async () => {
    const w = world({ authMethod: "tfa_email", phoneNumber: undefined, totp: undefined });
    const outcome = await resetSecondFactors(w.reset, w.user.id);
    expect(outcome.notified).toEqual([{ channel: "email", to: "j*****e@example.com" }]);
    expect(w.published("user.second_factors.reset").map((e) => e.recipient?.channel)).toEqual([
      "email",
    ]);
  });

  it("the next login follows the policy: enrollment where TFA is required, tokens elsewhere", async () => {
    const w = world();
    await resetSecondFactors(w.reset, w.user.id);
    const input = { username: w.user.username, password: PASSWORD, locale: "en" as const };
    expect((await refusal(passwordGrant(w.tokens(true), input))).code).toBe(
      "tfa_enrollment_required",
    );
    expect((await passwordGrant(w.tokens(false), input)).access_token).toBeTruthy();
  });

  it("ends a session that a concurrent login writes while the reset ends the others", async () => {
    const w = world();
    await w.session();
    const list = w.refreshTokens.listSessions.bind(w.refreshTokens);
    let raced: string | undefined;
    // A login whose second factor passed before the reset writes its session just after the
    // reset listed the sessions.
    w.refreshTokens.listSessions = async (userId: string) => {
      const listed = await list(userId);
      if (raced === undefined) raced = await w.session();
      return listed;
    };
    await resetSecondFactors(w.reset, w.user.id);
    expect(raced).toBeDefined();
    expect(w.refreshTokens.sessions.get(raced as string)?.revoked).toBe(true);
    expect([...w.refreshTokens.sessions.values()].every((s) => s.revoked)).toBe(true);
  });

  it("is written again on the user as it now is when it changed meanwhile, and gives up after a few", async () => {
    const w = world();
    w.store.loseNext(2);
    expect((await resetSecondFactors(w.reset, w.user.id)).authMethod).toBe("simple");
    expect(w.published("user.second_factors.reset")).toHaveLength(2);

    const v = world();
    v.store.loseNext(10);
    expect((await refusal(resetSecondFactors(v.reset, v.user.id))).code).toBe("conflict");
    expect(v.published("user.second_factors.reset")).toEqual([]);
  });

  it("answers user_not_found for an unknown user", async () => {
    const w = world();
    expect((await refusal(resetSecondFactors(w.reset, "usr_nobody"))).code).toBe("user_not_found");
  });
});

describe("admin events in the logs", () => {
  const deps = memoryWorld();
  const event = (userId?: string): DomainEvent =>
    logOnlyEvent(
      deps,
      "admin.webhook_endpoint.created",
      { userId, source: ADMIN },
      { actor: "admin", endpointId: "whe_1" },
    );

  it("an admin action on no user has an entry, for the audit log and webhooks", () => {
    const action = event();
    const entry = securityLogEntry(action);
    expect(entry).toMatchObject({
      type: "admin.webhook_endpoint.created",
      outcome: "success",
      ip: ADMIN.ip,
      userAgent: ADMIN.userAgent,
      data: { actor: "admin", endpointId: "whe_1" },
    });
    expect(adminAuditEntry(action)).toEqual(entry);
  });

  it("the audit log names the user an action concerns; a user's own log does not repeat it", () => {
    const about = event("usr_7");
    expect(adminAuditEntry(about)?.data.userId).toBe("usr_7");
    expect(securityLogEntry(about)?.data.userId).toBeUndefined();
  });

  it("an event that is no admin action has no audit entry", () => {
    const login = logOnlyEvent(deps, "user.login.succeeded", { userId: "usr_7" });
    expect(adminAuditEntry(login)).toBeNull();
    expect(login.recipient).toBeUndefined();
  });
});
