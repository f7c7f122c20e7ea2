/** Users for the HTTP tests: verified contacts, the password grant, and a code that is wrong. */
import { expect } from "vitest";
import { freshEmail, freshPhone, freshUsername, post } from "./http.js";
import { latestCodeFor } from "./local.js";

export const PASSWORD = "correct horse battery staple";

export type Json = Record<string, unknown>;

/** A fresh email address and the verification code sent to it. */
export async function verifiedEmail(): Promise<{ email: string; code: string }> {
  const email = freshEmail();
  const since = new Date();
  expect((await post("/v1/email_verification_codes", { email })).status).toBe(204);
  return { email, code: await latestCodeFor(email, { after: since }) };
}

/** A fresh phone number and the verification code sent to it. */
export async function verifiedPhone(): Promise<{ phone: string; code: string }> {
  const phone = freshPhone();
  const since = new Date();
  expect((await post("/v1/phone_verification_codes", { phoneNumber: phone })).status).toBe(204);
  return { phone, code: await latestCodeFor(phone, { after: since }) };
}

export const passwordGrant = (username: string, extra: Json = {}) =>
  post("/v1/token", { grant_type: "password", username, password: PASSWORD, ...extra });

/** A well-formed code other than `code`. */
export function wrongOf(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

/** Registers a customer with SMS TFA; its verification code also serves as its first OTP. */
export async function registerSmsUser() {
  const { phone, code } = await verifiedPhone();
  const username = freshUsername();
  const res = await post("/v1/customers", {
    username,
    password: PASSWORD,
    authMethod: "tfa_sms",
    phoneNumber: phone,
    phoneVerificationCode: code,
  });
  expect(res.status).toBe(201);
  return { username, phone, registrationCode: code };
}

/** Registers a customer with email TFA; its verification code also serves as its first OTP. */
export async function registerEmailUser() {
  const { email, code } = await verifiedEmail();
  const username = freshUsername();
  const res = await post("/v1/customers", {
    username,
    password: PASSWORD,
    authMethod: "tfa_email",
    email,
    emailVerificationCode: code,
  });
  expect(res.status).toBe(201);
  return { username, email, registrationCode: code };
}
