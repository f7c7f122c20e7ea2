/**
 * `PUT /api/2.0/settings/tfaappnewcodes` (DocSpace) `{otp}`: ten new backup codes, returned
 * once as `[{isUsed: false, code}]`; the old ones stop working. Needs a current second factor.
 */
import { composeAuthenticatorAppDeps, composeSignedInUser } from "../adapters/compose.js";
import { regenerateBackupCodes } from "../core/authenticator-app.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";
import { StepUpRequest } from "./schemas.js";

const deps = composeAuthenticatorAppDeps();

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeSignedInUser(), errorEnvelope: docspaceEnvelope },
  async ({ body, user, headers, locale, sourceIp }) => {
    const otp = body.otp ?? headers["x-otp"];
    return docspace(await regenerateBackupCodes(deps, user, { otp, locale, sourceIp }));
  },
);
