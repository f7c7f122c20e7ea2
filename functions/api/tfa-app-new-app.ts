/**
 * `PUT /api/2.0/settings/tfaappnewapp` (DocSpace) `{otp}`: unlinks the authenticator app and
 * its backup codes, back to the method used before it. Needs a current second factor; the user
 * is told.
 */
import * as v from "valibot";
import { composeAuthenticate, composeAuthenticatorAppDeps } from "../adapters/compose.js";
import { unlinkAuthenticatorApp } from "../core/authenticator-app.js";
import { signedInUser } from "../core/users.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppDeps();

const StepUpRequest = v.object({ otp: v.optional(v.pipe(v.string(), v.maxLength(64))) });

export const handler = apiHandler(
  { body: StepUpRequest, authenticate: composeAuthenticate(), errorEnvelope: docspaceEnvelope },
  async ({ body, userId, headers, locale, sourceIp }) => {
    const user = await signedInUser(deps.users, userId);
    const otp = body.otp ?? headers["x-otp"];
    await unlinkAuthenticatorApp(deps, user, { otp, locale, sourceIp });
    return docspace(true);
  },
);
