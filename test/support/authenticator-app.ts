/**
 * Helpers for the authenticator-app and sign-in API tests: users with and without a linked
 * app, and TOTP codes computed as an authenticator app would (otplib, RFC 6238 defaults).
 */
import { generateSync } from "otplib";
import { expect } from "vitest";
import { call, freshUsername, post, sleep } from "./http.js";
import {
  type Json,
  PASSWORD,
  passwordGrant,
  registerEmailUser,
  registerSmsUser,
  verifiedEmail,
} from "./users.js";

export { type Json, PASSWORD, passwordGrant };

const PERIOD_SECONDS = 30;
/** Codes are computed at least this far from the end of their step, so they are not stale on arrival. */
const STEP_MARGIN_SECONDS = 4;

export interface DocspaceBody<T = unknown> {
  response?: T;
  status?: number;
  statusCode?: number;
  error?: { message: string; type: string; [key: string]: unknown };
}

/** The base32 secret behind a manual entry key (`ABCD EFGH …`). */
function secretOf(manualEntryKey: string): string {
  return manualEntryKey.replace(/\s+/g, "");
}

/** Waits, if needed, until the current step has a few seconds left. */
export async function awayFromStepEnd(): Promise<void> {
  const into = (Date.now() / 1000) % PERIOD_SECONDS;
  if (into > PERIOD_SECONDS - STEP_MARGIN_SECONDS) {
    await sleep((PERIOD_SECONDS - into + 0.2) * 1000);
  }
}

/**
 * The code an authenticator app shows `stepOffset` steps from now. The service accepts ±1
 * step, so offsets -1, 0 and +1 give three distinct usable codes within one step.
 */
export function totpCode(secret: string, stepOffset = 0): string {
  return generateSync({
    secret,
    epoch: Math.floor(Date.now() / 1000) + stepOffset * PERIOD_SECONDS,
  });
}

export interface TestUser {
  username: string;
  email?: string;
  phone?: string;
  access: string;
}

/** A user without TFA, with a verified email (to hear about factor changes), signed in. */
export async function simpleUserWithEmail(): Promise<TestUser & { email: string }> {
  const { email, code } = await verifiedEmail();
  const username = freshUsername();
  const created = await post("/v1/customers", {
    username,
    password: PASSWORD,
    email,
    emailVerificationCode: code,
  });
  expect(created.status).toBe(201);
  const tokens = await passwordGrant(username);
  expect(tokens.status).toBe(200);
  return { username, email, access: String(tokens.body.access_token) };
}

/** A user with SMS TFA, signed in with the registration code. */
export async function smsUser(): Promise<TestUser & { phone: string }> {
  const { username, phone, registrationCode } = await registerSmsUser();
  const tokens = await passwordGrant(username, { otp: registrationCode });
  expect(tokens.status).toBe(200);
  return { username, phone, access: String(tokens.body.access_token) };
}

/** An email user (TFA by email), signed in with the registration code. */
export async function emailTfaUser(): Promise<TestUser & { email: string }> {
  const { username, email, registrationCode } = await registerEmailUser();
  const tokens = await passwordGrant(username, { otp: registrationCode });
  expect(tokens.status).toBe(200);
  return { username, email, access: String(tokens.body.access_token) };
}

export async function setUpAuthenticatorApp(access: string) {
  const res = await call<DocspaceBody<Json>>("GET", "/api/2.0/settings/tfaapp/setup", {
    token: access,
  });
  expect(res.status).toBe(200);
  const response = res.body.response ?? {};
  return {
    res,
    account: String(response.account),
    manualEntryKey: String(response.manualEntryKey),
    qrCodeSetupImageUrl: String(response.qrCodeSetupImageUrl),
    secret: secretOf(String(response.manualEntryKey)),
  };
}

export const validateAuthenticatorApp = (access: string, json: Json) =>
  call<DocspaceBody<boolean>>("POST", "/api/2.0/settings/tfaapp/validate", { token: access, json });

export const listBackupCodes = (access: string) =>
  call<DocspaceBody<{ isUsed: boolean; code: string | null }[]>>(
    "GET",
    "/api/2.0/settings/tfaappcodes",
    { token: access },
  );

export interface AuthenticatorAppUser extends TestUser {
  email: string;
  secret: string;
  backupCodes: string[];
}

/**
 * A user with a linked authenticator app. The link used the code of the previous step, so
 * the current and next steps' codes are still free for the test.
 */
export async function authenticatorAppUser(): Promise<AuthenticatorAppUser> {
  const user = await simpleUserWithEmail();
  const { secret } = await setUpAuthenticatorApp(user.access);
  await awayFromStepEnd();
  const linked = await validateAuthenticatorApp(user.access, { code: totpCode(secret, -1) });
  expect(linked.body.response).toBe(true);
  const codes = await listBackupCodes(user.access);
  const backupCodes = (codes.body.response ?? []).map((c) => String(c.code));
  expect(backupCodes).toHaveLength(10);
  return { ...user, secret, backupCodes };
}
