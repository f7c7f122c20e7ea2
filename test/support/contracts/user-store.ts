/** The contract of `UserStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { User, UserStore } from "../../../functions/core/users.js";
import type { CodeStore, StoredCode } from "../../../functions/core/verification-codes.js";
import { freshId, testNow } from "./common.js";

export interface UserStoreWorld {
  users: UserStore;
  /** The code store whose codes a user write consumes and puts. */
  codes: CodeStore;
}

function newUser(overrides: Partial<User> = {}): User {
  return {
    id: freshId("usr_"),
    username: freshId("user"),
    passwordHash: "plain:secret",
    authMethod: "simple",
    locale: "en",
    createdAt: "2026-11-22T12:00:00.000Z",
    version: 1,
    ...overrides,
  };
}

function phoneCode(subject: string, now: number): StoredCode {
  return {
    purpose: "phone_verification",
    subject,
    challengeId: freshId("ch_"),
    codeHash: freshId("hash_"),
    attempts: 1,
    maxAttempts: 5,
    expiresAtEpochSeconds: now + 600,
  };
}

export function userStoreContract(name: string, makeWorld: () => UserStoreWorld) {
  describe(`${name}: UserStore contract`, () => {
    it("creates a user found by id and by username, and nothing else", async () => {
      const { users } = makeWorld();
      const user = newUser();
      expect(
        await users.create(user, {
          claim: [{ kind: "username", value: user.username }],
          nowEpochSeconds: testNow(),
        }),
      ).toEqual({ ok: true });
      expect(await users.get(user.id)).toEqual(user);
      expect(await users.findByUsername(user.username)).toEqual(user);
      expect(await users.findByUsername(freshId("nobody"))).toBeNull();
      expect(await users.get(freshId("usr_"))).toBeNull();
    });

    it("answers which claim another user holds, and writes nothing", async () => {
      const { users } = makeWorld();
      const now = testNow();
      const phone = freshId("+33");
      const email = `${freshId("e")}@example.com`;
      const first = newUser({ phoneNumber: phone, email });
      await users.create(first, {
        claim: [
          { kind: "username", value: first.username },
          { kind: "phone", value: phone },
          { kind: "email", value: email },
        ],
        nowEpochSeconds: now,
      });
      const cases = [
        { kind: "username", value: first.username, reason: "username_taken" },
        { kind: "phone", value: phone, reason: "phone_number_taken" },
        { kind: "email", value: email.toUpperCase(), reason: "email_taken" },
      ] as const;
      for (const { kind, value, reason } of cases) {
        const other = newUser();
        const claim = [
          { kind: "username" as const, value: other.username },
          { kind, value },
        ];
        expect(await users.create(other, { claim, nowEpochSeconds: now })).toEqual({
          ok: false,
          reason,
        });
        expect(await users.get(other.id)).toBeNull();
        expect(await users.findByUsername(other.username)).toBeNull();
      }
    });

    it("consumes a code with the write, once, and only while it is live", async () => {
      const { users, codes } = makeWorld();
      const now = testNow();
      const phone = freshId("+33");
      const stored = phoneCode(phone, now);
      await codes.put(stored);
      const consume = [
        { purpose: stored.purpose, subject: phone, challengeId: stored.challengeId },
      ];

      const late = newUser();
      expect(
        await users.create(late, {
          claim: [{ kind: "username", value: late.username }],
          consume,
          nowEpochSeconds: stored.expiresAtEpochSeconds,
        }),
      ).toEqual({ ok: false, reason: "code_used" });
      expect(await users.get(late.id)).toBeNull();

      const user = newUser();
      const claim = [{ kind: "username" as const, value: user.username }];
      expect(await users.create(user, { claim, consume, nowEpochSeconds: now })).toEqual({
        ok: true,
      });
      expect(await codes.consume(stored.purpose, phone, stored.challengeId, now)).toBe(false);

      const again = newUser();
      expect(
        await users.create(again, {
          claim: [{ kind: "username", value: again.username }],
          consume,
          nowEpochSeconds: now,
        }),
      ).toEqual({ ok: false, reason: "code_used" });
    });

    it("stores the codes a write puts", async () => {
      const { users, codes } = makeWorld();
      const now = testNow();
      const user = newUser();
      const login = { ...phoneCode(user.id, now), purpose: "login" as const, attempts: 0 };
      await users.create(user, {
        claim: [{ kind: "username", value: user.username }],
        putCodes: [login],
        nowEpochSeconds: now,
      });
      expect(await codes.reserveAttempt("login", user.id, now)).toEqual({
        ok: true,
        code: { ...login, attempts: 1 },
      });
    });

    it("updates a user at its version only, moving its claims", async () => {
      const { users } = makeWorld();
      const now = testNow();
      const oldPhone = freshId("+33");
      const user = newUser({ phoneNumber: oldPhone, authMethod: "tfa_sms" });
      await users.create(user, {
        claim: [
          { kind: "username", value: user.username },
          { kind: "phone", value: oldPhone },
        ],
        nowEpochSeconds: now,
      });
      const newPhone = freshId("+33");
      const written = await users.update(user, {
        set: { phoneNumber: newPhone, authMethod: "simple" },
        claim: [{ kind: "phone", value: newPhone }],
        release: [{ kind: "phone", value: oldPhone }],
        nowEpochSeconds: now,
      });
      const expected: User = { ...user, phoneNumber: newPhone, authMethod: "simple", version: 2 };
      expect(written).toEqual({ ok: true, user: expected });
      expect(await users.get(user.id)).toEqual(expected);

      // The stale copy may not write again.
      expect(await users.update(user, { set: { locale: "fr" }, nowEpochSeconds: now })).toEqual({
        ok: false,
        reason: "conflict",
      });

      // The released phone is free for another user; the new one is not.
      const other = newUser();
      expect(
        await users.create(other, {
          claim: [
            { kind: "username", value: other.username },
            { kind: "phone", value: oldPhone },
          ],
          nowEpochSeconds: now,
        }),
      ).toEqual({ ok: true });
      expect(
        await users.update(other, {
          set: { phoneNumber: newPhone },
          claim: [{ kind: "phone", value: newPhone }],
          nowEpochSeconds: now,
        }),
      ).toEqual({ ok: false, reason: "phone_number_taken" });
    });

    it("removes the fields a change removes", async () => {
      const { users } = makeWorld();
      const now = testNow();
      const email = `${freshId("e")}@example.com`;
      const user = newUser({ email });
      await users.create(user, {
        claim: [{ kind: "username", value: user.username }],
        nowEpochSeconds: now,
      });
      const written = await users.update(user, {
        set: {},
        remove: ["email"],
        nowEpochSeconds: now,
      });
      const { email: _gone, ...rest } = user;
      expect(written).toEqual({ ok: true, user: { ...rest, version: 2 } });
      expect(await users.get(user.id)).toEqual({ ...rest, version: 2 });
    });
  });
}
