/**
 * Where the request being handled came from, for the events it causes: the API stack runs each
 * handler inside `withRequestSource`, and the event publisher stamps events that name no
 * source. Nothing else reads it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestSource } from "../core/events.js";

const current = new AsyncLocalStorage<RequestSource>();

export function withRequestSource<T>(source: RequestSource, run: () => Promise<T>): Promise<T> {
  return current.run(source, run);
}

/** The source of the request being handled, if any. */
export function currentRequestSource(): RequestSource | undefined {
  return current.getStore();
}
