/**
 * `DELETE /v1/user/devices/{id}`: forgets one of the signed-in user's remembered devices (its
 * next login asks for the second factor); 404 for a device that is not theirs.
 */
import { composeAuthenticate, composeSessionDeps } from "../adapters/compose.js";
import { forgetDevice } from "../core/devices.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";

const deps = composeSessionDeps();

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ userId, pathParameters, sourceIp, userAgent }) => {
    await forgetDevice(
      deps,
      userId,
      pathParameters.id ?? "",
      requestSource({ sourceIp, userAgent }),
    );
    return { status: 204 };
  },
);
