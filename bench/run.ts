/**
 * `npm run bench`: numbers that tests must not assert on.
 *
 * 1. Cold start (`cold`): each Lambda entry point, bundled as on deploy, imported in a fresh Node
 *    process (module load and the per-cold-start composition), median of several runs.
 * 2. Storage round trips (`rounds`): DynamoDB and SNS calls per operation (`round-trips.ts`).
 * 3. CPU per operation (`cpu`): process CPU time over a bounded batch, with a profile
 *    (`cpu.ts`).
 * 4. Latency and throughput of the hot paths over HTTP (`http`) against a local stack started
 *    for the run (loopback only, bounded request counts, stops by itself).
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
import { cpuPerOperation } from "./cpu.js";
import { ROUND_LIMIT, roundTrips } from "./round-trips.js";

const ROOT = join(import.meta.dirname, "..");
const COLD_START_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);
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

/** The hello-world handler with a DynamoDB client that every import time is divided by. */
const BASELINE = "bench/baseline-handler";

/**
 * One import of one bundle in a fresh Node process: the wall time and the CPU time (user +
 * system) the import took. The ratios use the CPU time, which other processes on a shared
 * machine do not inflate the way they do the wall time.
 */
async function importOnce(file: string, env: NodeJS.ProcessEnv) {
  const script = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(file)});const w=performance.now()-t,u=process.cpuUsage(c);console.log(w,(u.user+u.system)/1000)`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env,
    cwd: ROOT,
  });
  const [wallMs = Number.NaN, cpuMs = Number.NaN] = stdout.trim().split(" ").map(Number);
  return { wallMs, cpuMs };
}

/**
 * A handler against the baseline, `COLD_START_RUNS` times, each handler import right after a
 * baseline import: the ratio is the median of these pairs', so that a machine that slows down
 * or speeds up during the run (it is shared) moves both sides of each ratio alike.
 */
async function pairedImports(file: string, baselineFile: string, env: NodeJS.ProcessEnv) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const baseCpu: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < COLD_START_RUNS; i++) {
    const base = await importOnce(baselineFile, env);
    const own = await importOnce(file, env);
    wall.push(own.wallMs);
    cpu.push(own.cpuMs);
    baseCpu.push(base.cpuMs);
    ratios.push(own.cpuMs / base.cpuMs);
  }
  return {
    wallMs: median(wall),
    cpuMs: median(cpu),
    baselineCpuMs: median(baseCpu),
    ratio: median(ratios),
  };
}

/** Bundles that load the argon2 binding when they are imported (directly or lazily). */
async function loadsArgon2(file: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const script = `import{createRequire}from"node:module";await import(${JSON.stringify(file)});await new Promise(r=>setTimeout(r,200));const req=createRequire(${JSON.stringify(join(ROOT, "package.json"))});void req;console.log(Object.keys(req.cache).some(k=>k.includes("argon2")))`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env,
    cwd: ROOT,
  });
  return stdout.trim() === "true";
}

async function coldStarts() {
  const outdir = join(ROOT, ".bench", "bundles");
  await mkdir(outdir, { recursive: true });
  const env = { ...process.env, ...resourceEnvironment() };
  const bundled = (handler: string) => bundleHandler(handler, outdir);
  const baseline = await bundled(BASELINE);
  const baselineCpu: number[] = [];
  const rows: {
    handler: string;
    kilobytes: number;
    lazyKilobytes: number;
    wallMs: number;
    cpuMs: number;
    ratio: number;
    argon2: boolean;
  }[] = [];
  const round = (ms: number) => Math.round(ms * 10) / 10;
  for (const handler of entryPoints()) {
    const { bytes, lazyBytes, file } = await bundled(handler);
    const { wallMs, cpuMs, baselineCpuMs, ratio } = await pairedImports(file, baseline.file, env);
    baselineCpu.push(baselineCpuMs);
    rows.push({
      handler,
      kilobytes: Math.round(bytes / 1024),
      lazyKilobytes: Math.round(lazyBytes / 1024),
      wallMs: round(wallMs),
      cpuMs: round(cpuMs),
      ratio: Math.round(ratio * 100) / 100,
      argon2: await loadsArgon2(file, env),
    });
  }
  return {
    baseline: {
      handler: BASELINE,
      kilobytes: Math.round(baseline.bytes / 1024),
      lazyKilobytes: Math.round(baseline.lazyBytes / 1024),
      cpuMs: round(median(baselineCpu)),
    },
    handlers: rows,
  };
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

/** `npm run bench [-- cold|http …]`: every part by default, or the named ones. */
const PARTS = ["cold", "rounds", "cpu", "http"] as const;

async function main() {
  const asked = process.argv.slice(2);
  const wanted = (part: (typeof PARTS)[number]) => asked.length === 0 || asked.includes(part);
  const unknown = asked.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length > 0)
    throw new Error(`unknown part ${unknown.join(", ")}: ${PARTS.join(", ")}`);
  const results: Record<string, unknown> = { node: process.version, at: new Date().toISOString() };
  if (wanted("cold")) {
    const cold = await coldStarts();
    results.coldStart = cold;
    console.log(
      `Cold start: import CPU time over the baseline's (${cold.baseline.handler}, ${cold.baseline.kilobytes} KB, ${cold.baseline.cpuMs} ms CPU); limit 1.10, each ratio the median of ${COLD_START_RUNS} handler/baseline pairs`,
    );
    console.table(cold.handlers.map((r) => ({ ...r, "≤ 1.10": r.ratio <= 1.1 ? "yes" : "NO" })));
  }
  if (wanted("rounds")) {
    const rounds = await roundTrips();
    results.roundTrips = rounds;
    console.log(
      `Storage round trips per operation (one request each); limit ${ROUND_LIMIT} rounds`,
    );
    console.table(
      Object.fromEntries(
        Object.entries(rounds).map(([name, r]) => [
          name,
          { ...r, [`≤ ${ROUND_LIMIT}`]: r.dynamoRounds <= ROUND_LIMIT ? "yes" : "NO" },
        ]),
      ),
    );
  }
  if (wanted("cpu")) {
    const cpu = await cpuPerOperation();
    results.cpu = cpu;
    console.log("CPU per request (user + system, this process), and where it goes");
    for (const [name, r] of Object.entries(cpu)) {
      console.log(
        `${name}: ${r.cpuMsPerRequest} ms CPU per request over ${r.requests}, ${r.cpuMsPerRequestWithoutStandIns} ms without the local stand-ins`,
      );
      console.table(r.profile);
    }
  }
  if (wanted("http")) {
    const { apiUrl, child } = await startStack();
    try {
      results.http = await httpBench(apiUrl);
      console.table(results.http);
    } finally {
      child.kill("SIGTERM");
    }
  }
  await mkdir(join(ROOT, ".bench"), { recursive: true });
  await writeFile(join(ROOT, ".bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
