/** `POST /v1/customers`: registration, with the verification code of the TFA contact. */
import { composeCustomerDeps } from "../adapters/compose.js";
import { registerCustomer } from "../core/customers.js";
import { publicUser } from "../core/users.js";
import { apiHandler } from "./http.js";
import { Registration } from "./schemas.js";

const deps = composeCustomerDeps();

export const handler = apiHandler({ body: Registration }, async ({ body, locale, sourceIp }) => {
  const user = await registerCustomer(deps, { ...body, locale, sourceIp });
  return { status: 201, body: publicUser(user) };
});
