/** `GET /v1/admin/webhook_endpoints`: every endpoint, without its secret. */
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const checkKey = adminKeyCheck();
const admin = webhookAdmin();

export const handler = apiHandler({}, async ({ headers }) => {
  checkKey(headers);
  return { status: 200, body: await admin.list() };
});
