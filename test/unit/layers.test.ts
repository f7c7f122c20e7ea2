/**
 * The layering of functions/: core is the domain and imports nothing that runs it — no
 * `infra/`, no AWS SDK, no middy, no adapter and no handler (API, workflow or event). Every
 * import specifier of every .ts file under functions/core/ is read with TypeScript's own
 * scanner (static, dynamic, `import type` and `export … from` alike).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const CORE = path.join(ROOT, "functions/core");

/** Folders core must not reach into, relative to the repository root. */
const FORBIDDEN_FOLDERS = [
  "infra",
  "functions/adapters",
  "functions/api",
  "functions/workflow",
  "functions/events",
];
/** Packages core must not import. */
const FORBIDDEN_PACKAGES = [/^@aws-sdk\//, /^@middy\//, /^aws-lambda$/, /^sst(\/|$)/];

function tsFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** What is wrong with `specifier` imported by the file at `file`; `null` when nothing is. */
function violation(file: string, specifier: string): string | null {
  if (specifier.startsWith(".")) {
    const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
    const folder = FORBIDDEN_FOLDERS.find(
      (forbidden) => target === forbidden || target.startsWith(`${forbidden}/`),
    );
    return folder === undefined ? null : `${specifier} (in ${folder}/)`;
  }
  return FORBIDDEN_PACKAGES.some((pattern) => pattern.test(specifier)) ? specifier : null;
}

function violationsOf(file: string, source: string): string[] {
  return importSpecifiers(source)
    .map((specifier) => violation(file, specifier))
    .filter((found): found is string => found !== null);
}

describe("core's imports", () => {
  const files = tsFilesUnder(CORE);

  it("reads every file of functions/core, the connector contract included", () => {
    const relative = files.map((file) => path.relative(ROOT, file));
    expect(relative).toContain("functions/core/errors.ts");
    expect(relative).toContain("functions/core/connectors/contract.ts");
  });

  it("reach no infra/, AWS SDK, middy, adapter or handler module", () => {
    const found = files.flatMap((file) =>
      violationsOf(file, readFileSync(file, "utf8")).map(
        (problem) => `${path.relative(ROOT, file)} imports ${problem}`,
      ),
    );
    expect(found).toEqual([]);
  });

  it("would be caught in every form an import takes", () => {
    const file = path.join(CORE, "connectors/example.ts");
    const source = [
      'import { a } from "../../../infra/connector-run.asl.js";',
      'import type { B } from "../../adapters/dynamo.js";',
      'export { c } from "../../api/http.js";',
      'const d = await import("../../workflow/task.js");',
      'import { SFNClient } from "@aws-sdk/client-sfn";',
      'import middy from "@middy/core";',
      'import { ok } from "../errors.js";',
      'import * as v from "valibot";',
    ].join("\n");
    expect(violationsOf(file, source)).toEqual([
      "../../../infra/connector-run.asl.js (in infra/)",
      "../../adapters/dynamo.js (in functions/adapters/)",
      "../../api/http.js (in functions/api/)",
      "../../workflow/task.js (in functions/workflow/)",
      "@aws-sdk/client-sfn",
      "@middy/core",
    ]);
  });
});

/**
 * What each Lambda function's cold start reads, from its bundle as SST builds it (code
 * splitting: a chunk reached only by `await import()` is read when a request first needs it).
 * Heavy libraries that only some requests need stay out of every cold start, and out of the
 * bundles of the functions that never use them.
 */
describe("what each function's cold start reads", async () => {
  const { bundleHandler, entryPoints } = await import("../../scripts/bundle.js");
  const reports = new Map<string, Awaited<ReturnType<typeof bundleHandler>>>();

  const bundles = async () => {
    if (reports.size > 0) return reports;
    const handlers = entryPoints();
    // A few at a time: esbuild uses every core for each build.
    for (let i = 0; i < handlers.length; i += 4) {
      const batch = await Promise.all(
        handlers
          .slice(i, i + 4)
          .map((handler) =>
            bundleHandler(handler, path.join(ROOT, "dist/bundles"), { write: false }),
          ),
      );
      for (const report of batch) reports.set(report.handler, report);
    }
    return reports;
  };
  const holding = (
    bundled: Map<string, { coldPackages: string[]; lazyPackages: string[] }>,
    name: string,
    where: "cold" | "any",
  ) =>
    [...bundled]
      .filter(([, r]) =>
        where === "cold"
          ? r.coldPackages.includes(name)
          : r.coldPackages.includes(name) || r.lazyPackages.includes(name),
      )
      .map(([handler]) => handler)
      .sort();

  it("loads no library at a cold start that only some requests need", {
    timeout: 180_000,
  }, async () => {
    const bundled = await bundles();
    expect(bundled.size).toBe(entryPoints().length);
    for (const name of [
      "@simplewebauthn/server",
      "@node-rs/argon2",
      "otplib",
      "@otplib/core",
      "jose",
      "@middy/core",
    ]) {
      expect(holding(bundled, name, "cold"), name).toEqual([]);
    }
  });

  it("bundles the WebAuthn library only where a passkey response is verified", {
    timeout: 180_000,
  }, async () => {
    expect(holding(await bundles(), "@simplewebauthn/server", "any")).toEqual([
      "functions/api/attempt-sign-in-first-factor",
      "functions/api/attempt-sign-in-second-factor",
      "functions/api/create-passkey",
    ]);
  });

  it("reads phone-number metadata at a cold start only where every request needs it", {
    timeout: 180_000,
  }, async () => {
    expect(holding(await bundles(), "libphonenumber-js", "cold")).toEqual([
      "functions/api/create-phone-verification-code",
    ]);
  });

  it("bundles the QR-code renderer only for the authenticator setup", {
    timeout: 180_000,
  }, async () => {
    expect(holding(await bundles(), "qrcode", "any")).toEqual(["functions/api/tfa-app-setup"]);
  });
});
