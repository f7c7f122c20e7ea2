/** `DELETE /v1/admin/webhook_endpoints/{id}`: no more deliveries to it (its pending ones fail). */
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const checkKey = adminKeyCheck();
const admin = webhookAdmin();

export const handler = apiHandler({}, async ({ headers, pathParameters }) => {
  checkKey(headers);
  await admin.remove(String(pathParameters.id));
  return { status: 204 };
});
