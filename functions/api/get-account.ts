/**
 * `GET /v1/accounts/{id}`: the account with its Cozy state, how its last run ended, and
 * `twoFa` while a run waits for a code; nothing secret.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { systemClock } from "../adapters/system.js";
import { ownedAccount } from "../core/connectors/api.js";
import { publicAccount } from "../core/connectors/model.js";
import { pathId } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = { accounts: connectorAccounts(), clock: systemClock };

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ pathParameters, userId }) => ({
    status: 200,
    body: publicAccount(
      await ownedAccount(deps, userId, pathId(pathParameters, "account")),
      deps.clock.nowMs(),
    ),
  }),
);
