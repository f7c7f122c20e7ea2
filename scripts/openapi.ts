/**
 * Writes `docs/openapi.json` from the route table and the handlers' schemas, and the client's
 * types (`client/schema.d.ts`, openapi-typescript) from it: `npm run openapi`. A test fails
 * when either is stale.
 */
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { buildDocument } from "../infra/openapi/document.js";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
export const DOCUMENT_PATH = join(ROOT, "docs", "openapi.json");
export const CLIENT_TYPES_PATH = join(ROOT, "client", "schema.d.ts");

/** `text` as `npm run format` leaves a file at `path`, so that formatting never makes it stale. */
function formatted(path: string, text: string): string {
  return execFileSync(
    join(ROOT, "node_modules", ".bin", "biome"),
    ["format", `--stdin-file-path=${path}`],
    { cwd: ROOT, input: text, encoding: "utf8" },
  );
}

/** The document as committed. */
export async function renderDocument(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
  return formatted(DOCUMENT_PATH, JSON.stringify(buildDocument({ version: pkg.version }), null, 2));
}

/** The client's types for a document, formatted as the repository formats TypeScript. */
export async function renderClientTypes(document: string): Promise<string> {
  const types = astToString(await openapiTS(JSON.parse(document) as never));
  const header = "/** Generated from docs/openapi.json by `npm run openapi`: do not edit. */\n";
  return formatted(CLIENT_TYPES_PATH, header + types);
}

async function main() {
  const document = await renderDocument();
  await writeFile(DOCUMENT_PATH, document);
  await writeFile(CLIENT_TYPES_PATH, await renderClientTypes(document));
  process.stdout.write(`wrote ${DOCUMENT_PATH} and ${CLIENT_TYPES_PATH}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
