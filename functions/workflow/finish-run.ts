/**
 * `FinishRun` task: every run passes here at its end. The account records when the run ended
 * and the Cozy error it failed with, and keeps no wait, code or task token.
 */
import * as v from "valibot";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { systemClock } from "../adapters/system.js";
import { CONNECTOR_RUN_ERROR_NAMES } from "../core/connectors/contract.js";
import { finishRun } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = { accounts: connectorAccounts(), clock: systemClock };

const FinishRunPayload = taskPayload({
  error: v.nullable(v.picklist(CONNECTOR_RUN_ERROR_NAMES)),
});

export const handler = taskHandler("FinishRun", FinishRunPayload, (payload) =>
  finishRun(deps, payload),
);
