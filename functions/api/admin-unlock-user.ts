/** `POST /v1/admin/users/{id}/unlock`: ends a lock and re-enables the disabled factors. */
import { composeAdminUnlockDeps } from "../adapters/compose.js";
import { unlockUser } from "../core/admin.js";
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { apiHandler } from "./http.js";

const deps = composeAdminUnlockDeps();

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ pathParameters, sourceIp, userAgent }) => {
    await unlockUser(deps, String(pathParameters.id), requestSource({ sourceIp, userAgent }));
    return { status: 204 };
  },
);
