/** `PATCH /v1/user`: change the TFA method, phone or email (with codes and step-up). */
import { composeCustomerDeps, composeSignedInUser } from "../adapters/compose.js";
import { updateUser } from "../core/customers.js";
import { publicUser } from "../core/users.js";
import { apiHandler } from "./http.js";
import { UserPatch } from "./schemas.js";

const deps = composeCustomerDeps();

export const handler = apiHandler(
  { body: UserPatch, authenticate: composeSignedInUser() },
  async ({ body, user, headers, locale, sourceIp }) => {
    const otp = body.otp ?? headers["x-otp"];
    const updated = await updateUser(deps, user, {
      ...body,
      ...(otp === undefined ? {} : { otp }),
      locale,
      sourceIp,
    });
    return { status: 200, body: publicUser(updated) };
  },
);
