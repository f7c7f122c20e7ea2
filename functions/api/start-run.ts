/**
 * `POST /v1/accounts/{id}/runs` `{manual}`: starts a connector run (a Step Functions
 * execution); one at a time per account (`run_in_progress`). `manual` absent: a background run.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts, connectorRunWorkflow } from "../adapters/compose-connectors.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { startRun } from "../core/connectors/api.js";
import { NewRun, pathId } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = {
  clock: systemClock,
  random: systemRandom,
  accounts: connectorAccounts(),
  workflow: connectorRunWorkflow(),
};

export const handler = apiHandler(
  { body: NewRun, authenticate: composeAuthenticate() },
  async ({ body, pathParameters, userId }) => {
    const run = await startRun(deps, {
      ownerId: userId,
      accountId: pathId(pathParameters, "account"),
      manual: body.manual,
    });
    return { status: 201, body: run, headers: { location: `/v1/runs/${run.id}` } };
  },
);
