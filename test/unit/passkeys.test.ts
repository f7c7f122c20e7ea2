/**
 * Passkeys in core, with in-memory stores, a pinned clock and a stand-in for the WebAuthn
 * library: challenges (single use, 5 minutes), registration with step-up and notices, the
 * second factor and the passkey-only sign-in, the lockout they share with codes, and the
 * cloned-authenticator rule.
 */
import { describe, expect, it } from "vitest";
import {
  addPasskey,
  PASSKEY_CHALLENGE_TTL_SECONDS,
  passkeyRegistrationOptions,
  removePasskey,
  userHandleOf,
} from "../../functions/core/passkeys.js";
import { DEFAULT_PASSWORD_POLICY } from "../../functions/core/policy.js";
import {
  attemptSignInFirstFactor,
  attemptSignInSecondFactor,
  createPasskeySignIn,
  createSignIn,
  prepareSignInSecondFactor,
} from "../../functions/core/sign-ins.js";
import { passwordGrant, type TokenDeps } from "../../functions/core/tokens.js";
import type { User } from "../../functions/core/users.js";
import {
  fakeCredential,
  MemoryRateLimiter,
  makeUser,
  memoryWorld,
  plainPasswords,
} from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "correct horse battery staple";
const SOURCE = { ip: "203.0.113.7", userAgent: "test" };

function world(user: Partial<User> = {}) {
  const w = memoryWorld();
  const stored = makeUser({ email: "joe@example.com", ...user });
  w.users.seed(stored);
  const deps = w.passkey;
  const signInStart = { ...w.signInStart, passkey: w.signInPasskey };
  const signInAttempt = { ...w.signInAttempt, passkey: w.signInPasskey };
  /** Registers a passkey with credential id `id` for the stored user. */
  const register = async (id = "cred1", signCount = 0) => {
    const options = await passkeyRegistrationOptions(deps, stored, { locale: "en" });
    return addPasskey(deps, stored, {
      credential: fakeCredential(id, options.challenge, { signCount }),
      name: "Laptop",
      source: SOURCE,
    });
  };
  /** A password sign-in with its passkey prepared: its id and challenge. */
  const prepared = async () => {
    const { signIn } = await createSignIn(signInStart, {
      identifier: stored.username,
      password: PASSWORD,
    });
    const ready = await prepareSignInSecondFactor(signInAttempt, signIn.id, {
      strategy: "passkey",
      locale: "en",
    });
    return { id: signIn.id, challenge: String(ready.secondFactorVerification?.nonce?.challenge) };
  };
  const attempt = (id: string, publicKeyCredential: unknown) =>
    attemptSignInSecondFactor(signInAttempt, id, { strategy: "passkey", publicKeyCredential });
  return {
    ...w,
    user: stored,
    deps,
    revoked: w.passkeyRevocations,
    signInStart,
    signInAttempt,
    register,
    prepared,
    attempt,
  };
}

describe("registration", () => {
  it("creation options carry a fresh 32-byte challenge stored for 5 minutes, and exclude the user's passkeys", async () => {
    const w = world();
    await w.register("cred1");
    const options = await passkeyRegistrationOptions(w.deps, w.user, { locale: "en" });
    expect(Buffer.from(options.challenge, "base64url")).toHaveLength(32);
    expect(options.user.id).toBe(userHandleOf(w.user.id));
    expect(options.excludeCredentials.map((c) => c.id)).toEqual(["cred1"]);
    expect(options.authenticatorSelection).toMatchObject({
      residentKey: "required",
      userVerification: "required",
    });
    const stored = await w.challenges.get("registration", w.user.id);
    expect(stored?.expiresAtEpochSeconds).toBe(
      Math.floor(w.clock.nowMs() / 1000) + PASSKEY_CHALLENGE_TTL_SECONDS,
    );
  });

  it("stores the passkey and tells the user, naming the user and the request's source", async () => {
    const w = world();
    const passkey = await w.register("cred1");
    expect(passkey).toMatchObject({ id: "cred1", name: "Laptop", lastUsedAt: null });
    const event = w.events.published.find((e) => e.type === "user.passkey.added");
    expect(event).toMatchObject({
      userId: w.user.id,
      source: SOURCE,
      recipient: { channel: "email", to: "joe@example.com" },
      data: { name: "Laptop" },
    });
  });

  it("a registration challenge serves once, and not after 5 minutes", async () => {
    const w = world();
    const options = await passkeyRegistrationOptions(w.deps, w.user, { locale: "en" });
    const credential = fakeCredential("cred1", options.challenge);
    await addPasskey(w.deps, w.user, { credential });
    expect((await refusal(addPasskey(w.deps, w.user, { credential }))).code).toBe(
      "passkey_challenge_expired",
    );
    const later = await passkeyRegistrationOptions(w.deps, w.user, { locale: "en" });
    w.clock.advanceSeconds(PASSKEY_CHALLENGE_TTL_SECONDS);
    const late = fakeCredential("cred2", later.challenge);
    expect((await refusal(addPasskey(w.deps, w.user, { credential: late }))).code).toBe(
      "passkey_challenge_expired",
    );
  });

  it("an attestation the verifier refuses stores nothing", async () => {
    const w = world();
    const options = await passkeyRegistrationOptions(w.deps, w.user, { locale: "en" });
    const credential = fakeCredential("cred1", options.challenge, { valid: false });
    const error = await refusal(addPasskey(w.deps, w.user, { credential }));
    expect({ code: error.code, field: error.options.field }).toEqual({
      code: "passkey_invalid",
      field: "credential",
    });
    expect(await w.passkeys.list(w.user.id)).toEqual([]);
  });

  it("a user with SMS TFA is asked for a current code first", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: "+33612345678" });
    const error = await refusal(passkeyRegistrationOptions(w.deps, w.user, { locale: "en" }));
    expect(error.code).toBe("otp_required");
    expect(await w.challenges.get("registration", w.user.id)).toBeNull();
  });

  it("adding and removing a passkey each tell the user and end their other sessions", async () => {
    const w = world();
    await w.register("cred1");
    expect(w.events.published.at(-1)).toMatchObject({ type: "user.passkey.added" });
    expect(w.revoked).toEqual([w.user.id]);
    await removePasskey(w.deps, w.user, "cred1", { locale: "en", source: SOURCE });
    expect(await w.passkeys.list(w.user.id)).toEqual([]);
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.passkey.removed",
      userId: w.user.id,
      recipient: { to: "joe@example.com" },
    });
    expect(w.revoked).toEqual([w.user.id, w.user.id]);
    expect((await refusal(removePasskey(w.deps, w.user, "cred1", { locale: "en" }))).code).toBe(
      "passkey_not_found",
    );
  });
});

describe("a passkey change and its notice, saved both or neither", () => {
  /** The passkeys the user holds and the notices of `type` saved for them. */
  const state = async (w: ReturnType<typeof world>, type: string) => ({
    passkeys: (await w.passkeys.list(w.user.id)).map((p) => p.id),
    notices: w.events.published.filter((e) => e.type === type).map((e) => e.data.credentialId),
  });
  const publisherDown = (w: ReturnType<typeof world>) => {
    w.events.publish = async () => {
      throw new Error("publish failed");
    };
  };

  it("adding: the notice is written with the passkey, not by a publish after it", async () => {
    const w = world();
    publisherDown(w);
    await w.register("cred1");
    expect(await state(w, "user.passkey.added")).toEqual({
      passkeys: ["cred1"],
      notices: ["cred1"],
    });
  });

  it("adding: when the write fails, neither the passkey nor its notice is saved", async () => {
    const w = world();
    w.passkeys.failNextWrite = true;
    await expect(w.register("cred1")).rejects.toThrow(/injected failure/);
    expect(await state(w, "user.passkey.added")).toEqual({ passkeys: [], notices: [] });
  });

  it("removing: the notice is written with the removal, not by a publish after it", async () => {
    const w = world();
    await w.register("cred1");
    publisherDown(w);
    await removePasskey(w.deps, w.user, "cred1", { locale: "en", source: SOURCE });
    expect(await state(w, "user.passkey.removed")).toEqual({ passkeys: [], notices: ["cred1"] });
  });

  it("removing: when the write fails, the passkey stays and no notice is saved", async () => {
    const w = world();
    await w.register("cred1");
    w.passkeys.failNextWrite = true;
    await expect(removePasskey(w.deps, w.user, "cred1", { locale: "en" })).rejects.toThrow(
      /injected failure/,
    );
    expect(await state(w, "user.passkey.removed")).toEqual({ passkeys: ["cred1"], notices: [] });
  });
});

describe("a passkey as second factor", () => {
  it("a user without TFA but with a passkey needs it after the password", async () => {
    const w = world();
    await w.register("cred1");
    const { signIn, tokens } = await createSignIn(w.signInStart, {
      identifier: w.user.username,
      password: PASSWORD,
    });
    expect(tokens).toBeUndefined();
    expect(signIn).toMatchObject({
      status: "needs_second_factor",
      supportedSecondFactors: [{ strategy: "passkey" }],
    });
  });

  it("prepare answers the request options; a right assertion completes once and resets the lockout", async () => {
    const w = world();
    await w.register("cred1");
    const { id, challenge } = await w.prepared();
    await expect(
      w.attempt(id, fakeCredential("cred1", challenge, { valid: false })),
    ).rejects.toThrow("passkey_invalid");
    expect(w.guard.failures(w.user.id)).toBe(1);
    const done = await w.attempt(id, fakeCredential("cred1", challenge));
    expect(done.signIn.status).toBe("complete");
    expect(done.tokens?.access_token).toEqual(expect.any(String));
    expect(w.guard.failures(w.user.id)).toBe(0);
    expect((await w.passkeys.find("cred1"))?.lastUsedAt).toEqual(expect.any(String));
    expect((await refusal(w.attempt(id, fakeCredential("cred1", challenge)))).code).toBe(
      "verification_already_verified",
    );
  });

  it("failures lock the user as wrong codes do, and a locked user's right assertion is refused", async () => {
    const w = world();
    await w.register("cred1");
    const { id, challenge } = await w.prepared();
    for (let i = 0; i < 10; i++) {
      await refusal(w.attempt(id, fakeCredential("cred1", challenge, { valid: false })));
    }
    expect(w.events.published.some((e) => e.type === "user.locked")).toBe(true);
    expect((await refusal(w.attempt(id, fakeCredential("cred1", challenge)))).code).toBe(
      "user_locked",
    );
  });

  it("a sign count that goes backwards is refused as a clone, and the user told", async () => {
    const w = world();
    await w.register("cred1", 0);
    const first = await w.prepared();
    await w.attempt(first.id, fakeCredential("cred1", first.challenge, { signCount: 7 }));
    const second = await w.prepared();
    const error = await refusal(
      w.attempt(second.id, fakeCredential("cred1", second.challenge, { signCount: 7 })),
    );
    expect(error.code).toBe("passkey_cloned");
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.passkey.cloned",
      userId: w.user.id,
      recipient: { to: "joe@example.com" },
    });
    // Counters that stay at zero (most passkeys) are not a clone.
    const w2 = world();
    await w2.register("cred2", 0);
    for (let i = 0; i < 2; i++) {
      const { id, challenge } = await w2.prepared();
      expect((await w2.attempt(id, fakeCredential("cred2", challenge))).signIn.status).toBe(
        "complete",
      );
    }
  });

  it("the password grant answers otp_required with auth_method passkey, minting nothing", async () => {
    const w = world();
    await w.register("cred1");
    const tokens: TokenDeps = {
      ...w.issue,
      users: w.users,
      passwords: plainPasswords,
      limiter: new MemoryRateLimiter(),
      passwordPolicy: DEFAULT_PASSWORD_POLICY,
      secondFactor: w.secondFactor,
      passkeys: w.passkeys,
      requireTfa: false,
    };
    const error = await refusal(
      passwordGrant(tokens, { username: w.user.username, password: PASSWORD, locale: "en" }),
    );
    expect({ code: error.code, extra: error.options.extra }).toEqual({
      code: "otp_required",
      extra: { auth_method: "passkey" },
    });
  });
});

describe("a sign-in with a passkey alone", () => {
  it("finds the user from the credential and completes once", async () => {
    const w = world({ authMethod: "tfa_sms", phoneNumber: "+33612345678" });
    await w.passkeys.add({
      id: "cred1",
      userId: w.user.id,
      name: "Laptop",
      publicKey: "pk",
      signCount: 0,
      transports: [],
      aaguid: "",
      backupEligible: false,
      backedUp: false,
      createdAt: "2026-11-22T12:00:00.000Z",
      lastUsedAt: null,
    });
    const started = await createPasskeySignIn(w.signInStart);
    expect(started.status).toBe("needs_first_factor");
    const nonce = started.firstFactorVerification?.nonce;
    expect(nonce?.allowCredentials).toEqual([]);
    const credential = fakeCredential("cred1", String(nonce?.challenge), {
      userHandle: userHandleOf(w.user.id),
    });
    const done = await attemptSignInFirstFactor(w.signInAttempt, started.id, {
      strategy: "passkey",
      publicKeyCredential: credential,
    });
    expect(done.signIn.status).toBe("complete");
    expect(done.tokens).toBeDefined();
    expect((await w.signIns.get(started.id))?.userId).toBe(w.user.id);
    const again = await refusal(
      attemptSignInFirstFactor(w.signInAttempt, started.id, {
        strategy: "passkey",
        publicKeyCredential: credential,
      }),
    );
    expect(again.code).toBe("verification_already_verified");
  });

  it("an unknown credential and a wrong userHandle are refused alike", async () => {
    const w = world();
    await w.register("cred1");
    const started = await createPasskeySignIn(w.signInStart);
    const challenge = String(started.firstFactorVerification?.nonce?.challenge);
    const attempt = (credential: unknown) =>
      refusal(
        attemptSignInFirstFactor(w.signInAttempt, started.id, {
          strategy: "passkey",
          publicKeyCredential: credential,
        }),
      );
    const unknown = await attempt(
      fakeCredential("nope", challenge, { userHandle: userHandleOf(w.user.id) }),
    );
    const otherUser = await attempt(
      fakeCredential("cred1", challenge, { userHandle: userHandleOf("usr_other") }),
    );
    const wrong = await attempt(
      fakeCredential("cred1", challenge, { userHandle: userHandleOf(w.user.id), valid: false }),
    );
    for (const error of [unknown, otherUser, wrong]) {
      expect({ code: error.code, message: error.description }).toEqual({
        code: wrong.code,
        message: wrong.description,
      });
    }
    expect(wrong.code).toBe("passkey_invalid");
  });
});
