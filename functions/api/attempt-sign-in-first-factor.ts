/**
 * `POST /v1/sign_ins/{id}/attempt_first_factor` `{strategy: "passkey", publicKeyCredential}`:
 * a sign-in with a passkey alone. On success the SignIn is `complete` and this response alone
 * carries `tokens`.
 */
import { composeSignInAttemptDeps } from "../adapters/compose.js";
import { simpleWebAuthnVerifier } from "../adapters/webauthn.js";
import { attemptSignInFirstFactor } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { FirstFactorAttemptRequest } from "./schemas.js";

const deps = composeSignInAttemptDeps(simpleWebAuthnVerifier);

export const handler = apiHandler(
  { body: FirstFactorAttemptRequest },
  async ({ body, pathParameters, headers, sourceIp }) => {
    const agent = headers["user-agent"];
    const { signIn, tokens } = await attemptSignInFirstFactor(deps, pathParameters.id ?? "", {
      ...body,
      source: { ip: sourceIp, ...(agent === undefined ? {} : { userAgent: agent.slice(0, 256) }) },
    });
    return { status: 200, body: tokens ? { ...signIn, tokens } : signIn };
  },
);
