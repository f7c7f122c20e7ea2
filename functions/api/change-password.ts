/**
 * `PUT /v1/user/password` `{currentPassword, newPassword, otp?}`: changes the password (with a
 * current second factor where TFA is on), ends every other session and tells the user.
 */
import { composePasswordChangeDeps, composeSignedInUser } from "../adapters/compose.js";
import { changePassword } from "../core/password-change.js";
import { apiHandler } from "./http.js";
import { PasswordChange } from "./schemas.js";

const deps = composePasswordChangeDeps();

export const handler = apiHandler(
  { body: PasswordChange, authenticate: composeSignedInUser() },
  async ({ body, user, headers, locale, sourceIp, userAgent, sessionId }) => {
    const otp = body.otp ?? headers["x-otp"];
    await changePassword(deps, user, {
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      ...(otp === undefined ? {} : { otp }),
      locale,
      sourceIp,
      userAgent,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
    return { status: 204 };
  },
);
