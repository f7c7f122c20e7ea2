/**
 * `GET /v1/user/security_events?cursor=`: the signed-in user's security log, newest first, a
 * page at a time; `nextCursor` asks for the next (older) page.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { resources } from "../adapters/config.js";
import { dynamoSecurityLogStore } from "../adapters/security-log-store.js";
import { listSecurityEvents } from "../core/security-log.js";
import { apiHandler } from "./http.js";

const deps = { log: dynamoSecurityLogStore(resources.tableName()) };

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ query, userId }) => ({
    status: 200,
    body: await listSecurityEvents(deps, userId, query.cursor),
  }),
);
