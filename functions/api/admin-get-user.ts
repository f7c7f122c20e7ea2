/** `GET /v1/admin/users/{id}`: a user's factors, lock, sessions and devices; never a secret. */
import { composeAdminViewDeps } from "../adapters/compose.js";
import { viewUser } from "../core/admin.js";
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { apiHandler } from "./http.js";

const deps = composeAdminViewDeps();

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ pathParameters, sourceIp, userAgent }) => ({
    status: 200,
    body: await viewUser(deps, String(pathParameters.id), requestSource({ sourceIp, userAgent })),
  }),
);
