/**
 * Vitest global setup of the tiers that need the local stack (integration, api, browser): one
 * stack (`infra/local/start.ts --in-memory`) for the whole run, in a child process, as a person
 * would start it, shared by every project that lists this setup. Tests reach it through
 * `inject(...)` and the helpers of `test/support/local.ts`. The unit tier does not list it, so
 * `npm run test:unit` starts no stack and no Java.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ProvidedContext } from "vitest";
import type { TestProject } from "vitest/node";
import { localAwsEnvironment, PROJECT_ROOT } from "../../infra/local/stack.js";

/**
 * Settings for the service under test, on top of the inherited environment: the place for
 * shorter timeouts and smaller budgets that keep the tests fast.
 */
export const LOCAL_TEST_ENV: Readonly<Record<string, string>> = {
  // The connector run's wait for a 2FA code (3 minutes by default).
  CONNECTOR_TWOFA_TIMEOUT_SECONDS: "4",
  // A short resend cooldown lets a test ask for a second code without waiting 30 s.
  CODE_RESEND_COOLDOWN_SECONDS: "2",
  // Every test request comes from 127.0.0.1: the per-IP budget must not be what they hit.
  CODE_MAX_SENDS_PER_IP: "1000",
  SMS_DAILY_BUDGET: "100000",
  // The password limits are unit-tested on their own, all but the one per username and source,
  // which keeps its default (test/api/abuse-limits.test.ts): only failures count.
  PASSWORD_MAX_ATTEMPTS_PER_USERNAME: "10000",
  PASSWORD_MAX_ATTEMPTS_PER_IP: "100000",
  // Every API test registers its users from 127.0.0.1; the registration limit is unit-tested.
  REGISTRATION_MAX_PER_IP: "100000",
};

const READY_MARKER = "LOCAL_STACK_READY ";
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_DIR = join(PROJECT_ROOT, ".data", "test-logs");
/**
 * One file per run: several runs may share the tree, and one truncating another's log would
 * garble what `readLogs()` returns. `latest.log` links to the newest for people.
 */
const LOG_FILE = join(LOG_DIR, `local-stack-${process.pid}.log`);
const LATEST_LOG_LINK = join(LOG_DIR, "latest.log");
const OLD_LOG_AGE_MS = 24 * 60 * 60 * 1000;

interface ReadyLine {
  apiUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  sesEndpoint: string;
  snsEndpoint: string;
  sfnEndpoint?: string;
  adminApiKey: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    apiUrl: string;
    dynamoEndpoint: string;
    tableName: string;
    sesEndpoint: string;
    snsEndpoint: string;
    /** The local stack's admin API key (`X-Admin-Api-Key`). */
    adminApiKey: string;
    /** The local stack's output (stdout and stderr) for this run. */
    logFile: string;
    /**
     * AWS_* endpoints, dummy credentials and the non-secret `SST_RESOURCE_*` variables, for
     * tests that run adapters in the test process against the local services.
     */
    localEnv: Record<string, string>;
  }
}

/** What every project sharing the stack is given. */
type StackContext = ProvidedContext;

interface SharedStack {
  context: Promise<StackContext>;
  users: number;
  stop: () => Promise<void>;
}

/**
 * Vitest runs a project's global setup once per project: the projects of one run share the
 * stack through this process-wide slot, and the last one to finish stops it.
 */
const SHARED = Symbol.for("twofa.local-stack");
type SharedSlot = { [SHARED]?: SharedStack };

export default async function setup(project: TestProject) {
  const slot = globalThis as SharedSlot;
  let shared = slot[SHARED];
  if (!shared) {
    let stop: () => Promise<void> = async () => {};
    const context = startStack().then((started) => {
      stop = started.stop;
      return started.context;
    });
    shared = { context, users: 0, stop: () => stop() };
    slot[SHARED] = shared;
  }
  shared.users += 1;
  const context = await shared.context;
  for (const key of Object.keys(context) as (keyof StackContext)[]) {
    project.provide(key, context[key] as never);
  }
  const owner = shared;
  return async () => {
    owner.users -= 1;
    if (owner.users > 0) return;
    delete slot[SHARED];
    await owner.stop();
  };
}

async function startStack(): Promise<{ context: StackContext; stop: () => Promise<void> }> {
  prepareLogDir();
  const logStream = createWriteStream(LOG_FILE, { flags: "w" });
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "infra/local/start.ts", "--in-memory"],
    {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: "0", ...LOCAL_TEST_ENV },
      // The IPC channel lets the stack stop itself if this process dies without a teardown.
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  child.stdout?.pipe(logStream, { end: false });
  child.stderr?.pipe(logStream, { end: false });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  let ready: ReadyLine;
  try {
    ready = await waitForReadyLine(child);
  } catch (error) {
    await stopChild(child, exited);
    await new Promise<void>((resolve) => logStream.end(resolve));
    const tail = await logTail();
    throw new Error(
      `${error instanceof Error ? error.message : error}\n--- ${LOG_FILE} (tail) ---\n${tail}`,
    );
  }

  const context: StackContext = {
    apiUrl: ready.apiUrl,
    dynamoEndpoint: ready.dynamoEndpoint,
    tableName: ready.tableName,
    sesEndpoint: ready.sesEndpoint,
    snsEndpoint: ready.snsEndpoint,
    adminApiKey: ready.adminApiKey,
    logFile: LOG_FILE,
    localEnv: localAwsEnvironment(
      {
        dynamodb: ready.dynamoEndpoint,
        ses: ready.sesEndpoint,
        sns: ready.snsEndpoint,
        ...(ready.sfnEndpoint ? { sfn: ready.sfnEndpoint } : {}),
      },
      ready.tableName,
    ),
  };
  return {
    context,
    stop: async () => {
      await stopChild(child, exited);
      await new Promise<void>((resolve) => logStream.end(resolve));
    },
  };
}

function waitForReadyLine(child: ChildProcess): Promise<ReadyLine> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`The local stack was not ready within ${READY_TIMEOUT_MS / 1000} s.`));
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      const line = lines.find((l) => l.startsWith(READY_MARKER));
      if (line === undefined) return;
      finish();
      try {
        resolve(JSON.parse(line.slice(READY_MARKER.length)) as ReadyLine);
      } catch {
        reject(new Error(`Unreadable ready line: ${line}`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      finish();
      reject(
        new Error(`The local stack exited before it was ready (${signal ?? `code ${code}`}).`),
      );
    };
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function prepareLogDir(): void {
  mkdirSync(LOG_DIR, { recursive: true });
  for (const name of readdirSync(LOG_DIR)) {
    const file = join(LOG_DIR, name);
    if (
      /^local-stack(-\d+)?\.log$/.test(name) &&
      Date.now() - statSync(file).mtimeMs > OLD_LOG_AGE_MS
    ) {
      rmSync(file, { force: true });
    }
  }
  try {
    rmSync(LATEST_LOG_LINK, { force: true });
    symlinkSync(basename(LOG_FILE), LATEST_LOG_LINK);
  } catch {
    // Another run started at the same moment and made the link first: either is fine.
  }
}

async function logTail(lines = 60): Promise<string> {
  try {
    return (await readFile(LOG_FILE, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
