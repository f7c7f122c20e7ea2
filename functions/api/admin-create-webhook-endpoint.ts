/** `POST /v1/admin/webhook_endpoints`: registers an endpoint; its secret is shown here only. */
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";
import { NewWebhookEndpoint } from "./schemas.js";

const checkKey = adminKeyCheck();
const admin = webhookAdmin();

export const handler = apiHandler({ body: NewWebhookEndpoint }, async ({ body, headers }) => {
  checkKey(headers);
  return { status: 201, body: await admin.create(body) };
});
