/**
 * `SetAccountState` task: Cozy's `deactivateAutoSuccessfulLogin()` (`HANDLE_LOGIN_SUCCESS`) and
 * `notifySuccessfulLogin()` (`LOGIN_SUCCESS`).
 */
import * as v from "valibot";
import { connectorAccounts } from "../adapters/compose-connectors.js";
import { systemClock } from "../adapters/system.js";
import { setAccountState } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = { accounts: connectorAccounts(), clock: systemClock };

const SetAccountStatePayload = taskPayload({
  state: v.picklist(["HANDLE_LOGIN_SUCCESS", "LOGIN_SUCCESS"]),
});

export const handler = taskHandler("SetAccountState", SetAccountStatePayload, (payload) =>
  setAccountState(deps, payload),
);
