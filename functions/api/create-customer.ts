/** `POST /v1/customers`: registration, with the verification code of the TFA contact. */
import * as v from "valibot";
import { composeCustomerDeps } from "../adapters/compose.js";
import { registerCustomer } from "../core/customers.js";
import { publicUser, SELECTABLE_AUTH_METHODS } from "../core/users.js";
import { apiHandler } from "./http.js";
import { text } from "./schemas.js";

const deps = composeCustomerDeps();

const Registration = v.object({
  username: text(64),
  password: text(256),
  authMethod: v.optional(v.picklist(SELECTABLE_AUTH_METHODS)),
  phoneNumber: v.optional(text(32)),
  phoneVerificationCode: v.optional(text(16)),
  email: v.optional(text(254)),
  emailVerificationCode: v.optional(text(16)),
});

export const handler = apiHandler({ body: Registration }, async ({ body, locale }) => {
  const user = await registerCustomer(deps, { ...body, locale });
  return { status: 201, body: publicUser(user) };
});
