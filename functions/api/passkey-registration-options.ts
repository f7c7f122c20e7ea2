/**
 * `POST /v1/user/passkeys/registration_options` `{otp?}`: WebAuthn creation options with a fresh
 * challenge for the signed-in user. Where the user has a code or app factor, `otp` (or `X-OTP`)
 * carries a current one first.
 */
import { composePasskeyDeps, composeSignedInUser } from "../adapters/compose.js";
import { passkeyRegistrationOptions } from "../core/passkeys.js";
import { apiHandler } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composePasskeyDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser() },
  async ({ body, user, headers, locale, sourceIp }) => {
    const otp = body.otp ?? headers["x-otp"];
    return {
      status: 200,
      body: await passkeyRegistrationOptions(deps, user, {
        otp,
        locale,
        source: { ip: sourceIp, ...userAgent(headers) },
      }),
    };
  },
);

function userAgent(headers: Record<string, string>) {
  const agent = headers["user-agent"];
  return agent === undefined ? {} : { userAgent: agent.slice(0, 256) };
}
