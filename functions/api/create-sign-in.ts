/**
 * `POST /v1/sign_ins` `{identifier, password}`: a Clerk-style SignIn. A user without TFA is
 * signed in at once (`complete`, with `tokens`); others get `needs_second_factor`. Where TFA
 * is required, a user without it gets `needs_enrollment` and an `enrollmentToken`. A remembered
 * device's token (`deviceToken` or `X-Device-Token`) completes it without a second factor.
 */
import { composeSignInStartDeps } from "../adapters/compose.js";
import { createSignIn } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { SignInRequest } from "./schemas.js";

const deps = composeSignInStartDeps();

export const handler = apiHandler(
  { body: SignInRequest },
  async ({ body, headers, sourceIp, userAgent }) => {
    const deviceToken = body.deviceToken ?? headers["x-device-token"];
    const { signIn, tokens, enrollmentToken } = await createSignIn(deps, {
      ...body,
      ...(deviceToken === undefined ? {} : { deviceToken }),
      sourceIp,
      userAgent,
    });
    if (tokens) return { status: 200, body: { ...signIn, tokens } };
    return { status: 200, body: enrollmentToken ? { ...signIn, enrollmentToken } : signIn };
  },
);
