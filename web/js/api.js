// @ts-check
/** The API client: same-origin calls, the signed-in user's bearer token, refusals explained. */
import { keepTokens, session } from "./session.js";

/**
 * An HTTP answer. `body` is the parsed JSON (`{}` when there is none); `missing` says the
 * route does not exist on this server (yet).
 * @typedef {object} ApiResult
 * @property {boolean} ok
 * @property {number} status 0 when the API cannot be reached
 * @property {any} body
 * @property {boolean} missing
 */

/**
 * A refusal, from `/v1`'s `{error, error_description}` or the DocSpace paths'
 * `{error: {message, type}}`.
 * @typedef {{ code?: string, description?: string, field?: string, [detail: string]: unknown }} Refusal
 */

export const UNAVAILABLE = "This server does not have this endpoint yet (404).";

/**
 * One call to the API. Never throws for an HTTP answer.
 * @param {string} method
 * @param {string} path
 * @param {{ json?: unknown, auth?: boolean }} [options]
 * @returns {Promise<ApiResult>}
 */
export async function api(method, path, { json, auth = false } = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  if (json !== undefined) headers["content-type"] = "application/json";
  if (auth && session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: json === undefined ? null : JSON.stringify(json),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return {
      ok: false,
      status: 0,
      body: { error_description: "The API cannot be reached." },
      missing: false,
    };
  }
  const text = await response.text();
  /** @type {any} */
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  const missing =
    response.status === 404 &&
    // The local server's answer for a path without a route, and API Gateway's.
    (/^No route for /.test(body?.error_description ?? "") || body?.message === "Not Found");
  return { ok: response.ok, status: response.status, body, missing };
}

/**
 * A call as the signed-in user; an expired access token is refreshed once.
 * @param {string} method
 * @param {string} path
 * @param {{ json?: unknown }} [options]
 * @returns {Promise<ApiResult>}
 */
export async function authed(method, path, options = {}) {
  const first = await api(method, path, { ...options, auth: true });
  if (first.status !== 401 || !session.refreshToken) return first;
  const refreshed = await api("POST", "/v1/token", {
    json: { grant_type: "refresh_token", refresh_token: session.refreshToken },
  });
  if (!refreshed.ok) return first;
  keepTokens(refreshed.body);
  return api(method, path, { ...options, auth: true });
}

/**
 * @param {any} body
 * @returns {Refusal}
 */
export function errorOf(body) {
  const error = body?.error;
  if (error && typeof error === "object")
    return { ...error, code: error.type, description: error.message };
  return { ...body, code: error, description: body?.error_description ?? body?.message };
}

/**
 * `error_description (error) [field]`, the way the API explains a refusal.
 * @param {ApiResult} result
 * @returns {string}
 */
export function explain(result) {
  if (result.status === 0) return String(result.body.error_description);
  const error = errorOf(result.body);
  const description = error.description ?? `HTTP ${result.status}`;
  const field = error.field ? ` [${error.field}]` : "";
  return error.code ? `${description} (${error.code})${field}` : description;
}
