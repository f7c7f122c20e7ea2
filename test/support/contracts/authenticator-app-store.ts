/** The contract of `AuthenticatorAppStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type {
  AuthenticatorAppStore,
  NewBackupCodes,
  PendingEnrollment,
} from "../../../functions/core/authenticator-app.js";
import type { User, UserStore } from "../../../functions/core/users.js";
import { freshId, testNow } from "./common.js";

export interface AuthenticatorAppWorld {
  users: UserStore;
  apps: AuthenticatorAppStore;
}

function pendingAt(now: number): PendingEnrollment {
  return {
    sealedSecret: freshId("sealed_"),
    createdAtEpochSeconds: now,
    expiresAtEpochSeconds: now + 900,
  };
}

function newCodes(now: number, count = 3, reveal = true): NewBackupCodes {
  return {
    hashes: Array.from({ length: count }, () => freshId("hash_")),
    createdAt: new Date(now * 1000).toISOString(),
    ...(reveal
      ? { reveal: { sealedCodes: freshId("codes_"), expiresAtEpochSeconds: now + 600 } }
      : {}),
  };
}

/** A stored user, and the same user with the pending enrollment linked. */
async function userWithPending(world: AuthenticatorAppWorld, now: number) {
  const user: User = {
    id: freshId("usr_"),
    username: freshId("user"),
    passwordHash: "plain:secret",
    authMethod: "tfa_email",
    email: `${freshId("e")}@example.com`,
    locale: "en",
    createdAt: "2026-11-22T12:00:00.000Z",
    version: 1,
  };
  await world.users.create(user, {
    claim: [{ kind: "username", value: user.username }],
    nowEpochSeconds: now,
  });
  const pending = await world.apps.keepPending(user.id, pendingAt(now), now - 600, now);
  const next: User = {
    ...user,
    totp: {
      sealedSecret: pending.sealedSecret,
      lastUsedStep: 100,
      linkedAt: "2026-11-22T12:00:00.000Z",
    },
    authMethod: "totp",
    previousAuthMethod: "tfa_email",
    version: 2,
  };
  return { user, next, pending };
}

async function linkedUser(world: AuthenticatorAppWorld, now: number) {
  const { user, next, pending } = await userWithPending(world, now);
  const codes = newCodes(now);
  expect(await world.apps.link(user, next, pending, codes)).toBe(true);
  return { user: next, codes };
}

export function authenticatorAppStoreContract(
  name: string,
  makeWorld: () => AuthenticatorAppWorld,
) {
  describe(`${name}: AuthenticatorAppStore contract`, () => {
    it("keeps one pending enrollment: a fresh one in force, a stale or expired one replaced", async () => {
      const { apps } = makeWorld();
      const now = testNow();
      const userId = freshId("usr_");
      const first = pendingAt(now);
      expect(await apps.keepPending(userId, first, now - 600, now)).toEqual(first);
      // Within the reuse window the first stays in force.
      expect(await apps.keepPending(userId, pendingAt(now + 10), now + 10 - 600, now + 10)).toEqual(
        first,
      );
      expect(await apps.getPending(userId, now + 10)).toEqual(first);
      // Past it, a new candidate replaces it.
      const later = pendingAt(now + 700);
      expect(await apps.keepPending(userId, later, now + 100, now + 700)).toEqual(later);
      expect(await apps.getPending(userId, now + 700)).toEqual(later);
      expect(await apps.getPending(userId, later.expiresAtEpochSeconds)).toBeNull();
      expect(await apps.getPending(freshId("usr_"), now)).toBeNull();
    });

    it("links the app, its backup codes and their reveal in one write at the user's version", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user, next, pending } = await userWithPending(world, now);
      const codes = newCodes(now);

      const stale = { ...user, version: 0 };
      expect(await world.apps.link(stale, { ...next, version: 1 }, pending, codes)).toBe(false);
      expect(await world.apps.getPending(user.id, now)).toEqual(pending);
      expect(await world.apps.listBackupCodes(user.id)).toEqual([]);

      expect(await world.apps.link(user, next, pending, codes)).toBe(true);
      expect(await world.users.get(user.id)).toEqual(next);
      expect(await world.apps.getPending(user.id, now)).toBeNull();
      const states = await world.apps.listBackupCodes(user.id);
      expect(states.sort((a, b) => a.position - b.position)).toEqual([
        { position: 0, used: false },
        { position: 1, used: false },
        { position: 2, used: false },
      ]);
      // The reveal is read once, and only while it lasts.
      expect(await world.apps.takeBackupCodeReveal(user.id, now)).toBe(codes.reveal?.sealedCodes);
      expect(await world.apps.takeBackupCodeReveal(user.id, now)).toBeNull();
    });

    it("does not reveal the codes after their reveal expired", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user, codes } = await linkedUser(world, now);
      expect(
        await world.apps.takeBackupCodeReveal(user.id, codes.reveal?.expiresAtEpochSeconds ?? 0),
      ).toBeNull();
    });

    it("advances the TOTP step only forward, once per step, for the linked secret", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user } = await linkedUser(world, now);
      const secret = user.totp?.sealedSecret ?? "";
      expect(await world.apps.advanceTotpStep(user.id, secret, 100)).toBe(false);
      expect(await world.apps.advanceTotpStep(user.id, freshId("sealed_"), 101)).toBe(false);
      expect(await world.apps.advanceTotpStep(user.id, secret, 101)).toBe(true);
      expect(await world.apps.advanceTotpStep(user.id, secret, 101)).toBe(false);
      const stored = await world.users.get(user.id);
      expect(stored?.totp?.lastUsedStep).toBe(101);
      expect(stored?.version).toBe(user.version + 1);
      const racing = await Promise.all(
        Array.from({ length: 5 }, () => world.apps.advanceTotpStep(user.id, secret, 102)),
      );
      expect(racing.filter(Boolean)).toHaveLength(1);
    });

    it("spends a backup code once", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user, codes } = await linkedUser(world, now);
      const usedAt = new Date(now * 1000).toISOString();
      const [first = ""] = codes.hashes;
      expect(await world.apps.spendBackupCode(user.id, freshId("hash_"), usedAt)).toBe(false);
      expect(await world.apps.spendBackupCode(user.id, first, usedAt)).toBe(true);
      expect(await world.apps.spendBackupCode(user.id, first, usedAt)).toBe(false);
      const states = await world.apps.listBackupCodes(user.id);
      expect(states.find((s) => s.position === 0)).toEqual({ position: 0, used: true });
      expect(states.filter((s) => s.used)).toHaveLength(1);
    });

    it("replaces the backup codes at the user's version, and the old ones stop working", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user, codes } = await linkedUser(world, now);
      const fresh = newCodes(now, 2, false);
      expect(await world.apps.replaceBackupCodes({ ...user, version: 0 }, fresh)).toBe(false);
      expect(await world.apps.replaceBackupCodes(user, fresh)).toBe(true);
      expect((await world.users.get(user.id))?.version).toBe(user.version + 1);
      const usedAt = new Date(now * 1000).toISOString();
      expect(await world.apps.spendBackupCode(user.id, codes.hashes[0] ?? "", usedAt)).toBe(false);
      expect(await world.apps.spendBackupCode(user.id, fresh.hashes[1] ?? "", usedAt)).toBe(true);
      expect(await world.apps.listBackupCodes(user.id)).toHaveLength(2);
      // Codes returned at once leave nothing to reveal.
      expect(await world.apps.takeBackupCodeReveal(user.id, now)).toBeNull();
    });

    it("unlinks the app with its codes and any pending enrollment, at the user's version", async () => {
      const world = makeWorld();
      const now = testNow();
      const { user } = await linkedUser(world, now);
      await world.apps.keepPending(user.id, pendingAt(now), now - 600, now);
      const next: User = { ...user, authMethod: "tfa_email", version: user.version + 1 };
      delete next.totp;
      delete next.previousAuthMethod;
      expect(await world.apps.unlink({ ...user, version: 0 }, next)).toBe(false);
      expect(await world.apps.unlink(user, next)).toBe(true);
      expect(await world.users.get(user.id)).toEqual(next);
      expect(await world.apps.listBackupCodes(user.id)).toEqual([]);
      expect(await world.apps.getPending(user.id, now)).toBeNull();
      expect(await world.apps.takeBackupCodeReveal(user.id, now)).toBeNull();
    });
  });
}
