/** `GET /v1/admin/webhook_endpoints/{id}/deliveries`: each delivery's state and attempts. */
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { webhookAdmin } from "./admin-webhook-endpoints.js";
import { apiHandler } from "./http.js";

const admin = webhookAdmin();

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ pathParameters, sourceIp, userAgent }) => {
    return {
      status: 200,
      body: await admin.deliveries(
        String(pathParameters.id),
        requestSource({ sourceIp, userAgent }),
      ),
    };
  },
);
