/**
 * `npm start`: the whole service on this machine, with no AWS account.
 *
 *   npm start                    data kept under .data/ (DynamoDB files, keys.json)
 *   npm start -- --in-memory     nothing kept (also LOCAL_IN_MEMORY=1)
 *   PORT=4000 npm start          API port (default 3000; 0 picks a free one)
 *
 * Every SMS and email the service "sends" is printed here in full: this terminal is the
 * phone and the mailbox. Prints `LOCAL_STACK_READY {json}` once serving (the tests wait for it).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { connectorRunsService } from "./connector-runs.js";
import { describe } from "./lambda.js";
import {
  type ExtraServiceStarter,
  LOCAL_RESOURCES,
  type LocalMessage,
  type LocalStack,
  PROJECT_ROOT,
  SDK_NODE_VERSION_NOTICE,
  startLocalStack,
} from "./stack.js";

/**
 * HOOK: local stand-ins started with the stack, before the API server: the connector-run state
 * machine on the local Step Functions service (infra/local/stepfunctions/), which sets
 * `AWS_ENDPOINT_URL_SFN` for the handlers.
 */
const EXTRA_SERVICES: readonly ExtraServiceStarter[] = [
  connectorRunsService(LOCAL_RESOURCES.connectorRunsArn),
];

const DEFAULT_PORT = 3000;
const USAGE = "usage: tsx infra/local/start.ts [--in-memory]   (env: PORT, LOCAL_IN_MEMORY=1)";

function log(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);
}

function parseOptions(): { inMemory: boolean; port: number } {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== "--in-memory");
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
  const rawPort = process.env.PORT?.trim() || String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65_535) {
    throw new Error(`PORT must be a port number (0 picks a free one), got "${rawPort}"`);
  }
  return { inMemory: args.includes("--in-memory") || process.env.LOCAL_IN_MEMORY === "1", port };
}

/** The deliberate exception to "no codes in logs": locally, this is the user's phone. */
function printMessage(message: LocalMessage): void {
  const time = message.sentAt.slice(11, 19);
  const heading =
    message.channel === "sms"
      ? `SMS to ${message.to} (${time})`
      : `Email to ${message.to} (${time}): ${message.subject}`;
  const rule = "-".repeat(Math.min(72, heading.length + 8));
  console.log(`\n---- ${heading} ----\n${message.body}\n${rule}\n`);
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }

  let stack: LocalStack | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    if (!stack) return; // still starting: main() stops it as soon as it is up
    log(`${signal}: stopping the local stack`);
    try {
      await stack.stop();
      process.exit(0);
    } catch (error) {
      console.error(describe(error));
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  // Started by a test run with an IPC channel: do not outlive it if it dies without stopping us.
  if (process.send) {
    process.once("disconnect", () => {
      if (!stopping) void shutdown("parent exited");
    });
  }
  // A handler's stray rejection must not take the whole local stack down with it.
  process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${describe(reason)}`));

  const dataDir = options.inMemory ? null : join(PROJECT_ROOT, ".data");
  const started = Date.now();
  log(`starting the local stack (${dataDir ? `data in ${dataDir}` : "in memory"})`);
  if (SDK_NODE_VERSION_NOTICE) log(SDK_NODE_VERSION_NOTICE);
  try {
    stack = await startLocalStack({
      dataDir,
      port: options.port,
      log,
      onMessage: printMessage,
      extraServices: EXTRA_SERVICES,
    });
  } catch (error) {
    const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
    console.error(
      inUse
        ? `The local stack did not start: port ${options.port} is in use; set PORT to another port (0 picks a free one).`
        : `The local stack did not start: ${error instanceof Error ? error.message : error}`,
    );
    process.exit(1);
  }
  if (stopping) {
    await stack.stop();
    process.exit(0);
  }

  const { apiUrl, endpoints, tableName } = stack;
  const home = existsSync(join(PROJECT_ROOT, "web", "index.html"))
    ? `${apiUrl}/`
    : "(none yet: web/index.html does not exist)";
  console.log(
    [
      "",
      `  API          ${apiUrl}`,
      `  Home page    ${home}`,
      `  Messages     ${apiUrl}/_local/messages`,
      `  SES viewer   ${endpoints.ses}/`,
      `  DynamoDB     ${endpoints.dynamodb}  (table ${tableName})`,
      `  SNS          ${endpoints.sns}`,
      ...(endpoints.sfn ? [`  Step Funcs   ${endpoints.sfn}`] : []),
      // The local stack's own key (kept in .data/keys.json): the admin API's X-Admin-Api-Key.
      `  Admin key    ${stack.adminApiKey}`,
      "",
      `  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. SMS and email appear below. Ctrl-C stops.`,
      "",
    ].join("\n"),
  );
  const extraEndpoints = Object.fromEntries(
    Object.entries(endpoints)
      .filter(([name]) => !["dynamodb", "ses", "sns"].includes(name))
      .map(([name, url]) => [`${name}Endpoint`, url]),
  );
  console.log(
    `LOCAL_STACK_READY ${JSON.stringify({
      apiUrl,
      dynamoEndpoint: endpoints.dynamodb,
      tableName,
      sesEndpoint: endpoints.ses,
      snsEndpoint: endpoints.sns,
      adminApiKey: stack.adminApiKey,
      ...extraEndpoints,
    })}`,
  );
}

await main();
