/**
 * API Gateway (HTTP API, payload 2.0) stand-in: serves the rows of ROUTES by building the event
 * API Gateway would build and calling the same handler modules Lambda runs.
 */
import { randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve, sep } from "node:path";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { type CorsConfig, corsConfig } from "../cors.js";
import { docsAsset } from "../openapi/docs-page.js";
import { type HttpMethod, ROUTES, type Route, routeKey } from "../routes.js";
import {
  createLambdaContext,
  describe,
  type LambdaHandler,
  LOCAL_ACCOUNT_ID,
  lazyHandler,
  localFunctionName,
} from "./lambda.js";
import type { EmailMessage } from "./ses.js";
import type { SmsMessage } from "./sns.js";

export type LocalMessage = SmsMessage | EmailMessage;

/** A safety net only: API Gateway's own cap is 10 MB, the handlers enforce a smaller limit. */
const MAX_BODY_BYTES = 1024 * 1024;
/** API Gateway HTTP API gives up on an integration after 30 s. */
const INTEGRATION_TIMEOUT_MS = 30_000;
const MESSAGES_PATH = "/_local/messages";

export interface ApiServerOptions {
  /** Project root: handler modules and `web/` are found from here. */
  readonly root: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly messages: () => Promise<LocalMessage[]>;
  readonly routes?: readonly Route[];
  readonly log?: (line: string) => void;
  /** Cross-origin access as API Gateway's CORS configuration has it; from the environment by default. */
  readonly cors?: CorsConfig | null;
}

export interface ApiServer {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.log ?? (() => {});
  const routes = (options.routes ?? ROUTES).map((route) => ({
    route,
    key: routeKey(route),
    pattern: compilePath(route.path),
    load: lazyHandler(options.root, route.handler),
    functionName: localFunctionName(route.handler),
  }));
  const webDir = resolve(options.root, "web");
  const webAuthnBrowserDir = resolve(options.root, WEBAUTHN_BROWSER_DIR);
  const cors = options.cors === undefined ? corsConfig(process.env) : options.cors;
  let port = 0; // known once listening; events carry it in `x-forwarded-port`

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(
        `api: ${request.method} ${pathOf(request)} failed in the local server: ${describe(error)}`,
      );
      if (!response.headersSent) sendJson(response, 500, { error: "internal_error" });
      else response.destroy();
    });
  });
  // Node would answer `Expect: 100-continue` before we can refuse an oversized body.
  server.on("checkContinue", (request, response) => server.emit("request", request, response));

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const path = url.pathname;
    if (cors && applyCors(cors, request, response)) return;

    const matching = routes.flatMap((entry) => {
      const pathParameters = entry.pattern(path);
      return pathParameters ? [{ ...entry, pathParameters }] : [];
    });
    if (matching.length > 0) {
      const match = matching.find((entry) => entry.route.method === method);
      if (!match) return methodNotAllowed(response, method, path, matching.map(methodOf));
      const body = await readBody(request, response);
      if (body === undefined) return;
      const started = Date.now();
      const event = buildEvent(request, url, match.key, match.pathParameters, body, port);
      const status = await invoke(match, event, response, log);
      log(`api: ${match.key} → ${status} (${Date.now() - started} ms)`);
      return;
    }

    if (path === MESSAGES_PATH) {
      if (method !== "GET") return methodNotAllowed(response, method, path, ["GET"]);
      const to = url.searchParams.get("to");
      const all = await options.messages();
      return sendJson(response, 200, to === null ? all : all.filter((m) => m.to === to));
    }

    const docs = method === "GET" ? await docsAsset(options.root, path) : undefined;
    if (docs) {
      response.writeHead(200, {
        ...docs.headers,
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      response.end(docs.body);
      return;
    }

    if ((method === "GET" || method === "HEAD") && (await serveStatic(webDir, path, response))) {
      return;
    }
    if (
      (method === "GET" || method === "HEAD") &&
      path.startsWith(WEBAUTHN_BROWSER_PATH) &&
      (await serveStatic(
        webAuthnBrowserDir,
        path.slice(WEBAUTHN_BROWSER_PATH.length - 1),
        response,
      ))
    ) {
      return;
    }
    sendJson(response, 404, {
      error: "not_found",
      error_description: `No route for ${method} ${path}`,
    });
  };

  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolveClose, reject) => {
      server.close((error) => (error ? reject(error) : resolveClose()));
      server.closeAllConnections();
    });
    return stopped;
  };
  return { url: `http://127.0.0.1:${port}`, stop };
}

type PathPattern = (path: string) => Record<string, string> | undefined;

/** `/v1/sign_ins/{id}` and greedy `{proxy+}` as API Gateway matches them, segment by segment. */
function compilePath(template: string): PathPattern {
  const parts = template.split("/").slice(1);
  return (path) => {
    const segments = path.split("/").slice(1);
    const parameters: Record<string, string> = {};
    for (const [index, part] of parts.entries()) {
      const greedy = /^\{(.+)\+\}$/.exec(part)?.[1];
      if (greedy !== undefined) {
        const rest = segments.slice(index);
        if (rest.length === 0 || rest.every((s) => s === "")) return undefined;
        parameters[greedy] = rest.map(decodeSegment).join("/");
        return parameters;
      }
      const segment = segments[index];
      if (segment === undefined || segment === "") return undefined;
      const name = /^\{(.+)\}$/.exec(part)?.[1];
      if (name !== undefined) parameters[name] = decodeSegment(segment);
      else if (decodeSegment(segment) !== part) return undefined;
    }
    return segments.length === parts.length ? parameters : undefined;
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * What API Gateway does with a CORS configuration: it answers every preflight itself (with the
 * CORS headers when the origin is allowed, without them otherwise) and adds the CORS headers to
 * the answers of allowed origins. `true` when the request was a preflight and is answered.
 */
function applyCors(cors: CorsConfig, request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin;
  const allowed = origin !== undefined && cors.allowOrigins.includes(origin);
  if (allowed) {
    response.setHeader("access-control-allow-origin", origin);
    response.setHeader("vary", "origin");
  }
  const preflight =
    request.method === "OPTIONS" && request.headers["access-control-request-method"] !== undefined;
  if (!preflight) {
    if (allowed) response.setHeader("access-control-expose-headers", cors.exposeHeaders.join(","));
    return false;
  }
  if (allowed) {
    response.setHeader("access-control-allow-methods", cors.allowMethods.join(","));
    response.setHeader("access-control-allow-headers", cors.allowHeaders.join(","));
    response.setHeader("access-control-max-age", String(cors.maxAgeSeconds));
  }
  response.writeHead(204);
  response.end();
  return true;
}

function methodOf(entry: { route: Route }): HttpMethod {
  return entry.route.method;
}

function methodNotAllowed(
  response: ServerResponse,
  method: string,
  path: string,
  allowed: readonly string[],
) {
  response.setHeader("allow", [...new Set(allowed)].join(", "));
  sendJson(response, 405, {
    error: "method_not_allowed",
    error_description: `${method} is not allowed on ${path}`,
  });
}

/** The body, or `undefined` when it was too large and a 413 has been sent. */
function readBody(request: IncomingMessage, response: ServerResponse): Promise<Buffer | undefined> {
  const refuse = () => {
    response.setHeader("connection", "close");
    sendJson(response, 413, { error: "payload_too_large" });
  };
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    refuse();
    return Promise.resolve(undefined);
  }
  // Only now, with the size known to be acceptable, invite the client to send the body.
  if (request.headers.expect?.toLowerCase() === "100-continue") response.writeContinue();
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      // Keep draining (not destroying) the upload, or the 413 would be lost with the socket.
      request.off("data", onData).off("end", onEnd).resume();
      refuse();
      resolveBody(undefined);
    };
    const onEnd = () => resolveBody(Buffer.concat(chunks));
    request.on("data", onData).once("end", onEnd).once("error", reject);
  });
}

function buildEvent(
  request: IncomingMessage,
  url: URL,
  key: string,
  pathParameters: Record<string, string>,
  body: Buffer,
  port: number,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(",");
  }
  // Payload 2.0 moves cookies out of the headers.
  const cookieHeader = headers.cookie;
  delete headers.cookie;
  const cookies = cookieHeader
    ?.split(";")
    .map((cookie) => cookie.trim())
    .filter(Boolean);

  const sourceIp = (request.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
  // API Gateway appends the caller's address to whatever X-Forwarded-For the caller sent, which
  // is why handlers must read `requestContext.http.sourceIp` instead.
  headers["x-forwarded-for"] = headers["x-forwarded-for"]
    ? `${headers["x-forwarded-for"]}, ${sourceIp}`
    : sourceIp;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-port"] = String(port);

  const rawQueryString = url.search.slice(1);
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    const previous = queryStringParameters[name];
    queryStringParameters[name] = previous === undefined ? value : `${previous},${value}`;
  }

  const isBase64Encoded = body.length > 0 && !isTextContentType(headers["content-type"]);
  const now = new Date();
  const domainName = headers.host ?? `127.0.0.1:${port}`;
  return {
    version: "2.0",
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: "local",
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: {
        method: request.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: "$default",
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: body.toString(isBase64Encoded ? "base64" : "utf8") } : {}),
    isBase64Encoded,
  };
}

/** Text travels as is; anything else (or no type at all) as base64, like API Gateway's binary. */
function isTextContentType(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!type) return false;
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type.endsWith("+json") ||
    type === "application/x-www-form-urlencoded" ||
    type === "application/xml" ||
    type.endsWith("+xml") ||
    type === "application/javascript" ||
    type === "application/graphql"
  );
}

/** `12/Mar/2020:19:03:58 +0000`, the format of `requestContext.time`. */
function apiGatewayTime(date: Date): string {
  const months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(" ");
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(
    date.getUTCHours(),
  )}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

interface MatchedRoute {
  readonly key: string;
  readonly route: Route;
  readonly functionName: string;
  readonly load: () => Promise<LambdaHandler>;
}

/** Calls the handler and writes its answer; returns the status sent. */
async function invoke(
  match: MatchedRoute,
  event: APIGatewayProxyEventV2,
  response: ServerResponse,
  log: (line: string) => void,
): Promise<number> {
  const requestId = event.requestContext.requestId;
  response.setHeader("apigw-requestid", requestId);
  let handler: LambdaHandler;
  try {
    handler = await match.load();
  } catch (error) {
    log(`api: ${match.key}: cannot load ${match.route.handler}.ts: ${describe(error)}`);
    return sendJson(response, 500, { error: "internal_error" });
  }
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout("timeout"), INTEGRATION_TIMEOUT_MS);
  });
  try {
    const context = createLambdaContext(match.functionName, INTEGRATION_TIMEOUT_MS);
    const result = await Promise.race([handler(event as never, context), timedOut]);
    if (result === "timeout") {
      log(`api: ${match.key}: no answer within ${INTEGRATION_TIMEOUT_MS / 1000} s`);
      return sendJson(response, 503, { error: "service_unavailable" });
    }
    return writeResult(response, result);
  } catch (error) {
    // The stack, never the event: bodies carry passwords and codes.
    log(`api: ${match.key}: handler threw: ${describe(error)}`);
    return sendJson(response, 500, { error: "internal_error" });
  } finally {
    clearTimeout(timer);
  }
}

interface StructuredResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** Headers Node computes itself; a handler's copy would contradict the body we send. */
const HOP_BY_HOP = new Set(["content-length", "transfer-encoding", "connection"]);

function writeResult(response: ServerResponse, returned: unknown): number {
  // Lambda serialises what a handler returns: `undefined` header values vanish on the way.
  const result: unknown = returned === undefined ? null : JSON.parse(JSON.stringify(returned));
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    // API Gateway's inference for payload 2.0: anything without a statusCode is a 200 JSON body.
    const body = typeof result === "string" ? result : (JSON.stringify(result) ?? "");
    response.writeHead(200, { "content-type": "application/json" });
    response.end(body);
    return 200;
  }
  const structured = result as StructuredResult;
  const headers = new Map<string, string[]>();
  const add = (name: string, value: string | number | boolean) => {
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower)) headers.set(lower, [...(headers.get(lower) ?? []), String(value)]);
  };
  for (const [name, values] of Object.entries(structured.multiValueHeaders ?? {})) {
    for (const value of values) add(name, value);
  }
  for (const [name, value] of Object.entries(structured.headers ?? {})) add(name, value);
  for (const cookie of structured.cookies ?? []) add("set-cookie", cookie);
  for (const [name, values] of headers) {
    response.setHeader(name, name === "set-cookie" ? values : values.join(","));
  }
  const body = structured.body ?? "";
  response.statusCode = structured.statusCode;
  response.end(structured.isBase64Encoded ? Buffer.from(body, "base64") : body);
  return structured.statusCode;
}

/**
 * The local server's own answers (404, 405, 413, 5xx), never cached like the handlers' answers.
 * (API Gateway's own answers — `{"message":"Not Found"}` for a route it does not have, which is
 * also what it answers for a method a path lacks — carry no Cache-Control, and an HTTP API
 * cannot change them.)
 */
function sendJson(response: ServerResponse, status: number, value: unknown): number {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
  return status;
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
};

/**
 * `@simplewebauthn/browser`'s ES modules, from node_modules as `/docs` serves Redoc: the Home
 * page's passkey ceremonies load it from here, nothing from a CDN.
 */
const WEBAUTHN_BROWSER_PATH = "/vendor/simplewebauthn-browser/";
const WEBAUTHN_BROWSER_DIR = "node_modules/@simplewebauthn/browser/esm";

/** Serves a file under `web/` if the path names one; `false` when there is none. */
async function serveStatic(webDir: string, path: string, response: ServerResponse) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  const relative = decoded.endsWith("/") ? `${decoded}index.html` : decoded;
  // No dotfiles, no NUL bytes, no backslashes: none belong in a URL for a page's assets.
  if (/\0|\\|\/\./.test(relative)) return false;
  const file = resolve(webDir, `.${relative}`);
  if (!file.startsWith(webDir + sep)) return false;
  try {
    if (!(await stat(file)).isFile()) return false;
    const content = await readFile(file);
    response.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
      "content-length": content.length,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    response.end(content);
    return true;
  } catch {
    return false;
  }
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? "/").split("?")[0] ?? "/";
}
