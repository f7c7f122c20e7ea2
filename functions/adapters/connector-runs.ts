/**
 * The connector-run state machine through `@aws-sdk/client-sfn`; locally the SDK finds the
 * local Step Functions service through `AWS_ENDPOINT_URL_SFN`. Step Functions' answers that
 * are outcomes, not faults, become values: a missing execution is `null`, and a task token
 * that timed out, was answered already or never existed is `gone`.
 */
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { TWOFA_CODE_RECEIVED_OUTPUT } from "../../infra/connector-run.asl.js";
import type { ConnectorRunWorkflow, ExecutionStatus } from "../core/connectors.js";

let client: SFNClient | undefined;
function sfnClient(): SFNClient {
  client ??= new SFNClient({});
  return client;
}

/** What `SendTaskSuccess` answers for a wait that is over: the code came too late. */
const GONE_TASK_ERRORS = new Set(["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"]);

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function sfnConnectorRunWorkflow(stateMachineArn: string): ConnectorRunWorkflow {
  const executionsPrefix = stateMachineArn.replace(":stateMachine:", ":execution:");
  return {
    executionArnOf: (runId) => `${executionsPrefix}:${runId}`,

    async start(runId, input) {
      await sfnClient().send(
        new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify(input) }),
      );
    },

    async describe(executionArn) {
      try {
        const execution = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
        return {
          status: (execution.status ?? "RUNNING") as ExecutionStatus,
          ...(execution.error === undefined ? {} : { error: execution.error }),
        };
      } catch (error) {
        if (errorName(error) === "ExecutionDoesNotExist") return null;
        throw error;
      }
    },

    async resume(taskToken) {
      try {
        await sfnClient().send(
          new SendTaskSuccessCommand({
            taskToken,
            output: JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT),
          }),
        );
        return "resumed";
      } catch (error) {
        if (GONE_TASK_ERRORS.has(errorName(error) ?? "")) return "gone";
        throw error;
      }
    },
  };
}
