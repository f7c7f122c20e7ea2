/**
 * `POST /v1/sign_ins` `{identifier, password}`: a Clerk-style SignIn. A user without TFA is
 * signed in at once (`complete`, with `tokens`); others get `needs_second_factor`.
 */
import { composeSignInStartDeps } from "../adapters/compose.js";
import { createSignIn } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { SignInRequest } from "./schemas.js";

const deps = composeSignInStartDeps();

export const handler = apiHandler({ body: SignInRequest }, async ({ body, sourceIp }) => {
  const { signIn, tokens } = await createSignIn(deps, { ...body, sourceIp });
  return { status: 200, body: tokens ? { ...signIn, tokens } : signIn };
});
