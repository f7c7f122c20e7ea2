/** `PATCH /v1/user`: change the TFA method, phone or email (with codes and step-up). */
import * as v from "valibot";
import { composeCustomerDeps, composeSignedInUser } from "../adapters/compose.js";
import { updateUser } from "../core/customers.js";
import { publicUser, SELECTABLE_AUTH_METHODS } from "../core/users.js";
import { apiHandler } from "./http.js";
import { text } from "./schemas.js";

const deps = composeCustomerDeps();

const UserPatch = v.object({
  authMethod: v.optional(v.picklist(SELECTABLE_AUTH_METHODS)),
  phoneNumber: v.optional(text(32)),
  phoneVerificationCode: v.optional(text(16)),
  email: v.optional(text(254)),
  emailVerificationCode: v.optional(text(16)),
  otp: v.optional(v.pipe(v.string(), v.maxLength(64))),
});

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
