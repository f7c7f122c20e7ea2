/**
 * `POST /v1/sign_ins` `{identifier, password}`: a Clerk-style SignIn. A user without TFA is
 * signed in at once (`complete`, with `tokens`); others get `needs_second_factor`. Where TFA
 * is required, a user without it gets `needs_enrollment` and an `enrollmentToken`. A remembered
 * device's token (`deviceToken` or `X-Device-Token`) completes it without a second factor.
 * `{strategy: "passkey"}` starts a sign-in with a passkey alone: `needs_first_factor`, with
 * the WebAuthn request options as `firstFactorVerification.nonce`.
 */
import { composeSignInStartDeps } from "../adapters/compose.js";
import { DomainError } from "../core/errors.js";
import { createPasskeySignIn, createSignIn } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { SignInRequest } from "./schemas.js";

const deps = composeSignInStartDeps();

function required(value: string | undefined, field: string): string {
  if (value === undefined) {
    throw new DomainError("invalid_request", `${field} is required.`, { field });
  }
  return value;
}

export const handler = apiHandler(
  { body: SignInRequest },
  async ({ body, headers, sourceIp, userAgent }) => {
    if (body.strategy === "passkey") {
      return { status: 200, body: await createPasskeySignIn(deps) };
    }
    const deviceToken = body.deviceToken ?? headers["x-device-token"];
    const { signIn, tokens, enrollmentToken } = await createSignIn(deps, {
      identifier: required(body.identifier, "identifier"),
      password: required(body.password, "password"),
      ...(deviceToken === undefined ? {} : { deviceToken }),
      sourceIp,
      userAgent,
    });
    if (tokens) return { status: 200, body: { ...signIn, tokens } };
    return { status: 200, body: enrollmentToken ? { ...signIn, enrollmentToken } : signIn };
  },
);
