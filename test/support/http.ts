/** A small HTTP client for the API tests: JSON or form bodies, raw text kept for byte checks. */
import { apiUrl } from "./local.js";

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
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = {};
  }
  return { status: response.status, headers: response.headers, text, body: parsed as T };
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
