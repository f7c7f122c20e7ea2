/** `POST /v1/admin/webhook_endpoints`: registers an endpoint; its secret is shown here only. */
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";
import { NewWebhookEndpoint } from "./schemas.js";

const admin = webhookAdmin();

export const handler = apiHandler(
  { admin: adminKeyCheck(), body: NewWebhookEndpoint },
  async ({ body, sourceIp, userAgent }) => {
    return { status: 201, body: await admin.create(body, requestSource({ sourceIp, userAgent })) };
  },
);
