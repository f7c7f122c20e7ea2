/** `GET /v1/runs/{id}`: `{status: running | succeeded | failed, error}` with Cozy error names. */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts, connectorRunWorkflow } from "../adapters/compose-connectors.js";
import { getRun } from "../core/connectors/api.js";
import { pathId } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = { accounts: connectorAccounts(), workflow: connectorRunWorkflow() };

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ pathParameters, userId }) => ({
    status: 200,
    body: await getRun(deps, { ownerId: userId, runId: pathId(pathParameters, "run") }),
  }),
);
