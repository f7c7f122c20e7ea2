/** `Login` task: the saved session first, then the credentials; `LOGGED_IN` or `TWOFA_NEEDED`. */
import * as v from "valibot";
import { composeConnectorTaskDeps } from "../adapters/compose-connectors.js";
import { logIn } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = composeConnectorTaskDeps();

/** The execution input: `manual` absent counts as a background run. */
const LoginPayload = taskPayload({ manual: v.optional(v.boolean(), false) });

export const handler = taskHandler("Login", LoginPayload, (payload) => logIn(deps, payload));
