/**
 * The demo connector (`connector: "demo"`). Its vendor is a Freshcom-style site: by default this
 * service's own API, so the whole 2FA loop runs on one machine.
 *
 * - login: `POST {target}/v1/token` `grant_type=password`; `otp_required` → 2FA needed, typed
 *   by `auth_method` (`tfa_sms` → `sms`, `tfa_email` → `email`, `totp` → `app_code`);
 * - submitTwoFaCode: the same request with `otp`; `invalid_otp` → a wrong code;
 * - the session is the refresh token (with the last access token, to spare a rotation);
 * - testSession: a `refresh_token` grant, which rotates the refresh token: the new session is
 *   returned for core to save, since the old token is spent;
 * - fetch: `GET {target}/v1/user` with the access token.
 *
 * Vendor answers become Cozy errors: a wrong password `LOGIN_FAILED`, a lockout or rate limit
 * `LOGIN_FAILED.TOO_MANY_ATTEMPTS`, an unreachable or failing vendor `VENDOR_DOWN`.
 */

import {
  type Connector,
  type ConnectorContext,
  ConnectorError,
  type ConnectorLoginResult,
} from "../core/connector-sdk.js";
import { CONNECTOR_RUN_ERRORS, type TwoFaType } from "../core/connectors/contract.js";
import type { Clock } from "../core/ports.js";

export interface DemoConnectorOptions {
  /** Base URL of the target site, read at each call (the local stack sets it once it serves). */
  targetUrl: () => string;
  clock: Clock;
  requestTimeoutMs?: number;
}

/** Below the Login and SubmitTwoFaCode functions' 60 s timeout, with room for a retry. */
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
/** An access token this close to its expiry is refreshed rather than used. */
const ACCESS_TOKEN_MARGIN_MS = 60_000;

interface DemoSession {
  refreshToken: string;
  accessToken?: string;
  accessTokenExpiresAtMs?: number;
}

interface VendorAnswer {
  status: number;
  body: Record<string, unknown>;
}

const TWOFA_TYPE_OF_AUTH_METHOD: Record<string, TwoFaType> = {
  tfa_sms: "sms",
  tfa_email: "email",
  totp: "app_code",
};

function vendorDown(message: string): ConnectorError {
  return new ConnectorError(CONNECTOR_RUN_ERRORS.VENDOR_DOWN, message);
}

function parseSession(text: string): DemoSession {
  const parsed = JSON.parse(text) as Partial<DemoSession>;
  if (typeof parsed.refreshToken !== "string") throw new Error("Malformed demo session");
  return parsed as DemoSession;
}

export function demoConnector(options: DemoConnectorOptions): Connector {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  const request = async (path: string, init: RequestInit): Promise<VendorAnswer> => {
    // Relative to the base, so that a base with a path (a stage prefix) keeps it.
    const base = options.targetUrl();
    const url = new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw vendorDown("The demo target did not answer");
    }
    const text = await response.text().catch(() => "");
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (typeof parsed === "object" && parsed !== null) body = parsed as Record<string, unknown>;
    } catch {
      // A non-JSON answer is judged by its status alone.
    }
    if (response.status >= 500) throw vendorDown(`The demo target answered ${response.status}`);
    return { status: response.status, body };
  };

  const token = (form: Record<string, string>) =>
    request("/v1/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });

  /** A token response as a session; anything else the vendor said, as a Cozy error. */
  const sessionFrom = (answer: VendorAnswer): DemoSession => {
    const { access_token, refresh_token, expires_in } = answer.body;
    if (
      answer.status === 200 &&
      typeof access_token === "string" &&
      typeof refresh_token === "string"
    ) {
      const expiresInSeconds = typeof expires_in === "number" ? expires_in : 0;
      return {
        refreshToken: refresh_token,
        accessToken: access_token,
        accessTokenExpiresAtMs: options.clock.nowMs() + expiresInSeconds * 1000,
      };
    }
    throw refusal(answer);
  };

  const refusal = (answer: VendorAnswer): ConnectorError => {
    const error = answer.body.error;
    if (error === "invalid_grant") {
      return new ConnectorError(CONNECTOR_RUN_ERRORS.LOGIN_FAILED, "The vendor refused the login");
    }
    if (
      answer.status === 429 ||
      error === "too_many_attempts" ||
      error === "too_many_requests" ||
      error === "user_locked"
    ) {
      return new ConnectorError(
        CONNECTOR_RUN_ERRORS.LOGIN_FAILED_TOO_MANY_ATTEMPTS,
        "The vendor blocks further attempts for now",
      );
    }
    return new ConnectorError(
      CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR,
      `The demo target answered ${answer.status} ${typeof error === "string" ? error : ""}`.trim(),
    );
  };

  const passwordGrant = (ctx: ConnectorContext, otp?: string) =>
    token({
      grant_type: "password",
      username: ctx.auth.login,
      password: ctx.auth.password,
      ...(otp === undefined ? {} : { otp }),
    });

  const refreshed = async (session: DemoSession): Promise<DemoSession | null> => {
    const answer = await token({
      grant_type: "refresh_token",
      refresh_token: session.refreshToken,
    });
    if (answer.status === 400 && answer.body.error === "invalid_grant") return null;
    return sessionFrom(answer);
  };

  return {
    async login(ctx): Promise<ConnectorLoginResult> {
      const answer = await passwordGrant(ctx);
      if (answer.body.error === "otp_required") {
        const method = answer.body.auth_method;
        const twoFaType =
          typeof method === "string" ? TWOFA_TYPE_OF_AUTH_METHOD[method] : undefined;
        return { outcome: "TWOFA_NEEDED", twoFaType: twoFaType ?? "sms" };
      }
      return { outcome: "LOGGED_IN", session: JSON.stringify(sessionFrom(answer)) };
    },

    async submitTwoFaCode(ctx, code) {
      const answer = await passwordGrant(ctx, code);
      if (answer.body.error === "invalid_otp" || answer.body.error === "otp_required") {
        return { ok: false, wrongCode: true };
      }
      return { ok: true, session: JSON.stringify(sessionFrom(answer)) };
    },

    async testSession(_ctx, text) {
      const next = await refreshed(parseSession(text));
      return next === null ? { valid: false } : { valid: true, session: JSON.stringify(next) };
    },

    async fetch(_ctx, text) {
      let session = parseSession(text);
      const fresh =
        session.accessToken !== undefined &&
        (session.accessTokenExpiresAtMs ?? 0) - ACCESS_TOKEN_MARGIN_MS > options.clock.nowMs();
      if (!fresh) {
        const next = await refreshed(session);
        if (next === null) {
          throw new ConnectorError(CONNECTOR_RUN_ERRORS.LOGIN_FAILED, "The session expired");
        }
        session = next;
      }
      const answer = await request("/v1/user", {
        method: "GET",
        headers: { authorization: `Bearer ${session.accessToken ?? ""}` },
      });
      if (answer.status !== 200) throw refusal(answer);
      return { summary: { profiles: 1 }, session: JSON.stringify(session) };
    },
  };
}
