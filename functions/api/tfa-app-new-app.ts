/**
 * `PUT /api/2.0/settings/tfaappnewapp` (DocSpace) `{otp}`: unlinks the authenticator app and
 * its backup codes, back to the method used before it. Needs a current second factor; the user
 * is told.
 */
import { composeSignedInUser, composeTfaAppDeps } from "../adapters/compose.js";
import { unlinkTfaApp } from "../core/authenticator-app.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composeTfaAppDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser(), errorEnvelope: docspaceEnvelope },
  async ({ body, user, headers, locale, sourceIp }) => {
    const otp = body.otp ?? headers["x-otp"];
    await unlinkTfaApp(deps, user, { otp, locale, sourceIp });
    return docspace(true);
  },
);
