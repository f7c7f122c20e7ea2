/**
 * Authenticator apps over HTTP at DocSpace's paths: the seed's own example clients, setup and
 * validation, backup codes shown once, step-up for replacing and removing, the lockout, and
 * the replay and race guards of TOTP and backup codes at `/v1/token`.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  type AuthenticatorAppUser,
  authenticatorAppUser,
  awayFromStepEnd,
  type DocspaceBody,
  listBackupCodes,
  PASSWORD,
  passwordGrant,
  setUpAuthenticatorApp,
  simpleUserWithEmail,
  smsUser,
  totpCode,
  validateAuthenticatorApp,
} from "../support/authenticator-app.js";
import { call, sleep } from "../support/http.js";
import { apiUrl, latestCodeFor, messagesFor, readLogs } from "../support/local.js";

const run = promisify(execFile);
const PROJECT_ROOT = new URL("../..", import.meta.url).pathname;

const me = async (access: string) => (await call("GET", "/v1/user", { token: access })).body;

const newCodes = (access: string, json: Record<string, unknown> = {}) =>
  call<DocspaceBody<{ isUsed: boolean; code: string | null }[]>>(
    "PUT",
    "/api/2.0/settings/tfaappnewcodes",
    { token: access, json },
  );

const newApp = (access: string, json: Record<string, unknown> = {}) =>
  call<DocspaceBody<boolean>>("PUT", "/api/2.0/settings/tfaappnewapp", { token: access, json });

/** Sets up the app the way a person would before running the seed's client, and gives its code. */
async function codeForTheClient(access: string): Promise<string> {
  const { secret } = await setUpAuthenticatorApp(access);
  await awayFromStepEnd();
  return totpCode(secret);
}

async function expectLinked(user: { access: string; username: string }) {
  expect(await me(user.access)).toMatchObject({ tfaAppLinked: true, authMethod: "totp" });
  const login = await passwordGrant(user.username);
  expect(login.status).toBe(400);
  expect(login.body).toMatchObject({ error: "otp_required", auth_method: "totp" });
}

/**
 * A Python that can import `requests`: `$PYTHON`, else `python3` on the PATH, else Debian's
 * (where `apt-get install python3-requests` puts it when the PATH's python3 is another one).
 */
async function pythonWithRequests(): Promise<string> {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"].filter(
    (c): c is string => typeof c === "string" && c.length > 0,
  );
  for (const python of candidates) {
    try {
      await run(python, ["-c", "import requests"]);
      return python;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    "No python3 can import requests: install it (apt-get install -y python3-requests) to run the DocSpace Python client",
  );
}

describe("the seed's DocSpace example clients", () => {
  it("the Node.js client links an authenticator app, unchanged but for BASE_URL, API_KEY and the code", async () => {
    const user = await simpleUserWithEmail();
    const code = await codeForTheClient(user.access);
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "test/fixtures/docspace-client.ts"],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, BASE_URL: apiUrl(), API_KEY: user.access, CODE: code },
        timeout: 20_000,
      },
    );
    expect({ stdout, stderr }).toEqual({ stdout: "", stderr: "" });
    await expectLinked(user);
  });

  it("the Python client links an authenticator app, unchanged but for BASE_URL, API_KEY and the code", async () => {
    const python = await pythonWithRequests();
    const user = await simpleUserWithEmail();
    const code = await codeForTheClient(user.access);
    const { stdout, stderr } = await run(python, ["test/fixtures/docspace_client.py"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, BASE_URL: apiUrl(), API_KEY: user.access, CODE: code },
      timeout: 20_000,
    });
    expect({ stdout, stderr }).toEqual({ stdout: "", stderr: "" });
    await expectLinked(user);
  });

  it("a client with a wrong code leaves the account without an app", async () => {
    const user = await simpleUserWithEmail();
    const code = await codeForTheClient(user.access);
    await run(process.execPath, ["--import", "tsx", "test/fixtures/docspace-client.ts"], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        BASE_URL: apiUrl(),
        API_KEY: user.access,
        CODE: code === "000000" ? "111111" : "000000",
      },
      timeout: 20_000,
    });
    expect(await me(user.access)).toMatchObject({ tfaAppLinked: false, authMethod: "simple" });
  });
});

describe("GET /api/2.0/settings/tfaapp/setup", () => {
  it("answers DocSpace's envelope with the account, a grouped base32 key of 160 bits and a PNG QR code", async () => {
    const user = await simpleUserWithEmail();
    const { res, account, manualEntryKey, qrCodeSetupImageUrl, secret } =
      await setUpAuthenticatorApp(user.access);
    expect(res.body).toMatchObject({ status: 0, statusCode: 200 });
    expect(account).toBe(user.email);
    expect(manualEntryKey).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(secret).toHaveLength(32); // 160 bits in base32
    expect(qrCodeSetupImageUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("shows the same secret again while the enrollment is pending, so a reload does not break a scan", async () => {
    const user = await simpleUserWithEmail();
    const first = await setUpAuthenticatorApp(user.access);
    const again = await setUpAuthenticatorApp(user.access);
    expect(again.secret).toBe(first.secret);
    const other = await simpleUserWithEmail();
    expect((await setUpAuthenticatorApp(other.access)).secret).not.toBe(first.secret);
  });

  it("does not link anything by itself", async () => {
    const user = await simpleUserWithEmail();
    await setUpAuthenticatorApp(user.access);
    expect(await me(user.access)).toMatchObject({ tfaAppLinked: false, authMethod: "simple" });
    expect((await passwordGrant(user.username)).status).toBe(200);
  });

  it("needs a bearer token, and says so in DocSpace's error envelope", async () => {
    const res = await call("GET", "/api/2.0/settings/tfaapp/setup");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      error: { type: "invalid_token", message: expect.any(String) },
      status: 1,
      statusCode: 401,
    });
  });
});

describe("POST /api/2.0/settings/tfaapp/validate", () => {
  it("answers false to a wrong code and true to the right one, linking the app only then", async () => {
    const user = await simpleUserWithEmail();
    const { secret } = await setUpAuthenticatorApp(user.access);
    await awayFromStepEnd();
    const right = totpCode(secret);
    const wrong = await validateAuthenticatorApp(user.access, {
      code: right === "000000" ? "111111" : "000000",
    });
    expect(wrong.status).toBe(200);
    expect(wrong.body).toEqual({ response: false, status: 0, statusCode: 200 });
    expect(await me(user.access)).toMatchObject({ tfaAppLinked: false });
    const ok = await validateAuthenticatorApp(user.access, { code: right });
    expect(ok.body).toEqual({ response: true, status: 0, statusCode: 200 });
    await expectLinked(user);
  });

  it("concurrent validations with the right code link the app once, with one set of backup codes", async () => {
    const user = await simpleUserWithEmail();
    const { secret } = await setUpAuthenticatorApp(user.access);
    await awayFromStepEnd();
    const code = totpCode(secret);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => validateAuthenticatorApp(user.access, { code })),
    );
    expect(results.filter((r) => r.body.response === true)).toHaveLength(1);
    const losers = results.filter((r) => r.body.response !== true);
    for (const r of losers) expect(r.status === 409 || r.status === 400).toBe(true);
    expect((await listBackupCodes(user.access)).body.response?.filter((c) => c.code)).toHaveLength(
      10,
    );
    await expectLinked(user);
  });

  it("tells the user by email that an authenticator app was turned on", async () => {
    const user = await authenticatorAppUser();
    await sleep(500);
    const bodies = (await messagesFor(user.email)).map((m) => m.body);
    expect(bodies.at(-1)).toContain("Two-factor authentication (authenticator app) was turned on");
  });

  it("refuses before any setup with tfa_app_not_set_up", async () => {
    const user = await simpleUserWithEmail();
    const res = await validateAuthenticatorApp(user.access, { code: "123456" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: "tfa_app_not_set_up" }, status: 1 });
  });

  it("answers false to malformed codes without spending attempts: twelve of them do not lock the user", async () => {
    const user = await simpleUserWithEmail();
    const { secret } = await setUpAuthenticatorApp(user.access);
    const malformed = ["12345", "1234567", " 123456", "+12345", "１２３４５６", "12 345", "abcdef"];
    for (let i = 0; i < 12; i++) {
      const res = await validateAuthenticatorApp(user.access, {
        code: malformed[i % malformed.length],
      });
      expect(res.body.response).toBe(false);
    }
    await awayFromStepEnd();
    expect(
      (await validateAuthenticatorApp(user.access, { code: totpCode(secret) })).body.response,
    ).toBe(true);
  });

  it("counts wrong codes against the lockout shared with /v1/token: the 11th answers 429", async () => {
    const user = await simpleUserWithEmail();
    const { secret } = await setUpAuthenticatorApp(user.access);
    await awayFromStepEnd();
    const right = totpCode(secret);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 10; i++) {
      expect((await validateAuthenticatorApp(user.access, { code: wrong })).body.response).toBe(
        false,
      );
    }
    const locked = await validateAuthenticatorApp(user.access, { code: right });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ error: { type: "too_many_attempts" }, statusCode: 429 });
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await me(user.access)).toMatchObject({ tfaAppLinked: false });
  });
});

describe("backup codes", () => {
  it("are shown once: the first GET tfaappcodes after linking has ten codes, later ones only their status", async () => {
    const user = await authenticatorAppUser();
    expect(new Set(user.backupCodes).size).toBe(10);
    for (const code of user.backupCodes) expect(code).toMatch(/^([0-9A-Z]{4}-){3}[0-9A-Z]{4}$/);
    const later = await listBackupCodes(user.access);
    expect(later.body.response).toEqual(
      Array.from({ length: 10 }, () => ({ isUsed: false, code: null })),
    );
  });

  it("a backup code logs in once, and is then shown as used", async () => {
    const user = await authenticatorAppUser();
    const backup = user.backupCodes[3] ?? "";
    expect((await passwordGrant(user.username, { otp: backup })).status).toBe(200);
    const again = await passwordGrant(user.username, { otp: backup });
    expect(again.body.error).toBe("invalid_otp");
    const states = (await listBackupCodes(user.access)).body.response ?? [];
    expect(states.map((s) => s.isUsed)).toEqual(states.map((_, i) => i === 3));
  });

  it("accept what people type: lower case, spaces instead of hyphens", async () => {
    const user = await authenticatorAppUser();
    const typed = (user.backupCodes[0] ?? "").toLowerCase().replaceAll("-", " ");
    expect((await passwordGrant(user.username, { otp: typed })).status).toBe(200);
  });

  it("20 concurrent logins with one backup code give exactly one 200", async () => {
    const user = await authenticatorAppUser();
    const backup = user.backupCodes[0] ?? "";
    const results = await Promise.all(
      Array.from({ length: 20 }, () => passwordGrant(user.username, { otp: backup })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.every((r) => [200, 400, 429].includes(r.status))).toBe(true);
  });

  it("regenerating needs a current second factor, returns ten new codes once and retires the old ones", async () => {
    const user = await authenticatorAppUser();
    const none = await newCodes(user.access);
    expect(none.status).toBe(403);
    expect(none.body).toMatchObject({ error: { type: "second_factor_required", field: "otp" } });
    const wrong = await newCodes(user.access, {
      otp: "000000" === totpCode(user.secret) ? "111111" : "000000",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ error: { type: "invalid_otp" } });

    const res = await newCodes(user.access, { otp: user.backupCodes[0] });
    expect(res.status).toBe(200);
    const fresh = (res.body.response ?? []).map((c) => String(c.code));
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => user.backupCodes.includes(c))).toBe(false);
    expect((await listBackupCodes(user.access)).body.response?.every((c) => c.code === null)).toBe(
      true,
    );
    expect((await passwordGrant(user.username, { otp: user.backupCodes[1] })).body.error).toBe(
      "invalid_otp",
    );
    expect((await passwordGrant(user.username, { otp: fresh[0] })).status).toBe(200);
  });

  it("regenerating without a linked app answers tfa_app_not_set_up", async () => {
    const user = await simpleUserWithEmail();
    const res = await newCodes(user.access, { otp: "123456" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: "tfa_app_not_set_up" } });
  });
});

describe("TOTP at /v1/token", () => {
  it("a TOTP user gets otp_required with auth_method totp, and no code is sent", async () => {
    const user = await authenticatorAppUser();
    await sleep(300);
    const before = (await messagesFor(user.email)).length;
    const res = await passwordGrant(user.username);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "otp_required", auth_method: "totp" });
    expect(res.body.otp_destination).toBeUndefined();
    expect(res.headers.get("x-otp")).toBe("required; auth_method=totp");
    await sleep(500);
    expect(await messagesFor(user.email)).toHaveLength(before);
  });

  it("a TOTP code is accepted once: the validation code and a login code are both refused when reused", async () => {
    const user = await simpleUserWithEmail();
    const { secret } = await setUpAuthenticatorApp(user.access);
    await awayFromStepEnd();
    const linkCode = totpCode(secret, -1);
    expect((await validateAuthenticatorApp(user.access, { code: linkCode })).body.response).toBe(
      true,
    );
    expect((await passwordGrant(user.username, { otp: linkCode })).body.error).toBe("invalid_otp");
    const loginCode = totpCode(secret);
    expect((await passwordGrant(user.username, { otp: loginCode })).status).toBe(200);
    const replay = await passwordGrant(user.username, { otp: loginCode });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe("invalid_otp");
  });

  it("refuses a code from before the last accepted one", async () => {
    const user = await authenticatorAppUser();
    expect((await passwordGrant(user.username, { otp: totpCode(user.secret, 1) })).status).toBe(
      200,
    );
    const earlier = await passwordGrant(user.username, { otp: totpCode(user.secret, 0) });
    expect(earlier.body.error).toBe("invalid_otp");
  });

  it("50 concurrent logins with one TOTP code give exactly one 200", async () => {
    const user = await authenticatorAppUser();
    const code = totpCode(user.secret, 1);
    const results = await Promise.all(
      Array.from({ length: 50 }, () => passwordGrant(user.username, { otp: code })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.every((r) => [200, 400, 429].includes(r.status))).toBe(true);
  });
});

describe("replacing and removing the app (step-up)", () => {
  it("a replacement app is set up freely but validated only with a current second factor", async () => {
    const user = await authenticatorAppUser();
    const next = await setUpAuthenticatorApp(user.access);
    expect(next.secret).not.toBe(user.secret);
    await awayFromStepEnd();
    const newCode = totpCode(next.secret);
    const none = await validateAuthenticatorApp(user.access, { code: newCode });
    expect(none.status).toBe(403);
    expect(none.body).toMatchObject({
      error: { type: "second_factor_required", auth_method: "totp" },
      status: 1,
      statusCode: 403,
    });
    const ok = await validateAuthenticatorApp(user.access, {
      code: newCode,
      otp: totpCode(user.secret),
    });
    expect(ok.body.response).toBe(true);
    // The old app is gone, the new one works (its validation code is spent).
    expect((await passwordGrant(user.username, { otp: totpCode(user.secret, 1) })).body.error).toBe(
      "invalid_otp",
    );
    expect((await passwordGrant(user.username, { otp: totpCode(next.secret, 1) })).status).toBe(
      200,
    );
    // Fresh backup codes replaced the old ones.
    const fresh = (await listBackupCodes(user.access)).body.response ?? [];
    expect(fresh.every((c) => typeof c.code === "string")).toBe(true);
    expect((await passwordGrant(user.username, { otp: user.backupCodes[0] })).body.error).toBe(
      "invalid_otp",
    );
  });

  it("unlinking needs a current second factor, returns to the method before and tells the user", async () => {
    const user = await authenticatorAppUser();
    const none = await newApp(user.access);
    expect(none.status).toBe(403);
    expect(none.body).toMatchObject({ error: { type: "second_factor_required" } });
    const res = await newApp(user.access, { otp: totpCode(user.secret) });
    expect(res.body).toEqual({ response: true, status: 0, statusCode: 200 });
    expect(await me(user.access)).toMatchObject({ tfaAppLinked: false, authMethod: "simple" });
    expect((await passwordGrant(user.username)).status).toBe(200);
    expect((await listBackupCodes(user.access)).body.response).toEqual([]);
    await sleep(500);
    expect((await messagesFor(user.email)).at(-1)?.body).toContain(
      "Two-factor authentication was turned off",
    );
  });

  it("an SMS user confirms with an SMS code before an app replaces SMS, and unlinking returns to SMS", async () => {
    const user = await smsUser();
    const { secret } = await setUpAuthenticatorApp(user.access);
    await awayFromStepEnd();
    const since = new Date();
    const ask = await validateAuthenticatorApp(user.access, { code: totpCode(secret, -1) });
    expect(ask.status).toBe(400);
    expect(ask.body).toMatchObject({ error: { type: "otp_required", auth_method: "tfa_sms" } });
    const sms = await latestCodeFor(user.phone, { after: since });
    const ok = await validateAuthenticatorApp(user.access, {
      code: totpCode(secret, -1),
      otp: sms,
    });
    expect(ok.body.response).toBe(true);
    expect(await me(user.access)).toMatchObject({ authMethod: "totp", tfaAppLinked: true });
    await sleep(500);
    expect((await messagesFor(user.phone)).at(-1)?.body).toContain(
      "(authenticator app) was turned on",
    );

    const unlinked = await newApp(user.access, { otp: totpCode(secret) });
    expect(unlinked.body.response).toBe(true);
    expect(await me(user.access)).toMatchObject({ authMethod: "tfa_sms", tfaAppLinked: false });
    expect((await passwordGrant(user.username)).body).toMatchObject({
      error: "otp_required",
      auth_method: "tfa_sms",
    });
  });

  it("unlinking without a linked app answers tfa_app_not_set_up", async () => {
    const user = await simpleUserWithEmail();
    const res = await newApp(user.access, { otp: "123456" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { type: "tfa_app_not_set_up" } });
  });
});

describe("secrets stay secret", () => {
  it("no log line carries a TOTP secret, a TOTP code, a backup code or a token", async () => {
    const user: AuthenticatorAppUser = await authenticatorAppUser();
    const login = await passwordGrant(user.username, { otp: user.backupCodes[5] });
    await sleep(300);
    const logs = (await readLogs())
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .join("\n");
    const secrets = [
      user.secret,
      PASSWORD,
      user.access,
      String(login.body.access_token),
      String(login.body.refresh_token),
      ...user.backupCodes,
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
