/**
 * `PUT /api/2.0/settings/tfaappnewapp` (DocSpace) `{otp}`: unlinks the authenticator app and
 * its backup codes, back to the method used before it. Needs a current second factor; the user
 * is told.
 */
import { composeAuthenticatorAppDeps, composeSignedInUser } from "../adapters/compose.js";
import { unlinkAuthenticatorApp } from "../core/authenticator-app.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composeAuthenticatorAppDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser(), errorEnvelope: docspaceEnvelope },
  async ({ body, user, headers, locale, sourceIp, userAgent, sessionId }) => {
    const otp = body.otp ?? headers["x-otp"];
    await unlinkAuthenticatorApp(deps, user, {
      otp,
      locale,
      sourceIp,
      userAgent,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
    return docspace(true);
  },
);
