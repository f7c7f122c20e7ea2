/** `DELETE /v1/admin/webhook_endpoints/{id}`: no more deliveries to it (its pending ones fail). */
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const admin = webhookAdmin();

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ pathParameters, sourceIp, userAgent }) => {
    await admin.remove(String(pathParameters.id), requestSource({ sourceIp, userAgent }));
    return { status: 204 };
  },
);
