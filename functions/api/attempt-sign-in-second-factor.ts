/**
 * `POST /v1/sign_ins/{id}/attempt_second_factor` `{strategy, code}` (or, for a passkey,
 * `{strategy: "passkey", publicKeyCredential}`): on success the SignIn is `complete` and this
 * response alone carries `tokens` (the same as `/v1/token` issues), with a device token when
 * `rememberDevice` asked for one (never after a passkey, which no device token stands in for).
 */
import { composeSignInAttemptDeps } from "../adapters/compose.js";
import { simpleWebAuthnVerifier } from "../adapters/webauthn.js";
import { DomainError } from "../core/errors.js";
import { attemptSignInSecondFactor } from "../core/sign-ins.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";
import { AttemptRequest } from "./schemas.js";

const deps = composeSignInAttemptDeps(simpleWebAuthnVerifier);

export const handler = apiHandler(
  { body: AttemptRequest },
  async ({ body, pathParameters, sourceIp, userAgent }) => {
    const field = body.strategy === "passkey" ? "publicKeyCredential" : "code";
    if (body[field] === undefined) {
      throw new DomainError("invalid_request", `${field} is required.`, { field });
    }
    const { signIn, tokens } = await attemptSignInSecondFactor(deps, pathParameters.id ?? "", {
      ...body,
      source: requestSource({ sourceIp, userAgent }),
    });
    return { status: 200, body: tokens ? { ...signIn, tokens } : signIn };
  },
);
