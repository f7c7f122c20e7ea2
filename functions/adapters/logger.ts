/**
 * Structured JSON logs with secrets redacted. Anything under a key that can hold a code, a
 * password, a secret, a token or a contact address is replaced before it is written, however
 * deep it sits, so a careless `log.info("x", { body })` cannot leak.
 */
import type { Clock } from "../core/ports.js";
import { systemClock } from "./system.js";

const REDACTED_KEY =
  /code|otp|passw|secret|token|authorization|cookie|session|phone|email|sealed|hash|^to$|^key$|apikey|privatekey/i;
const MAX_DEPTH = 6;

type Level = "debug" | "info" | "warn" | "error";

function redact(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = REDACTED_KEY.test(key) ? "[redacted]" : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function createLogger(base: Record<string, unknown>, clock: Clock): Logger {
  const threshold = ORDER[(process.env.LOG_LEVEL as Level | undefined) ?? "info"] ?? ORDER.info;
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < threshold) return;
    const line = JSON.stringify({
      level,
      time: new Date(clock.nowMs()).toISOString(),
      message,
      ...(redact({ ...base, ...fields }) as Record<string, unknown>),
    });
    (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...base, ...fields }, clock),
  };
}

export const logger = createLogger({ service: "twofa" }, systemClock);
