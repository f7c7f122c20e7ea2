/** `GET /v1/user/devices`: the signed-in user's remembered devices, most recently used first. */
import { composeAuthenticate, composeSessionDeps } from "../adapters/compose.js";
import { listDevices } from "../core/devices.js";
import { apiHandler } from "./http.js";

const deps = composeSessionDeps();

export const handler = apiHandler({ authenticate: composeAuthenticate() }, async ({ userId }) => ({
  status: 200,
  body: { devices: await listDevices(deps, userId) },
}));
