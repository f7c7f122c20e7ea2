/**
 * `DELETE /v1/user/passkeys/{id}` (a current second factor as `otp` or `X-OTP` where the user
 * has a code or app factor): removes the passkey (204); the user is told.
 */
import { composePasskeyDeps, composeSignedInUser } from "../adapters/compose.js";
import { removePasskey } from "../core/passkeys.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composePasskeyDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser() },
  async ({ body, user, sessionId, pathParameters, headers, locale, sourceIp, userAgent }) => {
    const otp = body.otp ?? headers["x-otp"];
    await removePasskey(deps, user, pathParameters.id ?? "", {
      otp,
      locale,
      source: requestSource({ sourceIp, userAgent }),
      sessionId,
    });
    return { status: 204 };
  },
);
