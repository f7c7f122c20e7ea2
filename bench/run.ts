/**
 * `npm run bench`: numbers that tests must not assert on.
 *
 * 1. Cold start: each Lambda entry point, bundled as on deploy, imported in a fresh Node
 *    process (module load and the per-cold-start composition), median of several runs.
 * 2. Latency and throughput of the hot paths over HTTP against a local stack started for the
 *    run (loopback only, bounded request counts, stops by itself).
 *
 * Results go to stdout and `.bench/results.json`.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { LINKABLES } from "../infra/routes.js";
import { bundleHandler, entryPoints } from "../scripts/bundle.js";

const ROOT = join(import.meta.dirname, "..");
const COLD_START_RUNS = 5;
const run = promisify(execFile);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Linked resources as SST's `Resource` reads them, with throwaway keys. */
function resourceEnvironment(): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: "us-east-1",
    SST_RESOURCE_App: '{"name":"twofa","stage":"bench"}',
  };
  for (const name of LINKABLES) {
    env[`SST_RESOURCE_${name}`] = JSON.stringify({
      name: "bench",
      arn: "arn:aws:sns:us-east-1:000000000000:bench",
      sender: "bench@example.com",
      value: randomBytes(32).toString("base64url"),
    });
  }
  return env;
}

async function coldStarts() {
  const outdir = join(ROOT, ".bench", "bundles");
  await mkdir(outdir, { recursive: true });
  const env = { ...process.env, ...resourceEnvironment() };
  const rows: { handler: string; kilobytes: number; importMs: number }[] = [];
  for (const handler of entryPoints()) {
    const { bytes } = await bundleHandler(handler, outdir);
    const file = join(outdir, `${handler.replaceAll("/", "__")}.mjs`);
    const script = `const t=performance.now();await import(${JSON.stringify(file)});console.log(performance.now()-t)`;
    const times: number[] = [];
    for (let i = 0; i < COLD_START_RUNS; i++) {
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
        env,
        cwd: ROOT,
      });
      times.push(Number(stdout.trim()));
    }
    rows.push({
      handler,
      kilobytes: Math.round(bytes / 1024),
      importMs: Math.round(median(times) * 10) / 10,
    });
  }
  return rows;
}

async function startStack(): Promise<{ apiUrl: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "infra/local/start.ts", "--in-memory"],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", CODE_MAX_SENDS_PER_IP: "1000", SMS_DAILY_BUDGET: "100000" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("local stack not ready in 90 s")), 90_000);
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split("\n").find((l) => l.startsWith("LOCAL_STACK_READY "));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line.slice(18)) as { apiUrl: string }).apiUrl);
      }
    });
    child.once("exit", () => reject(new Error("local stack exited")));
  });
  child.stdout?.resume();
  return { apiUrl, child };
}

/** `total` requests, `concurrency` at a time; latency of each in ms. */
async function load(total: number, concurrency: number, request: (i: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        const response = await request(i);
        await response.arrayBuffer();
        if (!response.ok) failures++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: total,
    failures,
    perSecond: Math.round(total / seconds),
    p50Ms: Math.round(percentile(latencies, 50)),
    p95Ms: Math.round(percentile(latencies, 95)),
  };
}

async function httpBench(apiUrl: string) {
  const json = (body: unknown) => ({
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const tag = Date.now() % 1_000_000;
  const username = `bench_${tag}`;
  await fetch(`${apiUrl}/v1/customers`, json({ username, password: "bench password 123" }));
  return {
    "POST /v1/phone_verification_codes": await load(200, 8, (i) =>
      fetch(
        `${apiUrl}/v1/phone_verification_codes`,
        json({
          phoneNumber: `+336${String(tag * 1000 + i)
            .padStart(8, "0")
            .slice(-8)}`,
        }),
      ),
    ),
    "POST /v1/token (right password, argon2id)": await load(60, 4, () =>
      fetch(
        `${apiUrl}/v1/token`,
        json({ grant_type: "password", username, password: "bench password 123" }),
      ),
    ),
    // These two must cost the same: timing must not tell unknown users from wrong passwords.
    "POST /v1/token (wrong password)": await load(60, 4, () =>
      fetch(
        `${apiUrl}/v1/token`,
        json({ grant_type: "password", username, password: "not the password" }),
      ),
    ),
    "POST /v1/token (unknown user)": await load(60, 4, () =>
      fetch(
        `${apiUrl}/v1/token`,
        json({ grant_type: "password", username: "nobody_here", password: "bench password 123" }),
      ),
    ),
  };
}

async function main() {
  const results: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };
  results.coldStart = await coldStarts();
  console.table(results.coldStart);
  const { apiUrl, child } = await startStack();
  try {
    results.http = await httpBench(apiUrl);
    console.table(results.http);
  } finally {
    child.kill("SIGTERM");
  }
  await mkdir(join(ROOT, ".bench"), { recursive: true });
  await writeFile(join(ROOT, ".bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
