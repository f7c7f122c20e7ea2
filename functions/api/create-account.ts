/**
 * `POST /v1/accounts`: a connector account `{connector, auth: {login, password}}`. The
 * credentials are sealed at rest and never returned.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { keyFromSecret } from "../adapters/config.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { createAccount } from "../core/connectors/api.js";
import { publicAccount } from "../core/connectors/model.js";
import { NewAccount } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = {
  clock: systemClock,
  random: systemRandom,
  accounts: connectorAccounts(),
  encryptionKey: keyFromSecret("EncryptionKey"),
};

export const handler = apiHandler(
  { body: NewAccount, authenticate: composeAuthenticate() },
  async ({ body, userId }) => {
    const account = await createAccount(deps, { ownerId: userId, ...body });
    return {
      status: 201,
      body: publicAccount(account, deps.clock.nowMs()),
      headers: { location: `/v1/accounts/${account.id}` },
    };
  },
);
