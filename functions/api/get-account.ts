/** `GET /v1/accounts/{id}`: the account with its Cozy state; nothing secret. */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { ownedAccount, publicAccount } from "../core/connectors.js";
import { pathId } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = { accounts: connectorAccounts() };

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ pathParameters, userId }) => ({
    status: 200,
    body: publicAccount(await ownedAccount(deps, userId, pathId(pathParameters, "account"))),
  }),
);
