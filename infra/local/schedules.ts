/**
 * Scheduled functions, locally: each row of `SCHEDULED` invoked every `localEverySeconds`, one
 * run at a time (a run that outlasts the period delays the next), as EventBridge invokes it in
 * AWS every `schedule`. A failed run is logged; the next one comes all the same.
 */
import type { ScheduledFunction } from "../routes.js";
import { createLambdaContext, describe, lazyHandler, localFunctionName } from "./lambda.js";

const RUN_TIMEOUT_MS = 30_000;

export function startSchedules(options: {
  readonly scheduled: readonly ScheduledFunction[];
  readonly root: string;
  readonly log?: (line: string) => void;
}): { stop(): Promise<void> } {
  const log = options.log ?? (() => {});
  const runs = options.scheduled.map((row) => {
    const load = lazyHandler(options.root, row.handler);
    const name = localFunctionName(row.handler);
    let running: Promise<void> = Promise.resolve();
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      running = (async () => {
        try {
          await (await load())({} as never, createLambdaContext(name, RUN_TIMEOUT_MS));
        } catch (error) {
          log(`schedule: ${name} failed: ${describe(error)}`);
        } finally {
          busy = false;
        }
      })();
    }, row.localEverySeconds * 1000);
    timer.unref();
    return { timer, running: () => running };
  });
  return {
    async stop() {
      for (const run of runs) clearInterval(run.timer);
      await Promise.all(runs.map((run) => run.running()));
    },
  };
}
