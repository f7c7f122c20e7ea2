/** `Fetch` task: the connector's data; the session is saved sealed as it is at the end. */
import { composeConnectorTaskDeps } from "../adapters/compose-connectors.js";
import { fetchData } from "../core/connectors/tasks.js";
import { taskHandler, taskPayload } from "./task.js";

const deps = composeConnectorTaskDeps();

export const handler = taskHandler("Fetch", taskPayload({}), (payload) => fetchData(deps, payload));
