/** `GET /v1/user/sessions`: the signed-in user's live sessions; `current` marks the caller's. */
import { composeAuthenticate, composeSessionListDeps } from "../adapters/compose.js";
import { listSessions } from "../core/sessions.js";
import { apiHandler } from "./http.js";

const deps = composeSessionListDeps();

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ userId, sessionId }) => ({
    status: 200,
    body: { sessions: await listSessions(deps, userId, sessionId) },
  }),
);
