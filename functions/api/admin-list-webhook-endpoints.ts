/** `GET /v1/admin/webhook_endpoints`: every endpoint, without its secret. */
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const admin = webhookAdmin();

export const handler = apiHandler({ admin: adminKeyCheck() }, async ({ sourceIp, userAgent }) => {
  return { status: 200, body: await admin.list(requestSource({ sourceIp, userAgent })) };
});
