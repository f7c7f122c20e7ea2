/**
 * Bundles every Lambda entry point on its own with esbuild, with the options SST's Node runtime
 * builds a function with on deploy (sst `pkg/runtime/node/build.go`: ESM, `module` before
 * `main`, `keepNames`, target esnext, its banner, minified as `nodejs.minify` defaults to) and
 * this service's `nodejs` arguments (`infra/nodejs.ts`: code splitting, the argon2 binding
 * installed rather than bundled), and reports each bundle's size: `npm run bundle` (writes
 * dist/bundle-sizes.json). Every statically imported byte is parsed on each cold start, so this
 * is where a heavy dependency shows; a chunk reached only by `await import()` is read when a
 * request first needs it.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";
import { CONNECTOR_TASKS } from "../infra/connector-run.asl.js";
import { NATIVE_PACKAGES, NODEJS_BUNDLING } from "../infra/nodejs.js";
import { ROUTES, SCHEDULED, STREAM_SUBSCRIBERS, SUBSCRIBERS } from "../infra/routes.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");

/** SST's banner: `require`, `__filename` and `__dirname` for the CommonJS a bundle holds. */
const SST_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
  "",
].join("\n");

/** Every entry point: API routes, topic, stream and scheduled subscribers, workflow tasks. */
export function entryPoints(): string[] {
  const all = [
    ...ROUTES.map((r) => r.handler),
    ...SUBSCRIBERS.map((s) => s.handler),
    ...STREAM_SUBSCRIBERS.map((s) => s.handler),
    ...SCHEDULED.map((s) => s.handler),
    ...Object.values(CONNECTOR_TASKS).map((t) => t.handler),
  ];
  return [...new Set(all)];
}

export interface BundleReport {
  handler: string;
  /** The entry file, absolute. */
  file: string;
  /** What a cold start reads: the entry file and the chunks it imports statically. */
  bytes: number;
  /** Chunks reached only through `await import()`, read when first needed. */
  lazyBytes: number;
  /** The npm packages (and external modules) a cold start reads. */
  coldPackages: string[];
  /** The npm packages only chunks of `await import()` hold. */
  lazyPackages: string[];
}

/** `node_modules/@scope/name/…` → `@scope/name`; null for the service's own files. */
function packageOf(input: string): string | null {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? null;
}

/** The files an output imports statically, itself included (paths as in the metafile). */
function staticClosure(outputs: Metafile["outputs"], entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of outputs[path]?.imports ?? []) {
      if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
    }
  };
  visit(entry);
  return seen;
}

/**
 * Bundles one handler into `outdir/<handler>/` as SST would; `write: false` only reports what
 * the bundle holds.
 */
export async function bundleHandler(
  handler: string,
  outdir: string,
  { write = true } = {},
): Promise<BundleReport> {
  const dir = join(outdir, handler.replaceAll("/", "__"));
  if (write) await rm(dir, { recursive: true, force: true });
  const result = await build({
    write,
    absWorkingDir: ROOT,
    entryPoints: [`${handler}.ts`],
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    splitting: NODEJS_BUNDLING.splitting,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "esnext",
    mainFields: ["module", "main"],
    keepNames: true,
    minify: true,
    metafile: true,
    logLevel: "silent",
    external: [...NATIVE_PACKAGES],
    banner: { js: SST_BANNER },
  });
  const outputs = result.metafile.outputs;
  // Chunks of `await import()` are entry points too: the handler's is the one of its source.
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === `${handler}.ts`);
  if (entry === undefined) throw new Error(`${handler}: esbuild wrote no entry point`);
  const cold = staticClosure(outputs, entry);
  let bytes = 0;
  let lazyBytes = 0;
  const coldPackages = new Set<string>();
  const lazyPackages = new Set<string>();
  for (const [path, output] of Object.entries(outputs)) {
    if (cold.has(path)) bytes += output.bytes;
    else lazyBytes += output.bytes;
    const packages = cold.has(path) ? coldPackages : lazyPackages;
    for (const input of Object.keys(output.inputs)) {
      const name = packageOf(input);
      if (name !== null) packages.add(name);
    }
    if (cold.has(path)) {
      for (const imported of output.imports) {
        if (imported.external && imported.kind === "import-statement") {
          coldPackages.add(imported.path);
        }
      }
    }
  }
  for (const name of coldPackages) lazyPackages.delete(name);
  return {
    handler,
    file: join(ROOT, entry),
    bytes,
    lazyBytes,
    coldPackages: [...coldPackages].sort(),
    lazyPackages: [...lazyPackages].sort(),
  };
}

async function main() {
  const outdir = join(ROOT, "dist", "bundles");
  await mkdir(outdir, { recursive: true });
  const reports: BundleReport[] = [];
  for (const handler of entryPoints()) reports.push(await bundleHandler(handler, outdir));
  reports.sort((a, b) => a.handler.localeCompare(b.handler));
  await writeFile(
    join(ROOT, "dist", "bundle-sizes.json"),
    `${JSON.stringify(
      reports.map(({ handler, file, bytes, lazyBytes }) => ({
        handler,
        file: relative(ROOT, file),
        bytes,
        lazyBytes,
      })),
      null,
      2,
    )}\n`,
  );
  for (const r of reports) {
    const lazy = r.lazyBytes > 0 ? ` (+${(r.lazyBytes / 1024).toFixed(0)} KB on demand)` : "";
    process.stdout.write(`${(r.bytes / 1024).toFixed(0).padStart(6)} KB  ${r.handler}${lazy}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
