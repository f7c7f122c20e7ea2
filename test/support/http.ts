/**
 * A small HTTP client for the API tests: JSON or form bodies, raw text kept for byte checks.
 * Every response of an API operation is held to `docs/openapi.json` before the test sees it.
 */
import { createTwoFaClient, type Middleware, type TwoFaClient } from "twofa-service/client";
import { apiUrl } from "./local.js";
import { assertConforms } from "./openapi.js";

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: {
    json?: unknown;
    form?: Record<string, string>;
    token?: string;
    headers?: Record<string, string>;
    raw?: string;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.json !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${apiUrl()}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  assertConforms({ method, path, status: response.status, headers: response.headers, text });
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, text, body: parsed as T };
}

const rawTexts = new WeakMap<Response, string>();

/**
 * The same check for the typed client (`client/`), as its middleware; it also keeps each
 * response's raw text for byte comparisons (`rawText`).
 */
const conformance: Middleware = {
  async onResponse({ request, response }) {
    const url = new URL(request.url);
    const text = await response.clone().text();
    rawTexts.set(response, text);
    assertConforms({
      method: request.method,
      path: url.pathname + url.search,
      status: response.status,
      headers: response.headers,
      text,
    });
  },
};

/** The typed client against the local stack, every answer checked against the document. */
export function apiClient(accessToken?: string): TwoFaClient {
  return createTwoFaClient({
    baseUrl: apiUrl(),
    middleware: [conformance],
    ...(accessToken === undefined ? {} : { accessToken }),
  });
}

/** The body of a response the client received, byte for byte. */
export function rawText(response: Response): string {
  const text = rawTexts.get(response);
  if (text === undefined) throw new Error("this response did not come through apiClient()");
  return text;
}

export const post = (path: string, json: unknown, extra: Parameters<typeof call>[2] = {}) =>
  call("POST", path, { ...extra, json });

let counter = 0;
/** A valid, unused French mobile number per call (the allowlist includes FR). */
export function freshPhone(): string {
  counter += 1;
  const n = (Date.now() * 1000 + process.pid * 37 + counter * 7919) % 100_000_000;
  return `+336${String(n).padStart(8, "0")}`;
}

export function freshEmail(): string {
  counter += 1;
  return `user${Date.now().toString(36)}${process.pid}${counter}@example.com`;
}

export function freshUsername(): string {
  counter += 1;
  return `user_${Date.now().toString(36)}_${process.pid}_${counter}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
