/**
 * `POST /v1/accounts/{id}/twofa_code` `{code}`: hands the code to the run that waits for it
 * (202), or `no_run_waiting` (409). The one handler allowed to resume a run (`SendTaskSuccess`,
 * granted by infra/api.ts to this file alone); the code is stored sealed on the account, and
 * the run is resumed with a bare "a code arrived", so the code never enters the execution.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts, connectorRunWorkflow } from "../adapters/compose-connectors.js";
import { keyFromSecret } from "../adapters/config.js";
import { eventPublisher } from "../adapters/outbox.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { handInTwoFaCode } from "../core/connectors/api.js";
import { pathId, TwoFaCode } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = {
  clock: systemClock,
  random: systemRandom,
  accounts: connectorAccounts(),
  workflow: connectorRunWorkflow(),
  encryptionKey: keyFromSecret("EncryptionKey"),
  events: eventPublisher(),
};

export const handler = apiHandler(
  { body: TwoFaCode, authenticate: composeAuthenticate() },
  async ({ body, pathParameters, userId }) => {
    await handInTwoFaCode(deps, {
      ownerId: userId,
      accountId: pathId(pathParameters, "account"),
      code: body.code,
    });
    return { status: 202, body: { received: true } };
  },
);
