/**
 * `PATCH /v1/user`: change the TFA method, phone or email (with codes and step-up). Also a
 * factor-enrollment endpoint: it takes the enrollment token of a password-only user.
 */
import { composeCustomerDeps, composeSignedInUser } from "../adapters/compose.js";
import { updateUser } from "../core/customers.js";
import { publicUser } from "../core/users.js";
import { apiHandler } from "./http.js";
import { UserPatch } from "./schemas.js";

const deps = composeCustomerDeps();

export const handler = apiHandler(
  { body: UserPatch, authenticate: composeSignedInUser({ enrollment: true }) },
  async ({ body, user, headers, locale, sourceIp, userAgent, sessionId }) => {
    const otp = body.otp ?? headers["x-otp"];
    const updated = await updateUser(deps, user, {
      ...body,
      ...(otp === undefined ? {} : { otp }),
      locale,
      sourceIp,
      userAgent,
      ...(sessionId === undefined ? {} : { sessionId }),
    });
    return { status: 200, body: publicUser(updated) };
  },
);
