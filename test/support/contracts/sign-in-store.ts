/** The contract of `SignInStore`, run against the fake and against DynamoDB Local. */
import { describe, expect, it } from "vitest";
import type { SignIn, SignInStore, StoredVerification } from "../../../functions/core/sign-ins.js";
import type { RefreshTokenStore } from "../../../functions/core/tokens.js";
import { freshId, testNow } from "./common.js";
import { sessionOf } from "./refresh-token-store.js";

function newSession(userId: string, now: number) {
  return sessionOf(
    {
      tokenHash: freshId("rt_"),
      userId,
      familyId: freshId("rtf_"),
      expiresAtEpochSeconds: now + 3600,
      familyExpiresAtEpochSeconds: now + 3600,
    },
    now,
  );
}

function pendingSignIn(now: number): SignIn {
  return {
    id: freshId("sia_"),
    userId: freshId("usr_"),
    status: "needs_second_factor",
    supportedSecondFactors: [{ strategy: "phone_code", safeIdentifier: "+*******4321" }],
    verification: null,
    createdSessionId: null,
    createdAtEpochSeconds: now,
    expiresAtEpochSeconds: now + 600,
  };
}

function verification(now: number, overrides: Partial<StoredVerification> = {}) {
  return {
    strategy: "phone_code",
    status: "unverified",
    attempts: 0,
    expiresAtEpochSeconds: now + 300,
    ...overrides,
  } satisfies StoredVerification;
}

export function signInStoreContract(
  name: string,
  makeStores: () => { signIns: SignInStore; refreshTokens: RefreshTokenStore },
) {
  const makeStore = () => makeStores().signIns;
  describe(`${name}: SignInStore contract`, () => {
    it("stores a sign-in as it was given, once", async () => {
      const store = makeStore();
      const signIn = pendingSignIn(testNow());
      await store.create(signIn);
      expect(await store.get(signIn.id)).toEqual(signIn);
      await expect(store.create(signIn)).rejects.toThrow();
      expect(await store.get(freshId("sia_"))).toBeNull();
    });

    it("starts a verification while the sign-in is open and live", async () => {
      const store = makeStore();
      const now = testNow();
      const signIn = pendingSignIn(now);
      await store.create(signIn);
      const started = verification(now);
      expect(await store.startVerification(signIn.id, started, signIn.expiresAtEpochSeconds)).toBe(
        false,
      );
      expect(await store.startVerification(signIn.id, started, now)).toBe(true);
      expect((await store.get(signIn.id))?.verification).toEqual(started);
      expect(await store.startVerification(freshId("sia_"), started, now)).toBe(false);
    });

    it("counts failures of the verification's strategy only, and can mark it failed", async () => {
      const store = makeStore();
      const now = testNow();
      const signIn = pendingSignIn(now);
      await store.create(signIn);
      await store.startVerification(signIn.id, verification(now), now);
      await store.countFailure(signIn.id, "email_code", false);
      await store.countFailure(signIn.id, "phone_code", false);
      expect((await store.get(signIn.id))?.verification).toEqual(
        verification(now, { attempts: 1 }),
      );
      await store.countFailure(signIn.id, "phone_code", true);
      expect((await store.get(signIn.id))?.verification).toEqual(
        verification(now, { attempts: 2, status: "failed" }),
      );
    });

    it("completes a sign-in once, whatever races, and only while it is live", async () => {
      const { signIns: store, refreshTokens } = makeStores();
      const now = testNow();
      const signIn = pendingSignIn(now);
      await store.create(signIn);
      const verified = verification(now, { status: "verified", attempts: 1 });
      const late = newSession(signIn.userId, now);
      expect(await store.complete(signIn.id, verified, late, signIn.expiresAtEpochSeconds)).toBe(
        false,
      );
      const sessions = [1, 2, 3].map(() => newSession(signIn.userId, now));
      const results = await Promise.all(
        sessions.map((session) => store.complete(signIn.id, verified, session, now)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const done = await store.get(signIn.id);
      expect(done).toMatchObject({ status: "complete", verification: verified });
      const ids = sessions.map((session) => session.token.familyId);
      expect(ids).toContain(done?.createdSessionId);
      expect(await store.startVerification(signIn.id, verification(now), now)).toBe(false);
      // Only the winner's session was written, in the same transaction as the completion.
      const written = await refreshTokens.listSessions(signIn.userId);
      expect(written.map((session) => session.id)).toEqual([done?.createdSessionId]);
    });

    it("stores a sign-in complete at once together with its session", async () => {
      const { signIns: store, refreshTokens } = makeStores();
      const now = testNow();
      const session = newSession(freshId("usr_"), now);
      const signIn: SignIn = {
        ...pendingSignIn(now),
        userId: session.token.userId,
        status: "complete",
        createdSessionId: session.token.familyId,
      };
      await store.create(signIn, session);
      expect(await store.get(signIn.id)).toEqual(signIn);
      expect(await refreshTokens.sessionOf(session.token.tokenHash)).toEqual({
        userId: signIn.userId,
        sessionId: session.token.familyId,
      });
    });
  });
}
