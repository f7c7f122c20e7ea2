/**
 * The local stack's API reference page, `GET /docs`: Redoc (installed from npm, served from
 * `node_modules`, nothing from a CDN) rendering `GET /openapi.json`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const DOCS_PATH = "/docs";
/**
 * The page may load from this server only. Redoc's footer links a logo on its CDN; the policy
 * keeps the browser from fetching it (Redoc then shows no logo). Redoc styles with inline
 * `<style>` and searches in a blob worker.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");
const DOCS_SCRIPT_PATH = "/docs/redoc.standalone.js";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Two-factor authentication service — API reference</title>
    <style>body { margin: 0; }</style>
  </head>
  <body>
    <redoc spec-url="/openapi.json" hide-hostname="false"></redoc>
    <script src="${DOCS_SCRIPT_PATH}"></script>
  </body>
</html>
`;

/** What the local server answers for `path`, or undefined when it is not the reference's. */
export async function docsAsset(
  root: string,
  path: string,
): Promise<{ headers: Record<string, string>; body: string | Buffer } | undefined> {
  if (path === DOCS_PATH) {
    return {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": CONTENT_SECURITY_POLICY,
      },
      body: PAGE,
    };
  }
  if (path === DOCS_SCRIPT_PATH) {
    const file = join(root, "node_modules", "redoc", "bundles", "redoc.standalone.js");
    return {
      headers: { "content-type": "text/javascript; charset=utf-8" },
      body: await readFile(file),
    };
  }
  return undefined;
}
