/**
 * `POST /api/2.0/settings/tfaapp/validate` (DocSpace) `{code, otp?}`: `{response: true}` when
 * the code of the pending app is right (the app is linked, fresh backup codes can be read
 * once from `GET /api/2.0/settings/tfaappcodes`), `{response: false}` when it is wrong.
 * Replacing an active second factor needs it as `otp` (or the `X-OTP` header).
 */
import * as v from "valibot";
import { composeAuthenticate, composeAuthenticatorAppDeps } from "../adapters/compose.js";
import { validateAuthenticatorApp } from "../core/authenticator-app.js";
import { signedInUser } from "../core/users.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppDeps();

const ValidateRequest = v.object({
  code: v.pipe(v.string(), v.maxLength(64)),
  otp: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

export const handler = apiHandler(
  { body: ValidateRequest, authenticate: composeAuthenticate(), errorEnvelope: docspaceEnvelope },
  async ({ body, userId, headers, locale, sourceIp }) => {
    const user = await signedInUser(deps.users, userId);
    const linked = await validateAuthenticatorApp(deps, user, {
      code: body.code,
      otp: body.otp ?? headers["x-otp"],
      locale,
      sourceIp,
    });
    return docspace(linked);
  },
);
