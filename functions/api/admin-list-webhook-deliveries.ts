/** `GET /v1/admin/webhook_endpoints/{id}/deliveries`: each delivery's state and attempts. */
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const checkKey = adminKeyCheck();
const admin = webhookAdmin();

export const handler = apiHandler({}, async ({ headers, pathParameters }) => {
  checkKey(headers);
  return { status: 200, body: await admin.deliveries(String(pathParameters.id)) };
});
