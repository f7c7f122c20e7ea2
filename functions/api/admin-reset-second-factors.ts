/**
 * `POST /v1/admin/users/{id}/reset_second_factors`: removes every second factor, ends every
 * session, forgets every device and tells the user on every channel they have.
 */
import { composeAdminResetDeps } from "../adapters/compose.js";
import { resetSecondFactors } from "../core/admin.js";
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { apiHandler } from "./http.js";

const deps = composeAdminResetDeps();

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ pathParameters, sourceIp, userAgent }) => ({
    status: 200,
    body: await resetSecondFactors(
      deps,
      String(pathParameters.id),
      requestSource({ sourceIp, userAgent }),
    ),
  }),
);
