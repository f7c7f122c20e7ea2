/**
 * `POST /v1/accounts`: a connector account `{connector, auth: {login, password}}`. The
 * credentials are sealed at rest and never returned.
 */
import * as v from "valibot";
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { keyFromSecret } from "../adapters/config.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { createAccount } from "../core/connectors/api.js";
import { publicAccount } from "../core/connectors/model.js";
import { apiHandler } from "./http.js";
import { text } from "./schemas.js";

const deps = {
  clock: systemClock,
  random: systemRandom,
  accounts: connectorAccounts(),
  encryptionKey: keyFromSecret("EncryptionKey"),
};

const NewAccount = v.object({
  connector: text(64),
  auth: v.object({ login: text(256), password: text(256) }),
});

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
