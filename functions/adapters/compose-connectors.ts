/**
 * Composition for connector accounts and runs: the API handlers and the Step Functions task
 * handlers each take only the builders their links allow (`Resource.X` of a resource that is
 * not linked throws in Lambda).
 */

import type { Connector } from "../core/connector-sdk.js";
import type { ConnectorName } from "../core/connectors/model.js";
import type { ConnectorTaskDeps, WaitTaskDeps } from "../core/connectors/tasks.js";
import { ConfigError, keyFromSecret, resources } from "./config.js";
import { dynamoConnectorAccountStore } from "./connector-account-store.js";
import { sfnConnectorRunWorkflow } from "./connector-runs.js";
import { demoConnector } from "./demo-connector.js";
import { eventPublisher } from "./outbox.js";
import { systemClock, systemRandom } from "./system.js";
import { dynamoUserStore } from "./user-store.js";

/** Links `Table`. */
export function connectorAccounts() {
  return dynamoConnectorAccountStore(resources.tableName());
}

/** Links `ConnectorRuns`. */
export function connectorRunWorkflow() {
  return sfnConnectorRunWorkflow(resources.connectorRunsArn());
}

/**
 * The demo connector's target: `CONNECTOR_DEMO_TARGET_URL`, an http(s) base URL (this API's
 * own URL by default: the local stack sets it once the API serves). Read at each call rather
 * than at the cold start, so a task function imported before the API listened still finds it.
 */
function demoTargetUrl(): string {
  const raw = process.env.CONNECTOR_DEMO_TARGET_URL;
  if (!raw) throw new ConfigError("CONNECTOR_DEMO_TARGET_URL is not set");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("CONNECTOR_DEMO_TARGET_URL must be an http(s) URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError("CONNECTOR_DEMO_TARGET_URL must be an http(s) URL");
  }
  return url.href;
}

function installedConnectors(): Record<ConnectorName, Connector> {
  return { demo: demoConnector({ targetUrl: demoTargetUrl, clock: systemClock }) };
}

/** Login, SubmitTwoFaCode and Fetch: links `Table` and `EncryptionKey`. */
export function composeConnectorTaskDeps(): ConnectorTaskDeps {
  return {
    clock: systemClock,
    random: systemRandom,
    accounts: connectorAccounts(),
    encryptionKey: keyFromSecret("EncryptionKey"),
    connectors: installedConnectors(),
  };
}

/** WaitForTwoFaCode: links `Table`, `Events` and `EncryptionKey`. */
export function composeWaitTaskDeps(): WaitTaskDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    accounts: dynamoConnectorAccountStore(table),
    encryptionKey: keyFromSecret("EncryptionKey"),
    users: dynamoUserStore(table),
    events: eventPublisher(),
  };
}
