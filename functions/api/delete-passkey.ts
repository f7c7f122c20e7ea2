/**
 * `DELETE /v1/user/passkeys/{id}` (a current second factor as `otp` or `X-OTP` where the user
 * has a code or app factor): removes the passkey (204); the user is told.
 */
import { composePasskeyDeps, composeSignedInUser } from "../adapters/compose.js";
import { removePasskey } from "../core/passkeys.js";
import { apiHandler } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composePasskeyDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser() },
  async ({ body, user, pathParameters, headers, locale, sourceIp }) => {
    const otp = body.otp ?? headers["x-otp"];
    const agent = headers["user-agent"];
    await removePasskey(deps, user, pathParameters.id ?? "", {
      otp,
      locale,
      source: { ip: sourceIp, ...(agent === undefined ? {} : { userAgent: agent.slice(0, 256) }) },
    });
    return { status: 204 };
  },
);
