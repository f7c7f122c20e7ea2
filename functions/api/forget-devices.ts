/** `DELETE /v1/user/devices`: forgets every remembered device of the signed-in user. */
import { composeAuthenticate, composeSessionDeps } from "../adapters/compose.js";
import { forgetDevices } from "../core/devices.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";

const deps = composeSessionDeps();

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ userId, sourceIp, userAgent }) => {
    await forgetDevices(deps, userId, requestSource({ sourceIp, userAgent }));
    return { status: 204 };
  },
);
