/**
 * `PUT /api/2.0/settings/tfaappnewcodes` (DocSpace) `{otp}`: ten new backup codes, returned
 * once as `[{isUsed: false, code}]`; the old ones stop working. Needs a current second factor.
 */
import * as v from "valibot";
import { composeAuthenticate, composeAuthenticatorAppDeps } from "../adapters/compose.js";
import { regenerateBackupCodes } from "../core/authenticator-app.js";
import { signedInUser } from "../core/users.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppDeps();

const StepUpRequest = v.object({ otp: v.optional(v.pipe(v.string(), v.maxLength(64))) });

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeAuthenticate(), errorEnvelope: docspaceEnvelope },
  async ({ body, userId, headers, locale, sourceIp }) => {
    const user = await signedInUser(deps.users, userId);
    const otp = body.otp ?? headers["x-otp"];
    return docspace(await regenerateBackupCodes(deps, user, { otp, locale, sourceIp }));
  },
);
