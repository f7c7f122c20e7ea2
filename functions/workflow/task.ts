/**
 * The one wrapper of every Step Functions task handler: validates the payload the state
 * machine sends (functions/core/connectors/contract.ts is the contract), calls one use case
 * of core, and logs the task's outcome — never its payload, which carries the task token.
 *
 * A failure's `name` is what Lambda reports as the error type: a `ConnectorError` carries a
 * Cozy name (`LOGIN_FAILED`, `VENDOR_DOWN`, …) that the state machine ends the run with;
 * anything else ends it as `UNKNOWN_ERROR`.
 */
import type { Context } from "aws-lambda";
import * as v from "valibot";
import { logger } from "../adapters/logger.js";
import { ConnectorError } from "../core/connector-sdk.js";

const Ids = {
  accountId: v.pipe(v.string(), v.minLength(1)),
  runId: v.pipe(v.string(), v.minLength(1)),
};

/** `accountId` and `runId`, which every task payload carries. */
export function taskPayload<E extends v.ObjectEntries>(entries: E) {
  return v.object({ ...Ids, ...entries });
}

export function taskHandler<
  S extends v.GenericSchema<unknown, { accountId: string; runId: string }>,
  R,
>(task: string, schema: S, run: (payload: v.InferOutput<S>) => Promise<R>) {
  return async (event: unknown, context?: Context): Promise<R> => {
    const parsed = v.safeParse(schema, event);
    if (!parsed.success) {
      const field = parsed.issues[0] ? v.getDotPath(parsed.issues[0]) : null;
      logger.error("task payload rejected", { task, field });
      throw new TypeError(`${task}: the payload does not match the contract (${field ?? "body"})`);
    }
    const { accountId, runId } = parsed.output;
    const log = logger.child({ task, accountId, runId, requestId: context?.awsRequestId });
    try {
      const result = await run(parsed.output);
      log.info("task done");
      return result;
    } catch (error) {
      const name = error instanceof Error ? error.name : "Error";
      if (error instanceof ConnectorError)
        log.warn("task failed", { error: name, reason: error.message });
      else
        log.error("task failed unexpectedly", {
          error: name,
          reason: error instanceof Error ? error.message : "",
        });
      throw error;
    }
  };
}
