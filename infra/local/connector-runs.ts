/**
 * The connector-run state machine on the local Step Functions service, plugged into the local
 * stack through its `extraServices` hook. The definition is the one of AWS
 * (`buildConnectorRunDefinition`); each task's `FunctionName` is a local function ARN that
 * runs the same handler module Lambda runs, imported at its first invocation (as the SNS
 * subscribers are), so the stack starts while a handler is still being written.
 *
 *   CONNECTOR_TWOFA_TIMEOUT_SECONDS   the wait for a 2FA code (default 180)
 *   CONNECTOR_MAX_TWOFA_ATTEMPTS      codes accepted per run (default 3)
 */

import {
  DEFAULT_MAX_TWOFA_ATTEMPTS,
  DEFAULT_TWOFA_TIMEOUT_SECONDS,
} from "../../functions/core/connectors/contract.js";
import {
  buildConnectorRunDefinition,
  CONNECTOR_TASKS,
  type ConnectorTaskName,
} from "../connector-run.asl.js";
import {
  createLambdaContext,
  type LambdaHandler,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
  lazyHandler,
} from "./lambda.js";
import type { ExtraServiceStarter } from "./stack.js";
import { startLocalStepFunctions } from "./stepfunctions/index.js";

/** The ARN the state machine invokes for a task; locally it names nothing but this map. */
function localTaskFunctionArn(taskName: ConnectorTaskName): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${localTaskFunctionName(taskName)}`;
}

function localTaskFunctionName(taskName: ConnectorTaskName): string {
  return `twofa-local-connector-${taskName}`;
}

function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  // The definition builder checks the bounds; this only refuses what is not a whole number.
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new Error(`${name} must be a whole number, got "${raw}"`);
  }
  return value;
}

/** `startLocalStack({ extraServices: [connectorRunsService(arn)] })` */
export function connectorRunsService(stateMachineArn: string): ExtraServiceStarter {
  return async ({ root, log }) => {
    const taskNames = Object.keys(CONNECTOR_TASKS) as ConnectorTaskName[];
    const functions = new Map(
      taskNames.map((taskName) => {
        const task = CONNECTOR_TASKS[taskName];
        return [
          localTaskFunctionArn(taskName),
          {
            name: localTaskFunctionName(taskName),
            load: lazyHandler(root, task.handler),
            timeoutMs: task.functionTimeoutSeconds * 1000,
          },
        ] as const;
      }),
    );

    const invokeFunction = async (functionArn: string, payload: unknown): Promise<unknown> => {
      const fn = functions.get(functionArn);
      if (!fn) {
        const error = new Error(`Function not found: ${functionArn}`);
        error.name = "Lambda.ResourceNotFoundException";
        throw error;
      }
      let handler: LambdaHandler;
      try {
        handler = await fn.load();
      } catch (error) {
        // Lambda's answer to a function whose module cannot load.
        log(`sfn: cannot load ${fn.name}: ${error instanceof Error ? error.message : error}`);
        const failure = new Error(`Cannot load the handler of ${fn.name}`);
        failure.name = "Runtime.ImportModuleError";
        throw failure;
      }
      return handler(payload as never, createLambdaContext(fn.name, fn.timeoutMs));
    };

    const name = stateMachineArn.slice(stateMachineArn.lastIndexOf(":") + 1);
    const service = await startLocalStepFunctions({
      stateMachines: [
        {
          arn: stateMachineArn,
          name,
          definition: buildConnectorRunDefinition({
            functionArns: Object.fromEntries(
              taskNames.map((taskName) => [taskName, localTaskFunctionArn(taskName)]),
            ) as Record<ConnectorTaskName, string>,
            twoFaTimeoutSeconds: integerFromEnv(
              "CONNECTOR_TWOFA_TIMEOUT_SECONDS",
              DEFAULT_TWOFA_TIMEOUT_SECONDS,
            ),
            maxTwoFaAttempts: integerFromEnv(
              "CONNECTOR_MAX_TWOFA_ATTEMPTS",
              DEFAULT_MAX_TWOFA_ATTEMPTS,
            ),
          }),
          invokeFunction,
        },
      ],
      log,
    });
    return {
      name: "sfn",
      endpoint: service.endpoint,
      env: { AWS_ENDPOINT_URL_SFN: service.endpoint },
      stop: service.stop,
    };
  };
}
