/**
 * The local Step Functions service running the real connector-run definition, driven through
 * @aws-sdk/client-sfn as the API drives AWS. The task functions are fakes: a vendor that asks
 * for a code, and an "account" where the API would store the code the user typed.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { sfnConnectorRunWorkflow } from "../../functions/adapters/connector-runs.js";
import {
  type LoginTaskResult,
  MAX_EMPTY_RESUMES,
  MAX_TWOFA_RESENDS,
  TWOFA_CODE_RECEIVED_OUTPUT,
  TWOFA_RESEND_SIGNAL,
  type WaitForTwoFaCodeTaskPayload,
} from "../../functions/core/connectors/contract.js";
import type { RunProgress } from "../../functions/core/connectors/ports.js";
import {
  type AslDefinition,
  type AslTaskState,
  buildConnectorRunDefinition,
  CONNECTOR_TASKS,
  type ConnectorTaskName,
} from "../../infra/connector-run.asl.js";
import {
  type LocalStepFunctions,
  startLocalStepFunctions,
} from "../../infra/local/stepfunctions/index.js";

const TWOFA_TIMEOUT_SECONDS = 2;
const MAX_TWOFA_ATTEMPTS = 2;
const ACCOUNT = "123456789012";
const RUN_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:connector-run`;
const HEARTBEAT_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:heartbeat`;
const SHORT_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:short`;
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

/** One connector account at a fake vendor; the test plays the user and the API. */
class FakeAccount {
  readonly states: string[] = [];
  readonly twoFaRequests: WaitForTwoFaCodeTaskPayload[] = [];
  submits = 0;
  fetches = 0;
  /** The `error` of each FinishRun: how the run ended, as its account records it. */
  readonly finishes: Array<string | null> = [];
  /** Plays a FinishRun whose function fails: the run must still end under its own error. */
  failFinish = false;
  /** Where the API stores the typed code (encrypted, in the real service). */
  storedCode: string | undefined;
  /** Plays an API so fast that the code arrives before the waiting task's function returns. */
  answerBeforeReturning = false;
  private readonly requestWaiters: Array<() => void> = [];

  constructor(
    readonly id: string,
    readonly login: () => LoginTaskResult,
    readonly vendorCode = "424242",
  ) {}

  twoFaRequested(payload: WaitForTwoFaCodeTaskPayload): void {
    this.twoFaRequests.push(payload);
    for (const wake of this.requestWaiters.splice(0)) wake();
  }

  /** The n-th (1-based) wait for a code, once its task function has run. */
  async twoFaRequest(n: number): Promise<WaitForTwoFaCodeTaskPayload> {
    while (this.twoFaRequests.length < n) {
      await new Promise<void>((resolve) => this.requestWaiters.push(resolve));
    }
    const request = this.twoFaRequests[n - 1];
    if (!request) throw new Error("unreachable");
    return request;
  }
}

const accounts = new Map<string, FakeAccount>();
let accountCounter = 0;
function newAccount(login: () => LoginTaskResult): FakeAccount {
  accountCounter += 1;
  const account = new FakeAccount(`account-${accountCounter}`, login);
  accounts.set(account.id, account);
  return account;
}
const needsSms = (): LoginTaskResult => ({ outcome: "TWOFA_NEEDED", twoFaType: "sms" });

function cozyError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function payloadField(payload: unknown, field: string): unknown {
  return typeof payload === "object" && payload !== null
    ? (payload as Record<string, unknown>)[field]
    : undefined;
}

/** The task functions, as Lambda would run them: by ARN, with the task's Payload. */
async function invokeFunction(arn: string, payload: unknown): Promise<unknown> {
  const account = accounts.get(String(payloadField(payload, "accountId")));
  if (!account) throw cozyError("UNKNOWN_ERROR", "no such account");
  const task = Object.keys(CONNECTOR_TASKS).find((name) => functionArn(name) === arn);
  switch (task) {
    case "Login":
      return account.login();
    case "SetAccountState":
      account.states.push(String(payloadField(payload, "state")));
      return { ok: true };
    case "WaitForTwoFaCode": {
      const request = payload as WaitForTwoFaCodeTaskPayload;
      account.twoFaRequested(request);
      if (account.answerBeforeReturning)
        await handInCode(account, request.taskToken, account.vendorCode);
      return { waiting: true };
    }
    case "SubmitTwoFaCode": {
      const code = account.storedCode;
      if (code === undefined) return { outcome: "NO_CODE" };
      account.submits += 1;
      account.storedCode = undefined;
      return { outcome: code === account.vendorCode ? "LOGGED_IN" : "WRONG_CODE" };
    }
    case "FinishRun":
      if (account.failFinish) throw cozyError("Error", "the table is unreachable");
      account.finishes.push(payloadField(payload, "error") as string | null);
      return { finished: true };
    case "Fetch":
      account.fetches += 1;
      return { documents: 3 };
    default:
      throw cozyError("Lambda.ResourceNotFoundException", `Function not found: ${arn}`);
  }
}

const functionArns = Object.fromEntries(
  Object.keys(CONNECTOR_TASKS).map((name) => [name, functionArn(name)]),
) as Record<ConnectorTaskName, string>;

/** A bare callback task with heartbeats, for what the connector run does not use. */
const heartbeatDefinition: AslDefinition = {
  StartAt: "Wait",
  States: {
    Wait: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
      Parameters: {
        FunctionName: functionArn("WaitForTwoFaCode"),
        Payload: { "accountId.$": "$.accountId", "taskToken.$": "$$.Task.Token" },
      },
      TimeoutSeconds: 10,
      HeartbeatSeconds: 1,
      Catch: [{ ErrorEquals: ["States.HeartbeatTimeout"], Next: "NoHeartbeat" }],
      End: true,
    },
    NoHeartbeat: { Type: "Fail", Error: "NO_HEARTBEAT" },
  },
};

/** The same wait under an execution-level TimeoutSeconds shorter than the task's. */
const { HeartbeatSeconds: _unused, ...waitWithoutHeartbeat } = heartbeatDefinition.States
  .Wait as AslTaskState;
const shortDefinition: AslDefinition = {
  ...heartbeatDefinition,
  TimeoutSeconds: 1,
  States: { ...heartbeatDefinition.States, Wait: waitWithoutHeartbeat },
};

let service: LocalStepFunctions;
let sfn: SFNClient;

beforeAll(async () => {
  service = await startLocalStepFunctions({
    stateMachines: [
      {
        arn: RUN_MACHINE,
        name: "connector-run",
        definition: buildConnectorRunDefinition({
          functionArns,
          twoFaTimeoutSeconds: TWOFA_TIMEOUT_SECONDS,
          maxTwoFaAttempts: MAX_TWOFA_ATTEMPTS,
        }),
        invokeFunction,
      },
      {
        arn: HEARTBEAT_MACHINE,
        name: "heartbeat",
        definition: heartbeatDefinition,
        invokeFunction,
      },
      { arn: SHORT_MACHINE, name: "short", definition: shortDefinition, invokeFunction },
    ],
  });
  sfn = new SFNClient({
    endpoint: service.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(async () => {
  sfn?.destroy();
  await service?.stop();
});

async function startRun(account: FakeAccount, manual: boolean, machine = RUN_MACHINE) {
  const started = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: machine,
      name: `run-${account.id}`,
      input: JSON.stringify({ accountId: account.id, runId: `run-${account.id}`, manual }),
    }),
  );
  return started.executionArn ?? "";
}

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status !== "RUNNING") return execution;
    if (Date.now() > deadline) throw new Error(`${executionArn} still running`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return page.events ?? [];
}

/** What the API does with the user's code: store it on the account, resume without it. */
async function handInCode(account: FakeAccount, taskToken: string, code: string) {
  account.storedCode = code;
  await sfn.send(
    new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT) }),
  );
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("the connector run on local Step Functions", () => {
  it("a manual run waits for the callback and succeeds after SendTaskSuccess", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    expect(executionArn).toBe(
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:connector-run:run-${account.id}`,
    );

    const request = await account.twoFaRequest(1);
    expect(request).toMatchObject({ accountId: account.id, twoFaType: "sms", retry: false });
    const waiting = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(waiting.status).toBe("RUNNING");
    expect(waiting.startDate).toBeInstanceOf(Date);
    expect(waiting.stopDate).toBeUndefined();
    expect(account.states).toEqual(["HANDLE_LOGIN_SUCCESS"]);

    await handInCode(account, request.taskToken, account.vendorCode);
    const done = await finished(executionArn);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.output ?? "null")).toMatchObject({ accountId: account.id });
    expect(account.states).toEqual(["HANDLE_LOGIN_SUCCESS", "LOGIN_SUCCESS"]);
    expect(account.fetches).toBe(1);
    expect(account.finishes).toEqual([null]);
  });

  it("a run already logged in fetches without asking for a code", async () => {
    const account = newAccount(() => ({ outcome: "LOGGED_IN", twoFaType: null }));
    const done = await finished(await startRun(account, false));
    expect(done.status).toBe("SUCCEEDED");
    expect(account.twoFaRequests).toHaveLength(0);
    expect(account.states).toEqual(["LOGIN_SUCCESS"]);
    expect(account.fetches).toBe(1);
  });

  it("a background run needing 2FA fails USER_ACTION_NEEDED.TWOFA_EXPIRED at once", async () => {
    const account = newAccount(needsSms);
    const startedAt = Date.now();
    const done = await finished(await startRun(account, false));
    expect(Date.now() - startedAt).toBeLessThan(TWOFA_TIMEOUT_SECONDS * 1000);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    expect(account.twoFaRequests).toHaveLength(0);
    expect(account.states).toEqual([]);
    expect(account.finishes).toEqual(["USER_ACTION_NEEDED.TWOFA_EXPIRED"]);
  });

  it("no callback within TimeoutSeconds fails TWOFA_EXPIRED and a late SendTaskSuccess answers TaskTimedOut", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);

    const done = await finished(executionArn);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    expect(done.cause).toBe("No 2FA code arrived in time");
    const timedOut = (await history(executionArn)).find((event) => event.type === "TaskTimedOut");
    expect(timedOut?.taskTimedOutEventDetails).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      error: "States.Timeout",
    });

    const late = await rejection(handInCode(account, request.taskToken, account.vendorCode));
    expect(late).toBeInstanceOf(TaskTimedOut);
    expect(account.submits).toBe(0);
    // The account is told: the 2FA prompt and the task token go.
    expect(account.finishes).toEqual(["USER_ACTION_NEEDED.TWOFA_EXPIRED"]);
  });

  it("a second SendTaskSuccess on the same token answers TaskTimedOut", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);
    await handInCode(account, request.taskToken, account.vendorCode);

    const again = await rejection(handInCode(account, request.taskToken, account.vendorCode));
    expect(again).toBeInstanceOf(TaskTimedOut);
    expect((again as Error).name).toBe("TaskTimedOut");
    expect((await finished(executionArn)).status).toBe("SUCCEEDED");
    expect(account.submits).toBe(1);
  });

  it("an unknown token answers InvalidToken", async () => {
    for (const taskToken of ["AAAAnot-a-token", "", "x".repeat(5000)]) {
      const error = await rejection(
        sfn.send(new SendTaskSuccessCommand({ taskToken, output: "{}" })),
      );
      expect(error).toBeInstanceOf(InvalidToken);
      expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(
        400,
      );
    }
    const heartbeat = await rejection(
      sfn.send(new SendTaskHeartbeatCommand({ taskToken: "AAAAnot-a-token" })),
    );
    expect(heartbeat).toBeInstanceOf(InvalidToken);
  });

  it("a wrong code retries with retry=true then the right one succeeds", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const first = await account.twoFaRequest(1);
    await handInCode(account, first.taskToken, "000000");

    const second = await account.twoFaRequest(2);
    expect(second).toMatchObject({ retry: true, attempt: 2, twoFaType: "sms" });
    expect(second.taskToken).not.toBe(first.taskToken);
    await handInCode(account, second.taskToken, account.vendorCode);

    expect((await finished(executionArn)).status).toBe("SUCCEEDED");
    expect(account.submits).toBe(2);
  });

  it("the retry budget ends in USER_ACTION_NEEDED.WRONG_TWOFA_CODE", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    for (let attempt = 1; attempt <= MAX_TWOFA_ATTEMPTS; attempt += 1) {
      const request = await account.twoFaRequest(attempt);
      await handInCode(account, request.taskToken, "000000");
    }
    const done = await finished(executionArn);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("USER_ACTION_NEEDED.WRONG_TWOFA_CODE");
    expect(account.twoFaRequests).toHaveLength(MAX_TWOFA_ATTEMPTS);
    expect(account.fetches).toBe(0);
    expect(account.finishes).toEqual(["USER_ACTION_NEEDED.WRONG_TWOFA_CODE"]);
  });

  it("GetExecutionHistory records TaskSubmitted and TaskSucceeded for the callback task", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);
    const whileWaiting = (await history(executionArn)).map((event) => event.type);
    expect(whileWaiting.slice(-4)).toEqual([
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
    ]);

    await handInCode(account, request.taskToken, account.vendorCode);
    await finished(executionArn);
    const events = await history(executionArn);
    const entered = events.findIndex(
      (event) => event.stateEnteredEventDetails?.name === "WaitForTwoFaCode",
    );
    const callbackTask = events.slice(entered, entered + 6);
    expect(callbackTask.map((event) => event.type)).toEqual([
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
    ]);
    const [, scheduled, , submitted, succeeded] = callbackTask;
    expect(scheduled?.taskScheduledEventDetails).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      region: "us-east-1",
      timeoutInSeconds: TWOFA_TIMEOUT_SECONDS,
    });
    expect(JSON.parse(submitted?.taskSubmittedEventDetails?.output ?? "null")).toMatchObject({
      Payload: { waiting: true },
      StatusCode: 200,
    });
    expect(JSON.parse(succeeded?.taskSucceededEventDetails?.output ?? "null")).toEqual(
      TWOFA_CODE_RECEIVED_OUTPUT,
    );
  });

  it("records the whole run in AWS's event shapes, each event naming the one before it", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    await handInCode(account, (await account.twoFaRequest(1)).taskToken, account.vendorCode);
    await finished(executionArn);
    const events = await history(executionArn);

    const task = [
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSucceeded",
      "TaskStateExited",
    ];
    expect(events.map((event) => event.type)).toEqual([
      "ExecutionStarted",
      ...task, // Login
      "ChoiceStateEntered",
      "ChoiceStateExited",
      ...task, // DeactivateAutoSuccessfulLogin
      "PassStateEntered",
      "PassStateExited",
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
      ...task, // SubmitTwoFaCode
      "ChoiceStateEntered",
      "ChoiceStateExited",
      ...task, // NotifySuccessfulLogin
      ...task, // Fetch
      ...task, // FinishSucceededRun
      "SucceedStateEntered",
      "SucceedStateExited",
      "ExecutionSucceeded",
    ]);
    events.forEach((event, index) => {
      expect(event.id).toBe(index + 1);
      expect(event.previousEventId).toBe(index);
      expect(event.timestamp).toBeInstanceOf(Date);
    });
    expect(JSON.parse(events[0]?.executionStartedEventDetails?.input ?? "null")).toEqual({
      accountId: account.id,
      runId: `run-${account.id}`,
      manual: true,
    });
    const loginResult = events.find((event) => event.type === "TaskSucceeded");
    expect(JSON.parse(loginResult?.taskSucceededEventDetails?.output ?? "null")).toMatchObject({
      Payload: { outcome: "TWOFA_NEEDED", twoFaType: "sms" },
      StatusCode: 200,
    });
    expect(events.at(-1)?.executionSucceededEventDetails?.output).toBeDefined();
  });

  it("the code the user typed appears nowhere in the execution", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const first = await account.twoFaRequest(1);
    await handInCode(account, first.taskToken, "135791");
    await handInCode(account, (await account.twoFaRequest(2)).taskToken, account.vendorCode);
    const done = await finished(executionArn);
    const recorded = JSON.stringify([done, await history(executionArn)]);
    expect(recorded).not.toContain("135791");
    expect(recorded).not.toContain(account.vendorCode);
  });

  it("two concurrent SendTaskSuccess: one succeeds, one TaskTimedOut, the execution resumes once", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);
    account.storedCode = account.vendorCode;
    const output = JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT);
    const results = await Promise.allSettled([
      sfn.send(new SendTaskSuccessCommand({ taskToken: request.taskToken, output })),
      sfn.send(new SendTaskSuccessCommand({ taskToken: request.taskToken, output })),
    ]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect(rejected?.reason).toBeInstanceOf(TaskTimedOut);

    expect((await finished(executionArn)).status).toBe("SUCCEEDED");
    expect(account.submits).toBe(1);
    expect(account.fetches).toBe(1);
    const succeeded = (await history(executionArn)).filter((e) => e.type === "TaskSucceeded");
    // Login, HANDLE_LOGIN_SUCCESS, wait, submit, LOGIN_SUCCESS, fetch, finish
    expect(succeeded).toHaveLength(7);
  });

  it("a callback that beats the waiting task's function still resumes the run once", async () => {
    const account = newAccount(needsSms);
    account.answerBeforeReturning = true;
    const executionArn = await startRun(account, true);
    expect((await finished(executionArn)).status).toBe("SUCCEEDED");
    const types = (await history(executionArn)).map((event) => event.type);
    const submitted = types.indexOf("TaskSubmitted");
    expect(types.slice(submitted, submitted + 3)).toEqual([
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
    ]);
    expect(account.submits).toBe(1);
  });

  it("SendTaskFailure with a Cozy error ends the run under that name", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);
    await sfn.send(
      new SendTaskFailureCommand({
        taskToken: request.taskToken,
        error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
        cause: "The user closed the 2FA dialog",
      }),
    );
    const done = await finished(executionArn);
    expect(done.status).toBe("FAILED");
    expect(done.error).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    const failed = (await history(executionArn)).find((event) => event.type === "TaskFailed");
    expect(failed?.taskFailedEventDetails).toMatchObject({
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
      cause: "The user closed the 2FA dialog",
    });
    const again = await rejection(
      sfn.send(new SendTaskFailureCommand({ taskToken: request.taskToken })),
    );
    expect(again).toBeInstanceOf(TaskTimedOut);
  });

  it("a task function's Cozy error ends the run under its name; any other error as UNKNOWN_ERROR", async () => {
    const refused = newAccount(() => {
      throw cozyError("LOGIN_FAILED", "Wrong password");
    });
    const refusedArn = await startRun(refused, true);
    const refusedRun = await finished(refusedArn);
    expect(refusedRun).toMatchObject({ status: "FAILED", error: "LOGIN_FAILED" });
    const failed = (await history(refusedArn)).find((event) => event.type === "TaskFailed");
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: "lambda",
      resource: "invoke",
      error: "LOGIN_FAILED",
      cause: "Wrong password",
    });

    const buggy = newAccount(() => {
      throw new TypeError("Cannot read properties of undefined");
    });
    const buggyRun = await finished(await startRun(buggy, true));
    expect(buggyRun).toMatchObject({ status: "FAILED", error: "UNKNOWN_ERROR" });
    expect(refused.finishes).toEqual(["LOGIN_FAILED"]);
    expect(buggy.finishes).toEqual(["UNKNOWN_ERROR"]);
  });

  it("a run whose account cannot be finished still fails under its own error", async () => {
    const account = newAccount(() => {
      throw cozyError("VENDOR_DOWN", "The vendor did not answer");
    });
    account.failFinish = true;
    const done = await finished(await startRun(account, true));
    expect(done).toMatchObject({
      status: "FAILED",
      error: "VENDOR_DOWN",
      cause: "A connector task failed with a Cozy error",
    });
  });

  it("a resume with no code stored (a token read from the history) waits again, a bounded number of times", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const first = await account.twoFaRequest(1);
    // Someone holding the token from the history, not the API: no code was stored.
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: first.taskToken,
        output: JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT),
      }),
    );
    const second = await account.twoFaRequest(2);
    expect(second).toMatchObject({ attempt: 1, retry: false });
    expect(second.taskToken).not.toBe(first.taskToken);
    // The user's code still goes through.
    await handInCode(account, second.taskToken, account.vendorCode);
    expect((await finished(executionArn)).status).toBe("SUCCEEDED");
    expect(account.submits).toBe(1);

    const other = newAccount(needsSms);
    const otherArn = await startRun(other, true);
    for (let n = 1; n <= MAX_EMPTY_RESUMES + 1; n += 1) {
      const request = await other.twoFaRequest(n);
      await sfn.send(
        new SendTaskSuccessCommand({
          taskToken: request.taskToken,
          output: JSON.stringify(TWOFA_CODE_RECEIVED_OUTPUT),
        }),
      );
    }
    const done = await finished(otherArn);
    expect(done).toMatchObject({ status: "FAILED", error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
    expect(other.twoFaRequests).toHaveLength(MAX_EMPTY_RESUMES + 1);
    expect(other.finishes).toEqual(["USER_ACTION_NEEDED.TWOFA_EXPIRED"]);
  });

  it("the resend signal sends the run back to its login, at most MAX_TWOFA_RESENDS times", async () => {
    let logins = 0;
    const account = newAccount(() => {
      logins += 1;
      return needsSms();
    });
    const executionArn = await startRun(account, true);
    for (let n = 1; n <= MAX_TWOFA_RESENDS; n += 1) {
      const request = await account.twoFaRequest(n);
      await sfn.send(
        new SendTaskFailureCommand({ taskToken: request.taskToken, error: TWOFA_RESEND_SIGNAL }),
      );
    }
    const last = await account.twoFaRequest(MAX_TWOFA_RESENDS + 1);
    expect(last).toMatchObject({ attempt: 1, retry: false });
    expect(logins).toBe(MAX_TWOFA_RESENDS + 1);
    await handInCode(account, last.taskToken, account.vendorCode);
    expect((await finished(executionArn)).status).toBe("SUCCEEDED");

    const greedy = newAccount(needsSms);
    const greedyArn = await startRun(greedy, true);
    for (let n = 1; n <= MAX_TWOFA_RESENDS + 1; n += 1) {
      const request = await greedy.twoFaRequest(n);
      await sfn.send(
        new SendTaskFailureCommand({ taskToken: request.taskToken, error: TWOFA_RESEND_SIGNAL }),
      );
    }
    const done = await finished(greedyArn);
    expect(done).toMatchObject({ status: "FAILED", error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
    expect(greedy.finishes).toEqual(["USER_ACTION_NEEDED.TWOFA_EXPIRED"]);
  });

  it("StopExecution ends the wait: ABORTED, and the token answers TaskTimedOut", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true);
    const request = await account.twoFaRequest(1);
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn, error: "CANCELLED", cause: "user cancelled" }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done).toMatchObject({ status: "ABORTED", error: "CANCELLED", cause: "user cancelled" });
    const late = await rejection(handInCode(account, request.taskToken, account.vendorCode));
    expect(late).toBeInstanceOf(TaskTimedOut);
    const events = await history(executionArn);
    expect(events.at(-1)).toMatchObject({
      type: "ExecutionAborted",
      executionAbortedEventDetails: { error: "CANCELLED", cause: "user cancelled" },
    });
    expect(account.submits).toBe(0);
  });

  it("a duplicate execution name answers ExecutionAlreadyExists", async () => {
    const account = newAccount(() => ({ outcome: "LOGGED_IN", twoFaType: null }));
    await finished(await startRun(account, false));
    const duplicate = await rejection(startRun(account, false));
    expect((duplicate as Error).name).toBe("ExecutionAlreadyExists");
  });

  it("an unknown execution answers ExecutionDoesNotExist", async () => {
    const error = await rejection(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: `arn:aws:states:us-east-1:${ACCOUNT}:execution:connector-run:nope`,
        }),
      ),
    );
    expect((error as Error).name).toBe("ExecutionDoesNotExist");
  });

  it("issues task tokens of at least 128 random bits, distinct per wait", async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const account = newAccount(needsSms);
      const executionArn = await startRun(account, true);
      tokens.add((await account.twoFaRequest(1)).taskToken);
      await sfn.send(new StopExecutionCommand({ executionArn }));
    }
    expect(tokens.size).toBe(3);
    for (const token of tokens)
      expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
  });
});

describe("the workflow adapter on local Step Functions", () => {
  /** The adapter as the API runs it: the SDK finds the endpoint in the environment. */
  function adapter() {
    Object.assign(process.env, inject("localEnv"), { AWS_ENDPOINT_URL_SFN: service.endpoint });
    return sfnConnectorRunWorkflow(RUN_MACHINE);
  }

  it("speaks of runs by id: running, succeeded, a task token answered once, an unknown run null", async () => {
    const workflow = adapter();
    const account = newAccount(needsSms);
    const runId = `run-${account.id}`;
    await workflow.start({ accountId: account.id, runId, manual: true });
    const request = await account.twoFaRequest(1);
    expect(await workflow.progress(runId)).toEqual({ status: "running" });
    account.storedCode = account.vendorCode;
    expect(await workflow.resume(request.taskToken)).toBe("resumed");
    expect(await workflow.resume(request.taskToken)).toBe("gone");
    expect(await workflow.endWait(request.taskToken, TWOFA_RESEND_SIGNAL)).toBe("gone");
    await finished(`${RUN_MACHINE.replace(":stateMachine:", ":execution:")}:${runId}`);
    expect(await workflow.progress(runId)).toEqual({ status: "succeeded" });
    expect(await workflow.progress("run-that-never-started")).toBeNull();
  });

  it("reports a failed or aborted execution as failed, with the execution's error", async () => {
    const workflow = adapter();
    const failing = newAccount(needsSms);
    await workflow.start({ accountId: failing.id, runId: `run-${failing.id}`, manual: false });
    const failed = await eventually(() => workflow.progress(`run-${failing.id}`));
    expect(failed).toEqual({ status: "failed", error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });

    const stopped = newAccount(needsSms);
    const runId = `run-${stopped.id}`;
    await workflow.start({ accountId: stopped.id, runId, manual: true });
    await stopped.twoFaRequest(1);
    await sfn.send(
      new StopExecutionCommand({
        executionArn: `${RUN_MACHINE.replace(":stateMachine:", ":execution:")}:${runId}`,
        error: "CANCELLED",
      }),
    );
    expect(await workflow.progress(runId)).toEqual({ status: "failed", error: "CANCELLED" });
  });

  it("ends a wait with the resend signal: the run logs in again", async () => {
    const workflow = adapter();
    const account = newAccount(needsSms);
    const runId = `run-${account.id}`;
    await workflow.start({ accountId: account.id, runId, manual: true });
    const first = await account.twoFaRequest(1);
    expect(await workflow.endWait(first.taskToken, TWOFA_RESEND_SIGNAL)).toBe("ended");
    const second = await account.twoFaRequest(2);
    expect(second.taskToken).not.toBe(first.taskToken);
    expect(await workflow.progress(runId)).toEqual({ status: "running" });
    account.storedCode = account.vendorCode;
    expect(await workflow.resume(second.taskToken)).toBe("resumed");
  });
});

/** Polls a run's progress until it is no longer running. */
async function eventually(probe: () => Promise<RunProgress | null>): Promise<RunProgress | null> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const progress = await probe();
    if (progress?.status !== "running") return progress;
    if (Date.now() > deadline) throw new Error("the run is still running");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("heartbeats on local Step Functions", () => {
  it("heartbeats keep a callback task alive past HeartbeatSeconds; without them it times out", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true, HEARTBEAT_MACHINE);
    const request = await account.twoFaRequest(1);
    for (let beat = 0; beat < 4; beat += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: request.taskToken }));
    }
    // 1.6 s have passed, more than HeartbeatSeconds: the heartbeats kept it waiting.
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe("RUNNING");

    const done = await finished(executionArn);
    expect(done).toMatchObject({ status: "FAILED", error: "NO_HEARTBEAT" });
    const timedOut = (await history(executionArn)).find((event) => event.type === "TaskTimedOut");
    expect(timedOut?.taskTimedOutEventDetails?.error).toBe("States.HeartbeatTimeout");
    const late = await rejection(
      sfn.send(new SendTaskHeartbeatCommand({ taskToken: request.taskToken })),
    );
    expect(late).toBeInstanceOf(TaskTimedOut);
  });
});

describe("execution timeouts on local Step Functions", () => {
  it("an execution-level TimeoutSeconds ends the run TIMED_OUT and closes its task token", async () => {
    const account = newAccount(needsSms);
    const executionArn = await startRun(account, true, SHORT_MACHINE);
    const request = await account.twoFaRequest(1);
    const done = await finished(executionArn);
    expect(done.status).toBe("TIMED_OUT");
    expect((await history(executionArn)).at(-1)?.type).toBe("ExecutionTimedOut");
    const late = await rejection(handInCode(account, request.taskToken, account.vendorCode));
    expect(late).toBeInstanceOf(TaskTimedOut);
  });
});
