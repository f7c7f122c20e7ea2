/** `SubmitTwoFaCode` task: takes the code the API stored on the account and submits it. */
import * as v from "valibot";
import { composeConnectorTaskDeps } from "../adapters/compose-connectors.js";
import { TWOFA_TYPES } from "../core/connectors/contract.js";
import { submitTwoFaCode } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = composeConnectorTaskDeps();

const SubmitPayload = taskPayload({
  twoFaType: v.picklist(TWOFA_TYPES),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export const handler = taskHandler("SubmitTwoFaCode", SubmitPayload, (payload) =>
  submitTwoFaCode(deps, payload),
);
