/**
 * The local Step Functions service answers the read operations a developer uses to inspect a
 * stack (`aws stepfunctions list-state-machines`, `describe-state-machine`, `list-executions`)
 * as AWS does, through @aws-sdk/client-sfn, with AWS's error names and wording.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionStatus,
  InvalidArn,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AslDefinition,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
} from "../../infra/connector-run.asl.js";
import {
  type LocalStepFunctions,
  startLocalStepFunctions,
} from "../../infra/local/stepfunctions/index.js";

const ACCOUNT = "123456789012";
const machineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const WAITS = machineArn("waits-for-a-callback");
const QUICK = machineArn("quick");
const FAILS = machineArn("fails");

/** One callback task: its executions stay RUNNING until the test answers or stops them. */
const waitsDefinition: AslDefinition = {
  StartAt: "Wait",
  States: {
    Wait: {
      Type: "Task",
      Resource: LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
      Parameters: {
        FunctionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:remember`,
        Payload: { "token.$": "$$.Task.Token" },
      },
      TimeoutSeconds: 600,
      End: true,
    },
  },
};
const quickDefinition: AslDefinition = {
  StartAt: "Done",
  States: { Done: { Type: "Pass", Result: { ok: true }, End: true } },
};
const failsDefinition: AslDefinition = {
  StartAt: "Boom",
  States: { Boom: { Type: "Fail", Error: "Boom", Cause: "on purpose" } },
};

const tokens: string[] = [];
let service: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  const invokeFunction = async (_arn: string, payload: unknown) => {
    tokens.push((payload as { token: string }).token);
    return {};
  };
  service = await startLocalStepFunctions({
    stateMachines: [
      { arn: WAITS, name: "waits-for-a-callback", definition: waitsDefinition, invokeFunction },
      { arn: QUICK, name: "quick", definition: quickDefinition, invokeFunction },
      { arn: FAILS, name: "fails", definition: failsDefinition, invokeFunction },
    ],
  });
  sfn = new SFNClient({
    endpoint: service.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
});

async function settled(executionArn: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status !== ExecutionStatus.RUNNING) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return ExecutionStatus.RUNNING;
}

async function sfnError(promise: Promise<unknown>): Promise<Error & { name: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail");
  return error;
}

describe("ListStateMachines and DescribeStateMachine", () => {
  it("lists every state machine, a page at a time", async () => {
    const all = await sfn.send(new ListStateMachinesCommand({}));
    expect(all.stateMachines?.map((m) => m.name).sort()).toEqual([
      "fails",
      "quick",
      "waits-for-a-callback",
    ]);
    expect(all.nextToken).toBeUndefined();
    for (const machine of all.stateMachines ?? []) {
      expect(machine.type).toBe("STANDARD");
      expect(machine.creationDate).toBeInstanceOf(Date);
      expect(machine.stateMachineArn).toBe(machineArn(machine.name ?? ""));
    }

    const first = await sfn.send(new ListStateMachinesCommand({ maxResults: 2 }));
    expect(first.stateMachines).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await sfn.send(
      new ListStateMachinesCommand({ maxResults: 2, nextToken: first.nextToken }),
    );
    expect(second.stateMachines).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    expect([...(first.stateMachines ?? []), ...(second.stateMachines ?? [])]).toEqual(
      all.stateMachines,
    );
  });

  it("describes a state machine with its definition", async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: QUICK }));
    expect(described).toMatchObject({
      stateMachineArn: QUICK,
      name: "quick",
      status: "ACTIVE",
      type: "STANDARD",
      roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\//),
    });
    expect(JSON.parse(described.definition ?? "")).toEqual(quickDefinition);
    expect(described.creationDate).toBeInstanceOf(Date);
  });

  it("answers StateMachineDoesNotExist for an unknown machine", async () => {
    const error = await sfnError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArn("nobody") })),
    );
    expect(error).toBeInstanceOf(StateMachineDoesNotExist);
    expect(error.message).toBe(`State Machine Does Not Exist: '${machineArn("nobody")}'`);
  });
});

describe("InvalidArn", () => {
  it("words a text that is no ARN as AWS does", async () => {
    const error = await sfnError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: "not-an-arn" })),
    );
    expect(error).toBeInstanceOf(InvalidArn);
    expect(error.message).toBe("Invalid Arn: 'Invalid ARN prefix: not-an-arn'");

    for (const command of [
      new StartExecutionCommand({ stateMachineArn: "not-an-arn" }),
      new ListExecutionsCommand({ stateMachineArn: "not-an-arn" }),
      new DescribeExecutionCommand({ executionArn: "not-an-arn" }),
    ]) {
      const failure = await sfnError(sfn.send(command as never));
      expect(failure).toBeInstanceOf(InvalidArn);
      expect(failure.message).toBe("Invalid Arn: 'Invalid ARN prefix: not-an-arn'");
    }
  });

  it("names the resource type when an ARN of another kind is given", async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: QUICK }));
    const error = await sfnError(
      sfn.send(new DescribeStateMachineCommand({ stateMachineArn: executionArn })),
    );
    expect(error).toBeInstanceOf(InvalidArn);
    expect(error.message).toBe("Invalid Arn: 'Resource type not valid in this context: execution'");

    const reverse = await sfnError(sfn.send(new DescribeExecutionCommand({ executionArn: QUICK })));
    expect(reverse).toBeInstanceOf(InvalidArn);
    expect(reverse.message).toBe(
      "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    );
  });
});

describe("ListExecutions", () => {
  it("lists a machine's executions newest first, filtered by status, a page at a time", async () => {
    const started: string[] = [];
    for (const name of ["first", "second", "third"]) {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: WAITS, name }),
      );
      started.push(executionArn ?? "");
    }
    await sfn.send(new StopExecutionCommand({ executionArn: started[0] }));
    await expect(settled(started[0] ?? "")).resolves.toBe("ABORTED");

    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: WAITS }));
    expect(all.executions?.map((e) => [e.name, e.status])).toEqual([
      ["third", "RUNNING"],
      ["second", "RUNNING"],
      ["first", "ABORTED"],
    ]);
    expect(all.executions?.[2]?.stopDate).toBeInstanceOf(Date);
    expect(all.executions?.[0]?.stopDate).toBeUndefined();
    expect(all.executions?.[0]).toMatchObject({
      executionArn: started[2],
      stateMachineArn: WAITS,
      startDate: expect.any(Date),
    });

    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: WAITS, statusFilter: "RUNNING" }),
    );
    expect(running.executions?.map((e) => e.name)).toEqual(["third", "second"]);
    const aborted = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: WAITS, statusFilter: "ABORTED" }),
    );
    expect(aborted.executions?.map((e) => e.name)).toEqual(["first"]);
    const redriving = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: WAITS, statusFilter: "PENDING_REDRIVE" }),
    );
    expect(redriving.executions).toEqual([]);

    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: WAITS, maxResults: 1, nextToken }),
      );
      expect(page.executions).toHaveLength(1);
      names.push(...(page.executions ?? []).map((e) => e.name ?? ""));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken !== undefined && pages < 10);
    expect(names).toEqual(["third", "second", "first"]);

    // A callback ends one of them: it moves from RUNNING to SUCCEEDED.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokens.at(-1), output: "{}" }));
    await expect(settled(started[2] ?? "")).resolves.toBe("SUCCEEDED");
    const succeeded = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: WAITS, statusFilter: "SUCCEEDED" }),
    );
    expect(succeeded.executions?.map((e) => e.name)).toEqual(["third"]);
  });

  it("lists only the given machine's executions", async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: FAILS }));
    await expect(settled(executionArn ?? "")).resolves.toBe("FAILED");
    const failed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: FAILS }));
    expect(failed.executions?.map((e) => [e.executionArn, e.status])).toEqual([
      [executionArn, "FAILED"],
    ]);
  });

  it("refuses a page token of another listing, a bad filter and an oversized page", async () => {
    const first = await sfn.send(new ListStateMachinesCommand({ maxResults: 1 }));
    const foreign = await sfnError(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: WAITS, nextToken: first.nextToken })),
    );
    expect(foreign).toBeInstanceOf(InvalidToken);

    const badFilter = await sfnError(
      sfn.send(
        new ListExecutionsCommand({ stateMachineArn: WAITS, statusFilter: "SLEEPING" as never }),
      ),
    );
    expect(badFilter.name).toBe("ValidationException");
    expect(badFilter.message).toMatch(/Value 'SLEEPING' at 'statusFilter' failed to satisfy/);

    const tooMany = await sfnError(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: WAITS, maxResults: 1001 })),
    );
    expect(tooMany.name).toBe("ValidationException");

    const unknown = await sfnError(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn("nobody") })),
    );
    expect(unknown).toBeInstanceOf(StateMachineDoesNotExist);
  });
});
