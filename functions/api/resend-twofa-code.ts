/**
 * `POST /v1/accounts/{id}/twofa_code/resend`: a new code for the run that waits (202), when its
 * connector's vendor sends one on login; `no_run_waiting` (409) when none waits,
 * `twofa_resend_unavailable` (409) after three in one run. The run's wait ends with a resend
 * signal (`SendTaskFailure`, granted by infra/api.ts to this file and the code handler alone)
 * and the run logs in again.
 */
import { composeAuthenticate } from "../adapters/compose.js";
import { connectorAccounts, connectorRunWorkflow } from "../adapters/compose-connectors.js";
import { keyFromSecret } from "../adapters/config.js";
import { systemClock } from "../adapters/system.js";
import { resendTwoFaCode } from "../core/connectors/api.js";
import { pathId } from "./connector-schemas.js";
import { apiHandler } from "./http.js";

const deps = {
  clock: systemClock,
  accounts: connectorAccounts(),
  workflow: connectorRunWorkflow(),
  encryptionKey: keyFromSecret("EncryptionKey"),
};

export const handler = apiHandler(
  { authenticate: composeAuthenticate() },
  async ({ pathParameters, userId }) => {
    await resendTwoFaCode(deps, { ownerId: userId, accountId: pathId(pathParameters, "account") });
    return { status: 202, body: { resending: true } };
  },
);
