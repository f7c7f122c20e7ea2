/**
 * `POST /v1/sign_ins/{id}/attempt_second_factor` `{strategy, code}`: on success the SignIn is
 * `complete` and this response alone carries `tokens` (the same as `/v1/token` issues).
 */
import * as v from "valibot";
import { composeSignInAttemptDeps } from "../adapters/compose.js";
import { attemptSignInSecondFactor } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { text } from "./schemas.js";

const deps = composeSignInAttemptDeps();

const AttemptRequest = v.object({
  strategy: text(64),
  code: v.pipe(v.string(), v.maxLength(64)),
});

export const handler = apiHandler({ body: AttemptRequest }, async ({ body, pathParameters }) => {
  const { signIn, tokens } = await attemptSignInSecondFactor(deps, pathParameters.id ?? "", body);
  return { status: 200, body: tokens ? { ...signIn, tokens } : signIn };
});
