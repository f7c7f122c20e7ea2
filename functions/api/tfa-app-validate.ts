/**
 * `POST /api/2.0/settings/tfaapp/validate` (DocSpace) `{code, otp?}`: `{response: true}` when
 * the code of the pending app is right (the app is linked, fresh backup codes can be read
 * once from `GET /api/2.0/settings/tfaappcodes`), `{response: false}` when it is wrong.
 * Replacing an active second factor needs it as `otp` (or the `X-OTP` header).
 */
import { composeAuthenticatorAppDeps, composeSignedInUser } from "../adapters/compose.js";
import { validateAuthenticatorApp } from "../core/authenticator-app.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";
import { TfaAppValidateRequest } from "./schemas.js";

const deps = composeAuthenticatorAppDeps();

export const handler = apiHandler(
  {
    body: TfaAppValidateRequest,
    authenticate: composeSignedInUser({ enrollment: true }),
    errorEnvelope: docspaceEnvelope,
  },
  async ({ body, user, headers, locale, sourceIp, userAgent, sessionId }) => {
    const linked = await validateAuthenticatorApp(deps, user, {
      code: body.code,
      otp: body.otp ?? headers["x-otp"],
      locale,
      sourceIp,
      userAgent,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
    return docspace(linked);
  },
);
