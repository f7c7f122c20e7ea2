/**
 * `DELETE /v1/user/sessions/{id}`: ends one of the signed-in user's sessions (its refresh token
 * and its access tokens at once); 404 for a session that is not theirs or is over.
 */
import { composeAuthenticate, composeSessionDeps } from "../adapters/compose.js";
import { deleteSession } from "../core/sessions.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";

const deps = composeSessionDeps();

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ userId, pathParameters, sourceIp, userAgent }) => {
    await deleteSession(
      deps,
      userId,
      pathParameters.id ?? "",
      requestSource({ sourceIp, userAgent }),
    );
    return { status: 204 };
  },
);
