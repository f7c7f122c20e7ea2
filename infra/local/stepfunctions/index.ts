/**
 * The local Step Functions service: the engine of `engine.ts` behind the JSON 1.0 endpoint of
 * `http.ts`, on 127.0.0.1. Point the SDK at it with `AWS_ENDPOINT_URL_SFN=<endpoint>`.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalStepFunctionsEngine } from "./engine.js";
import { createStepFunctionsHandler } from "./http.js";
import type { LocalStateMachine } from "./machine.js";

export type { ExecutionDescription, ExecutionStatus } from "./execution.js";
export type { HistoryEvent, HistoryEventType } from "./history.js";
export type { LocalStateMachine } from "./machine.js";

export interface LocalStepFunctionsOptions {
  /** Omitted or 0 picks a free port. */
  readonly port?: number;
  readonly stateMachines: readonly LocalStateMachine[];
  /** Hears of the service's own faults; never of requests, inputs or task tokens. */
  readonly log?: (line: string) => void;
}

export interface LocalStepFunctions {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Aborts every running execution (clearing its timers) and closes the endpoint. */
  stop(): Promise<void>;
}

export async function startLocalStepFunctions(
  options: LocalStepFunctionsOptions,
): Promise<LocalStepFunctions> {
  // Builds and validates every state machine first: a bad definition fails the start.
  const engine = new LocalStepFunctionsEngine(options.stateMachines);
  const handle = createStepFunctionsHandler(engine, options.log);
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      engine.shutdown();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
