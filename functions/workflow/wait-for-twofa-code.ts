/**
 * `WaitForTwoFaCode` task (`lambda:invoke.waitForTaskToken`): Cozy's `waitForTwoFaCode()` up to
 * the wait. Stores the task token sealed on the account, sets `TWOFA_NEEDED[_RETRY].<TYPE>`,
 * tells the owner, and returns; the state then waits until `POST /v1/accounts/{id}/twofa_code`
 * resumes it, or its `TimeoutSeconds` ends the run with `USER_ACTION_NEEDED.TWOFA_EXPIRED`.
 */
import * as v from "valibot";
import { composeWaitTaskDeps } from "../adapters/compose-connectors.js";
import { TWOFA_TYPES } from "../core/connectors/contract.js";
import { waitForTwoFaCode } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = composeWaitTaskDeps();

const WaitPayload = taskPayload({
  twoFaType: v.picklist(TWOFA_TYPES),
  retry: v.boolean(),
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  maxAttempts: v.pipe(v.number(), v.integer(), v.minValue(1)),
  timeoutSeconds: v.pipe(v.number(), v.integer(), v.minValue(1)),
  taskToken: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
});

export const handler = taskHandler("WaitForTwoFaCode", WaitPayload, (payload) =>
  waitForTwoFaCode(deps, payload),
);
