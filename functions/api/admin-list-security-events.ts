/**
 * `GET /v1/admin/security_events?cursor=`: the admin audit log (every admin action), newest
 * first, a page at a time; reading it is an admin action too.
 */
import { resources } from "../adapters/config.js";
import { eventPublisher } from "../adapters/outbox.js";
import { dynamoAdminAuditLogStore } from "../adapters/security-log-store.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { listAdminAuditLog } from "../core/admin.js";
import { requestSource } from "../core/tokens.js";
import { adminKeyCheck } from "./admin-auth.js";
import { apiHandler } from "./http.js";

const deps = {
  clock: systemClock,
  random: systemRandom,
  log: dynamoAdminAuditLogStore(resources.tableName()),
  events: eventPublisher(resources.tableName()),
};

export const handler = apiHandler(
  { admin: adminKeyCheck() },
  async ({ query, sourceIp, userAgent }) => ({
    status: 200,
    body: await listAdminAuditLog(deps, query.cursor, requestSource({ sourceIp, userAgent })),
  }),
);
