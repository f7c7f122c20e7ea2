/**
 * Bundles every Lambda entry point on its own with esbuild, as SST does on deploy, and reports
 * each bundle's size: `npm run bundle` (writes dist/bundle-sizes.json). Every import is paid on
 * each cold start, so this is where a heavy dependency shows.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { CONNECTOR_TASKS } from "../infra/connector-run.asl.js";
import { ROUTES, SUBSCRIBERS } from "../infra/routes.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");

/** Every entry point: API routes, topic subscribers and workflow tasks (one each). */
export function entryPoints(): string[] {
  const all = [
    ...ROUTES.map((r) => r.handler),
    ...SUBSCRIBERS.map((s) => s.handler),
    ...Object.values(CONNECTOR_TASKS).map((t) => t.handler),
  ];
  return [...new Set(all)];
}

export interface BundleReport {
  handler: string;
  bytes: number;
}

/** Bundles one handler (ESM, minified, Node 22 target, like SST's defaults). */
export async function bundleHandler(handler: string, outdir: string): Promise<BundleReport> {
  const outfile = join(outdir, `${handler.replaceAll("/", "__")}.mjs`);
  const result = await build({
    entryPoints: [join(ROOT, `${handler}.ts`)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    minify: true,
    metafile: true,
    logLevel: "silent",
    // The argon2 binding is native: Lambda gets it installed beside the bundle (nodejs.install).
    external: ["@node-rs/argon2"],
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  const output = Object.values(result.metafile.outputs)[0];
  return { handler, bytes: output?.bytes ?? 0 };
}

async function main() {
  const outdir = join(ROOT, "dist", "bundles");
  await mkdir(outdir, { recursive: true });
  const reports: BundleReport[] = [];
  for (const handler of entryPoints()) reports.push(await bundleHandler(handler, outdir));
  reports.sort((a, b) => a.handler.localeCompare(b.handler));
  await writeFile(join(ROOT, "dist", "bundle-sizes.json"), `${JSON.stringify(reports, null, 2)}\n`);
  for (const r of reports) {
    process.stdout.write(`${(r.bytes / 1024).toFixed(0).padStart(6)} KB  ${r.handler}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
