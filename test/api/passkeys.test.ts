/**
 * Passkeys over HTTP with a software authenticator: adding, listing, renaming and removing
 * them; a passkey as second factor after a password, and a sign-in with a passkey alone; every
 * refusal (origin, RP ID, user verification, signature, unknown credential, cloned counter,
 * expired or replayed challenge, malformed input), the shared lockout, and a race of twenty
 * attempts with one assertion.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, inject, it } from "vitest";
import { PASSWORD, simpleUserWithEmail, smsUser } from "../support/authenticator-app.js";
import { call, type HttpResult } from "../support/http.js";
import { apiUrl, latestCodeFor, messagesFor, useLocalAwsEnvironment } from "../support/local.js";
import {
  type Bend,
  type CreationOptions,
  type RequestOptions,
  SoftwareAuthenticator,
} from "../support/software-authenticator.js";
import { passwordGrant } from "../support/users.js";

type Json = Record<string, unknown>;

/** The Home page's origin: passkeys are bound to `localhost`, never to an IP address. */
const origin = () => apiUrl().replace("//127.0.0.1:", "//localhost:");

function expectError(res: HttpResult, status: number, error: string) {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
}

const registrationOptions = (access: string, json: Json = {}) =>
  call("POST", "/v1/user/passkeys/registration_options", { token: access, json });

/** Adds a passkey for a signed-in user without a code factor; answers the created passkey. */
async function addPasskey(access: string, authenticator: SoftwareAuthenticator, name?: string) {
  const options = await registrationOptions(access);
  expect(options.status).toBe(200);
  const credential = authenticator.register(options.body as unknown as CreationOptions);
  const created = await call("POST", "/v1/user/passkeys", {
    token: access,
    json: { credential, ...(name === undefined ? {} : { name }) },
  });
  expect(created.status).toBe(201);
  return created.body;
}

/** A simple user (verified email) with one passkey. */
async function passkeyUser() {
  const user = await simpleUserWithEmail();
  const authenticator = new SoftwareAuthenticator(origin());
  const passkey = await addPasskey(user.access, authenticator, "Laptop");
  return { ...user, authenticator, passkey };
}

/** A password sign-in with its passkey prepared: the sign-in id and its request options. */
async function preparedSignIn(username: string) {
  const started = await call("POST", "/v1/sign_ins", {
    json: { identifier: username, password: PASSWORD },
  });
  expect(started.body).toMatchObject({
    status: "needs_second_factor",
    supportedSecondFactors: [{ strategy: "passkey" }],
  });
  const id = String(started.body.id);
  const prepared = await call("POST", `/v1/sign_ins/${id}/prepare_second_factor`, {
    json: { strategy: "passkey" },
  });
  expect(prepared.status).toBe(200);
  const verification = prepared.body.secondFactorVerification as Json;
  return { id, options: verification.nonce as RequestOptions };
}

const attemptSecond = (id: string, publicKeyCredential: unknown) =>
  call("POST", `/v1/sign_ins/${id}/attempt_second_factor`, {
    json: { strategy: "passkey", publicKeyCredential },
  });

/** A passkey-only sign-in: its id and request options. */
async function passkeySignIn() {
  const started = await call("POST", "/v1/sign_ins", { json: { strategy: "passkey" } });
  expect(started.status).toBe(200);
  expect(started.body.status).toBe("needs_first_factor");
  const verification = started.body.firstFactorVerification as Json;
  return { id: String(started.body.id), options: verification.nonce as RequestOptions };
}

const attemptFirst = (id: string, publicKeyCredential: unknown) =>
  call("POST", `/v1/sign_ins/${id}/attempt_first_factor`, {
    json: { strategy: "passkey", publicKeyCredential },
  });

async function expectTokens(res: HttpResult, username: string) {
  expect(res.status).toBe(200);
  expect(res.body.status).toBe("complete");
  const tokens = res.body.tokens as Json;
  const me = await call("GET", "/v1/user", { token: String(tokens.access_token) });
  expect(me.body.username).toBe(username);
}

/** Whether a message whose body contains `words` reached `to`. */
async function waitForMessage(to: string, words: string): Promise<boolean> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if ((await messagesFor(to)).some((m) => m.body.includes(words))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("adding, listing, renaming and removing passkeys", () => {
  it("creation options ask for a resident key, user verification and no attestation", async () => {
    const user = await simpleUserWithEmail();
    const res = await registrationOptions(user.access);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rp: { id: "localhost" },
      user: { name: user.username },
      attestation: "none",
      excludeCredentials: [],
      authenticatorSelection: { residentKey: "required", userVerification: "required" },
    });
    expect(Buffer.from(String(res.body.challenge), "base64url")).toHaveLength(32);
  });

  it("adds a named passkey (201), lists it, excludes it from new options, tells the user", async () => {
    const user = await passkeyUser();
    expect(user.passkey).toMatchObject({
      name: "Laptop",
      lastUsedAt: null,
      backedUp: false,
      transports: ["internal"],
    });
    const list = await call<Json[]>("GET", "/v1/user/passkeys", { token: user.access });
    expect(list.body).toEqual([user.passkey]);
    const again = await registrationOptions(user.access);
    expect(again.body.excludeCredentials).toEqual([
      { type: "public-key", id: user.passkey.id, transports: ["internal"] },
    ]);
    expect(await waitForMessage(user.email, "Laptop")).toBe(true);
  });

  it("renames a passkey; an unknown id is passkey_not_found", async () => {
    const user = await passkeyUser();
    const renamed = await call("PATCH", `/v1/user/passkeys/${user.passkey.id}`, {
      token: user.access,
      json: { name: "Phone" },
    });
    expect(renamed.body).toMatchObject({ id: user.passkey.id, name: "Phone" });
    const unknown = await call("PATCH", "/v1/user/passkeys/AAAA", {
      token: user.access,
      json: { name: "Phone" },
    });
    expectError(unknown, 404, "passkey_not_found");
  });

  it("a credential id belongs to one user: the same credential again is passkey_already_registered", async () => {
    const user = await passkeyUser();
    const other = await simpleUserWithEmail();
    const options = await registrationOptions(other.access);
    const copied = user.authenticator.register(options.body as unknown as CreationOptions, {
      credentialId: String(user.passkey.id),
    });
    const res = await call("POST", "/v1/user/passkeys", {
      token: other.access,
      json: { credential: copied },
    });
    expectError(res, 409, "passkey_already_registered");
    const theirs = await call<Json[]>("GET", "/v1/user/passkeys", { token: other.access });
    expect(theirs.body).toEqual([]);
  });

  it("an attestation whose id is not the attested credential's is refused", async () => {
    const user = await passkeyUser();
    const options = await registrationOptions(user.access);
    const credential = user.authenticator.register(options.body as unknown as CreationOptions);
    const swapped = { ...credential, id: String(user.passkey.id), rawId: String(user.passkey.id) };
    const res = await call("POST", "/v1/user/passkeys", {
      token: user.access,
      json: { credential: swapped },
    });
    expectError(res, 400, "passkey_invalid");
  });

  it("a registration challenge serves once", async () => {
    const user = await simpleUserWithEmail();
    const authenticator = new SoftwareAuthenticator(origin());
    const options = await registrationOptions(user.access);
    const credential = authenticator.register(options.body as unknown as CreationOptions);
    const first = await call("POST", "/v1/user/passkeys", {
      token: user.access,
      json: { credential },
    });
    expect(first.status).toBe(201);
    const again = await call("POST", "/v1/user/passkeys", {
      token: user.access,
      json: { credential },
    });
    expectError(again, 400, "passkey_challenge_expired");
  });

  it("refuses an attestation from another origin, or without user verification", async () => {
    const user = await simpleUserWithEmail();
    const authenticator = new SoftwareAuthenticator(origin());
    for (const bend of [{ origin: "https://evil.example" }, { userVerified: false }] as Bend[]) {
      const options = await registrationOptions(user.access);
      const credential = authenticator.register(options.body as unknown as CreationOptions, bend);
      const res = await call("POST", "/v1/user/passkeys", {
        token: user.access,
        json: { credential },
      });
      expectError(res, 400, "passkey_invalid");
    }
  });

  it("a user with SMS TFA confirms with a current code before adding a passkey", async () => {
    const user = await smsUser();
    const since = new Date();
    const asked = await registrationOptions(user.access);
    expectError(asked, 400, "otp_required");
    const code = await latestCodeFor(user.phone, { after: since });
    const res = await registrationOptions(user.access, { otp: code });
    expect(res.status).toBe(200);
  });

  it("removes a passkey: the user is told, and a password alone signs in again", async () => {
    const user = await passkeyUser();
    const removed = await call("DELETE", `/v1/user/passkeys/${user.passkey.id}`, {
      token: user.access,
    });
    expect(removed.status).toBe(204);
    expect(await waitForMessage(user.email, "removed")).toBe(true);
    const list = await call<Json[]>("GET", "/v1/user/passkeys", { token: user.access });
    expect(list.body).toEqual([]);
    expect((await passwordGrant(user.username)).status).toBe(200);
    const again = await call("DELETE", `/v1/user/passkeys/${user.passkey.id}`, {
      token: user.access,
    });
    expectError(again, 404, "passkey_not_found");
  });
});

describe("a passkey as second factor", () => {
  it("after the password, prepare gives request options and attempt completes with tokens", async () => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    expect(options).toMatchObject({
      rpId: "localhost",
      userVerification: "required",
      allowCredentials: [{ type: "public-key", id: user.passkey.id }],
    });
    const res = await attemptSecond(id, user.authenticator.authenticate(options));
    await expectTokens(res, user.username);
    const list = await call<Json[]>("GET", "/v1/user/passkeys", { token: user.access });
    expect(list.body[0]?.lastUsedAt).toEqual(expect.any(String));
  });

  it("the password grant says otp_required with auth_method passkey and points to sign-ins", async () => {
    const user = await passkeyUser();
    const res = await passwordGrant(user.username);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "otp_required", auth_method: "passkey" });
    expect(String(res.body.error_description)).toContain("/v1/sign_ins");
    const withOtp = await passwordGrant(user.username, { otp: "123456" });
    expect(withOtp.body).toMatchObject({ error: "otp_required", auth_method: "passkey" });
  });

  it("attempting before prepare is verification_missing", async () => {
    const user = await passkeyUser();
    const started = await call("POST", "/v1/sign_ins", {
      json: { identifier: user.username, password: PASSWORD },
    });
    const res = await attemptSecond(String(started.body.id), {
      id: "AAAA",
      rawId: "AAAA",
      type: "public-key",
      response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
    });
    expectError(res, 400, "verification_missing");
  });

  it.each<[string, Bend]>([
    ["another origin", { origin: "https://evil.example" }],
    ["another RP ID's hash", { rpId: "evil.example" }],
    ["user verification off", { userVerified: false }],
    ["a broken signature", { breakSignature: true }],
    ["another challenge", { challenge: Buffer.alloc(32, 7).toString("base64url") }],
  ])("refuses %s with passkey_invalid, counted in the sign-in's attempts", async (_, bend) => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    const res = await attemptSecond(id, user.authenticator.authenticate(options, bend));
    expectError(res, 400, "passkey_invalid");
    expect(res.body.field).toBe("publicKeyCredential");
    const signIn = await call("GET", `/v1/sign_ins/${id}`);
    expect(signIn.body.secondFactorVerification).toMatchObject({ attempts: 1 });
    // The challenge survives a refused assertion: the right one still completes.
    await expectTokens(
      await attemptSecond(id, user.authenticator.authenticate(options)),
      user.username,
    );
  });

  it("a passkey of another user is refused like a wrong one", async () => {
    const user = await passkeyUser();
    const other = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    const theirs = other.authenticator.authenticate({ ...options, allowCredentials: [] });
    const res = await attemptSecond(id, theirs);
    expectError(res, 400, "passkey_invalid");
  });

  it("a replayed assertion is refused, on its sign-in and on another", async () => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    const assertion = user.authenticator.authenticate(options);
    await expectTokens(await attemptSecond(id, assertion), user.username);
    expectError(await attemptSecond(id, assertion), 400, "verification_already_verified");
    const next = await preparedSignIn(user.username);
    expectError(await attemptSecond(next.id, assertion), 400, "passkey_invalid");
  });

  it("an expired challenge is passkey_challenge_expired", async () => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    useLocalAwsEnvironment();
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await db.send(
      new UpdateCommand({
        TableName: inject("tableName"),
        Key: { pk: `CHALLENGE#sign_in#${id}`, sk: "CHALLENGE" },
        UpdateExpression: "SET expiresAt = :past",
        ExpressionAttributeValues: { ":past": Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const res = await attemptSecond(id, user.authenticator.authenticate(options));
    expectError(res, 400, "passkey_challenge_expired");
  });

  it("a sign count that goes backwards is refused and the user told (a cloned authenticator)", async () => {
    const user = await simpleUserWithEmail();
    const authenticator = new SoftwareAuthenticator(origin(), 1);
    await addPasskey(user.access, authenticator, "Key");
    const first = await preparedSignIn(user.username);
    await expectTokens(
      await attemptSecond(first.id, authenticator.authenticate(first.options, { signCount: 5 })),
      user.username,
    );
    const second = await preparedSignIn(user.username);
    const res = await attemptSecond(
      second.id,
      authenticator.authenticate(second.options, { signCount: 3 }),
    );
    expectError(res, 400, "passkey_cloned");
    expect(await waitForMessage(user.email, "counter went backwards")).toBe(true);
  });

  it("twenty concurrent attempts with one assertion complete the sign-in exactly once", async () => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    const assertion = user.authenticator.authenticate(options);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => attemptSecond(id, assertion)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(a.status).toBeLessThan(500);
    }
  });

  it("failed assertions count in the same lockout as codes", async () => {
    const user = await passkeyUser();
    const { id, options } = await preparedSignIn(user.username);
    let last: HttpResult | undefined;
    for (let i = 0; i < 11; i++) {
      last = await attemptSecond(
        id,
        user.authenticator.authenticate(options, { breakSignature: true }),
      );
      if (last.status === 403) break;
    }
    expect(last && { status: last.status, error: last.body.error }).toEqual({
      status: 403,
      error: "user_locked",
    });
    const right = await attemptSecond(id, user.authenticator.authenticate(options));
    expectError(right, 403, "user_locked");
  });
});

describe("a sign-in with a passkey alone", () => {
  it("starts with empty allowCredentials and completes from the discoverable credential", async () => {
    const user = await passkeyUser();
    const { id, options } = await passkeySignIn();
    expect(options).toMatchObject({
      rpId: "localhost",
      userVerification: "required",
      allowCredentials: [],
    });
    const res = await attemptFirst(id, user.authenticator.authenticate(options));
    await expectTokens(res, user.username);
    expect(res.body.firstFactorVerification).toMatchObject({
      status: "verified",
      strategy: "passkey",
    });
  });

  it("also for a user with SMS TFA: a verified passkey is multi-factor by itself", async () => {
    const user = await smsUser();
    const since = new Date();
    expectError(await registrationOptions(user.access), 400, "otp_required");
    const options = await registrationOptions(user.access, {
      otp: await latestCodeFor(user.phone, { after: since }),
    });
    const authenticator = new SoftwareAuthenticator(origin());
    const credential = authenticator.register(options.body as unknown as CreationOptions);
    expect(
      (await call("POST", "/v1/user/passkeys", { token: user.access, json: { credential } }))
        .status,
    ).toBe(201);
    const { id, options: request } = await passkeySignIn();
    await expectTokens(await attemptFirst(id, authenticator.authenticate(request)), user.username);
  });

  it("an unknown credential answers exactly like a wrong signature", async () => {
    const user = await passkeyUser();
    const stranger = new SoftwareAuthenticator(origin());
    stranger.register({
      challenge: "AA",
      rp: { id: "localhost", name: "x" },
      user: { id: Buffer.from("usr_nobody").toString("base64url"), name: "x" },
    });
    const a = await passkeySignIn();
    const unknown = await attemptFirst(a.id, stranger.authenticate(a.options));
    const b = await passkeySignIn();
    const wrong = await attemptFirst(
      b.id,
      user.authenticator.authenticate(b.options, { breakSignature: true }),
    );
    expectError(unknown, 400, "passkey_invalid");
    expect(unknown.text).toBe(wrong.text);
  });

  it("a userHandle naming another user is refused", async () => {
    const user = await passkeyUser();
    const { id, options } = await passkeySignIn();
    const res = await attemptFirst(
      id,
      user.authenticator.authenticate(options, {
        userHandle: Buffer.from("usr_someone_else").toString("base64url"),
      }),
    );
    expectError(res, 400, "passkey_invalid");
  });

  it("a replayed assertion is refused", async () => {
    const user = await passkeyUser();
    const { id, options } = await passkeySignIn();
    const assertion = user.authenticator.authenticate(options);
    await expectTokens(await attemptFirst(id, assertion), user.username);
    expectError(await attemptFirst(id, assertion), 400, "verification_already_verified");
    const next = await passkeySignIn();
    expectError(await attemptFirst(next.id, assertion), 400, "passkey_invalid");
  });

  it("twenty concurrent attempts with one assertion complete it exactly once", async () => {
    const user = await passkeyUser();
    const { id, options } = await passkeySignIn();
    const assertion = user.authenticator.authenticate(options);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => attemptFirst(id, assertion)),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || (a.status >= 400 && a.status < 500))).toBe(
      true,
    );
  });

  it("a password sign-in has no first factor to attempt", async () => {
    const user = await passkeyUser();
    const started = await call("POST", "/v1/sign_ins", {
      json: { identifier: user.username, password: PASSWORD },
    });
    const { options } = await passkeySignIn();
    const res = await attemptFirst(
      String(started.body.id),
      user.authenticator.authenticate(options),
    );
    expectError(res, 400, "verification_strategy_invalid");
  });
});

describe("malformed passkey input is a 400 naming the field", () => {
  const assertion = () => ({
    id: "AAAA",
    rawId: "AAAA",
    type: "public-key",
    response: { clientDataJSON: "e30", authenticatorData: "AAAA", signature: "AAAA" },
  });

  it.each<[string, (a: ReturnType<typeof assertion>) => unknown, string]>([
    [
      "not base64url",
      (a) => ({ ...a, response: { ...a.response, signature: "a+b/" } }),
      "publicKeyCredential.response.signature",
    ],
    [
      "an oversized credential id",
      (a) => ({ ...a, id: "A".repeat(2000) }),
      "publicKeyCredential.id",
    ],
    ["a missing response", (a) => ({ ...a, response: undefined }), "publicKeyCredential.response"],
    ["a wrong type", (a) => ({ ...a, type: "password" }), "publicKeyCredential.type"],
  ])("%s", async (_, bend, field) => {
    const { id } = await passkeySignIn();
    const res = await attemptFirst(id, bend(assertion()));
    expectError(res, 400, "invalid_request");
    expect(res.body.field).toBe(field);
  });

  it("an attestation whose CBOR does not decode is passkey_invalid, never a 500", async () => {
    const user = await simpleUserWithEmail();
    const options = await registrationOptions(user.access);
    const credential = new SoftwareAuthenticator(origin()).register(
      options.body as unknown as CreationOptions,
    );
    credential.response.attestationObject = Buffer.from("not cbor at all").toString("base64url");
    const res = await call("POST", "/v1/user/passkeys", {
      token: user.access,
      json: { credential },
    });
    expectError(res, 400, "passkey_invalid");
    expect(res.body.field).toBe("credential");
  });

  it("attempt_second_factor with passkey and no publicKeyCredential names the field", async () => {
    const user = await passkeyUser();
    const { id } = await preparedSignIn(user.username);
    const res = await call("POST", `/v1/sign_ins/${id}/attempt_second_factor`, {
      json: { strategy: "passkey" },
    });
    expectError(res, 400, "invalid_request");
    expect(res.body.field).toBe("publicKeyCredential");
  });
});
