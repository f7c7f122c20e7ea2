/**
 * Helpers for tests that run against the local stack started by `global-setup.ts`.
 */
import { readFile } from "node:fs/promises";
import { inject } from "vitest";
import type { LocalMessage } from "../../infra/local/stack.js";

export type { LocalMessage };

const CODE_WAIT_MS = 5_000; // the notifier sends asynchronously, after the API has answered
const POLL_INTERVAL_MS = 100;

export function apiUrl(): string {
  return inject("apiUrl");
}

/** Every SMS and email sent to `to` (exact match) since the stack started, oldest first. */
export async function messagesFor(to: string): Promise<LocalMessage[]> {
  const response = await fetch(`${apiUrl()}/_local/messages?to=${encodeURIComponent(to)}`);
  if (!response.ok) throw new Error(`GET /_local/messages answered ${response.status}`);
  return (await response.json()) as LocalMessage[];
}

export interface LatestCodeOptions {
  /** Only messages sent after this moment count: the code of an earlier send is stale. */
  readonly after?: Date | string;
  readonly timeoutMs?: number;
}

/**
 * The last 6-digit code in the newest message to `to`, waiting for it to arrive.
 * Pass `after` (taken before the request that sends the code) when `to` already got codes.
 */
export async function latestCodeFor(to: string, options: LatestCodeOptions = {}): Promise<string> {
  const after = options.after === undefined ? "" : new Date(options.after).toISOString();
  const deadline = Date.now() + (options.timeoutMs ?? CODE_WAIT_MS);
  for (;;) {
    const newest = (await messagesFor(to)).filter((message) => message.sentAt > after).at(-1);
    const code = newest?.body.match(/(?<!\d)\d{6}(?!\d)/g)?.at(-1);
    if (code !== undefined) return code;
    if (Date.now() > deadline) {
      throw new Error(`No message with a 6-digit code reached ${to} in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** The local stack's output so far (handler logs included). */
export function readLogs(): Promise<string> {
  return readFile(inject("logFile"), "utf8");
}

/**
 * Points this test process's AWS SDK clients and `Resource` at the local stack, for tests
 * that run adapters in process. The secret keys are not included: such tests bring their own.
 */
export function useLocalAwsEnvironment(): void {
  Object.assign(process.env, inject("localEnv"));
}
