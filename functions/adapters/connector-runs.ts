/**
 * The connector-run workflow on AWS Step Functions, through `@aws-sdk/client-sfn`; locally the
 * SDK finds the local Step Functions service through `AWS_ENDPOINT_URL_SFN`. A run is the
 * execution named after its run id: execution ARNs and Step Functions statuses stay here.
 * Answers that are outcomes, not faults, become values: a missing execution is `null`, and a
 * task token that timed out, was answered already or never existed is `gone`.
 */
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { TWOFA_CODE_RECEIVED_OUTPUT } from "../core/connectors/contract.js";
import type { ConnectorRunWorkflow, RunProgress } from "../core/connectors/ports.js";

let client: SFNClient | undefined;
function sfnClient(): SFNClient {
  client ??= new SFNClient({});
  return client;
}

/** What `SendTaskSuccess` / `SendTaskFailure` answer for a wait that is over. */
const GONE_TASK_ERRORS = new Set(["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"]);

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Step Functions execution statuses as the run's progress. */
function progressOf(status: string | undefined, error: string | undefined): RunProgress {
  switch (status ?? "RUNNING") {
    case "RUNNING":
    case "PENDING_REDRIVE":
      return { status: "running" };
    case "SUCCEEDED":
      return { status: "succeeded" };
    default:
      // FAILED, TIMED_OUT, ABORTED: the execution's error, if it has one.
      return { status: "failed", ...(error === undefined ? {} : { error }) };
  }
}

async function answeringTask(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    if (GONE_TASK_ERRORS.has(errorName(error) ?? "")) return false;
    throw error;
  }
}

export function sfnConnectorRunWorkflow(stateMachineArn: string): ConnectorRunWorkflow {
  const executionsPrefix = stateMachineArn.replace(":stateMachine:", ":execution:");
  const executionArnOf = (runId: string) => `${executionsPrefix}:${runId}`;
  return {
    async start(input) {
      await sfnClient().send(
        new StartExecutionCommand({
          stateMachineArn,
          name: input.runId,
          input: JSON.stringify(input),
        }),
      );
    },

    async progress(runId) {
      try {
        const execution = await sfnClient().send(
          new DescribeExecutionCommand({ executionArn: executionArnOf(runId) }),
        );
        return progressOf(execution.status, execution.error);
      } catch (error) {
        if (errorName(error) === "ExecutionDoesNotExist") return null;
        throw error;
      }
    },

    async resume(taskToken) {
      const answered = await answeringTask(() =>
        sfnClient().send(
          new SendTaskSuccessCommand({
            taskToken,
            output: JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT),
          }),
        ),
      );
      return answered ? "resumed" : "gone";
    },

    async endWait(taskToken, error) {
      const answered = await answeringTask(() =>
        sfnClient().send(new SendTaskFailureCommand({ taskToken, error })),
      );
      return answered ? "ended" : "gone";
    },
  };
}
