/**
 * Local Step Functions: runs ASL definitions with aws-local-stepfunctions and adds what it
 * lacks — the wait-for-callback pattern (task tokens, `SendTaskSuccess` / `SendTaskFailure` /
 * `SendTaskHeartbeat`, `TaskTimedOut` for a late or second callback), `HeartbeatSeconds`, the
 * `lambda:invoke` response wrapper, task timers that stop with their execution, and a
 * history in AWS's event shapes.
 *
 * How it rides on the library:
 * - every Task state resolves through `taskResourceLocalHandlers`; the handler invokes the
 *   function and owns the task's timers. The library's own task timer (60 s when a Task has
 *   no `TimeoutSeconds`, and alive after an abort) is pushed past ours, and our handler's
 *   promise always settles — at the end, on timeout, or on a stop — so the library clears it;
 * - `$$.Task.Token` is a getter on the context object that issues a token per task attempt;
 * - the library's event log arrives asynchronously, so a task handler first waits until the
 *   log has caught up with its own state entry before it records `TaskScheduled`: the
 *   history's order is the execution's order;
 * - the execution-level `TimeoutSeconds` is ours as well, so that it too ends the tasks.
 */
import "./promise-with-resolvers.js";
import { randomUUID } from "node:crypto";
import type { AslFailState, AslTaskState, JsonValue } from "../../connector-run.asl.js";
import {
  byteLength,
  EXECUTION_ARN,
  EXECUTION_NAME,
  isJsonObject,
  MAX_PAYLOAD_BYTES,
  STATE_MACHINE_ARN,
  stateTypeName,
  TASK_RESOURCES,
  throughJson,
} from "./definitions.js";
import { SfnServiceError } from "./errors.js";
import {
  Execution,
  type ExecutionDescription,
  type ExecutionStatus,
  type LibraryRun,
} from "./execution.js";
import { dataField, type HistoryEvent, withoutExecutionData } from "./history.js";
import { type LocalStateMachine, Machine } from "./machine.js";
import { RunningTask } from "./running-task.js";
import { TaskTokenRegistry } from "./task-tokens.js";
import { UncatchableError } from "./uncatchable-error.js";

export interface HistoryPage {
  events: HistoryEvent[];
  nextToken?: string;
}

export interface StateMachineListItem {
  stateMachineArn: string;
  name: string;
  type: "STANDARD";
  creationDate: Date;
}

export interface StateMachineDescription extends StateMachineListItem {
  status: "ACTIVE";
  definition: string;
  roleArn: string;
}

export type ExecutionListItem = Pick<
  ExecutionDescription,
  "executionArn" | "stateMachineArn" | "name" | "status" | "startDate" | "stopDate"
>;

interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

/** AWS's page size when `maxResults` is omitted or 0, and the largest it accepts. */
const PAGE_DEFAULT = 100;
const PAGE_MAX = 1000;

type LibraryEvent = LibraryRun["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

export class LocalStepFunctionsEngine {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new TaskTokenRegistry();

  constructor(stateMachines: readonly LocalStateMachine[]) {
    for (const config of stateMachines) {
      if (this.machines.has(config.arn)) throw new Error(`Duplicate state machine ${config.arn}`);
      this.machines.set(config.arn, new Machine(config));
    }
  }

  startExecution(params: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machine = this.machine(params.stateMachineArn);
    const name = params.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name))
      throw new SfnServiceError("InvalidName", `Invalid Name: '${name}'`);
    const inputText = params.input ?? "{}";
    const input = parseJsonDocument(inputText, "InvalidExecutionInput");

    const executionArn = `${machine.arn.replace(":stateMachine:", ":execution:")}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: the same name and input while it runs is an idempotent retry of the start.
      if (existing.status === "RUNNING" && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new SfnServiceError(
        "ExecutionAlreadyExists",
        `Execution Already Exists: '${executionArn}'`,
      );
    }

    const execution = new Execution(
      machine,
      executionArn,
      name,
      inputText,
      new Date(),
      this.tokens,
    );
    this.executions.set(executionArn, execution);
    const started = dataField(input);
    execution.history.record(
      "ExecutionStarted",
      { input: started.text, inputDetails: started.details, roleArn: machine.roleArn },
      execution.startDate,
    );
    this.run(execution, input);
    return { executionArn, startDate: execution.startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const execution = this.execution(executionArn);
    return {
      executionArn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate,
      stopDate: execution.stopDate,
      input: execution.input,
      output: execution.output,
      error: execution.error,
      cause: execution.cause,
    };
  }

  getExecutionHistory(params: {
    executionArn: string;
    maxResults?: number;
    reverseOrder?: boolean;
    nextToken?: string;
    includeExecutionData?: boolean;
  }): HistoryPage {
    const execution = this.execution(params.executionArn);
    const all = [...execution.history.list()];
    if (params.reverseOrder) all.reverse();
    const page = paginate(all, params, `history:${execution.arn}`);
    return {
      events:
        params.includeExecutionData === false ? page.items.map(withoutExecutionData) : page.items,
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  listStateMachines(params: PageRequest): {
    stateMachines: StateMachineListItem[];
    nextToken?: string;
  } {
    const all = [...this.machines.values()].map(listItem);
    const page = paginate(all, params, "stateMachines");
    return {
      stateMachines: page.items,
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    const machine = this.machine(stateMachineArn);
    return {
      ...listItem(machine),
      status: "ACTIVE",
      definition: JSON.stringify(machine.definition),
      roleArn: machine.roleArn,
    };
  }

  /** Newest first, as AWS lists them. */
  listExecutions(
    params: PageRequest & { stateMachineArn: string; statusFilter?: ExecutionStatus },
  ): { executions: ExecutionListItem[]; nextToken?: string } {
    const machine = this.machine(params.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((execution) => execution.machine === machine)
      .filter((execution) => !params.statusFilter || execution.status === params.statusFilter)
      .reverse()
      .map((execution) => ({
        executionArn: execution.arn,
        stateMachineArn: machine.arn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
      }));
    const page = paginate(all, params, `executions:${machine.arn}:${params.statusFilter ?? ""}`);
    return { executions: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
    const execution = this.execution(executionArn);
    execution.interrupt("ABORTED", error, cause);
    return { stopDate: execution.stopDate ?? new Date() };
  }

  sendTaskSuccess(taskToken: unknown, output: string): void {
    const value = parseJsonDocument(output, "InvalidOutput");
    this.tokens.complete(taskToken, { kind: "success", output: value });
  }

  sendTaskFailure(taskToken: unknown, error?: string, cause?: string): void {
    this.tokens.complete(taskToken, { kind: "failure", error, cause });
  }

  sendTaskHeartbeat(taskToken: unknown): void {
    this.tokens.heartbeat(taskToken);
  }

  /** Aborts every running execution, so that no timer outlives the engine. */
  shutdown(): void {
    for (const execution of this.executions.values()) {
      execution.interrupt("ABORTED", "States.Aborted", "The local Step Functions service stopped");
    }
  }

  private machine(stateMachineArn: string): Machine {
    assertArn(stateMachineArn, "stateMachine", STATE_MACHINE_ARN);
    const machine = this.machines.get(stateMachineArn);
    if (machine) return machine;
    throw new SfnServiceError(
      "StateMachineDoesNotExist",
      `State Machine Does Not Exist: '${stateMachineArn}'`,
    );
  }

  private execution(executionArn: string): Execution {
    assertArn(executionArn, "execution", EXECUTION_ARN);
    const execution = this.executions.get(executionArn);
    if (execution) return execution;
    throw new SfnServiceError(
      "ExecutionDoesNotExist",
      `Execution Does Not Exist: '${executionArn}'`,
    );
  }

  private run(execution: Execution, input: JsonValue): void {
    const machine = execution.machine;
    const handlers = Object.fromEntries(
      [...machine.tasks].map(([stateName, state]) => [
        stateName,
        (taskInput: JsonValue) => this.runTask(execution, stateName, state, taskInput),
      ]),
    );
    const run = machine.library.run(input, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: execution.arn, Name: execution.name, RoleArn: machine.roleArn },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: {
          get Token() {
            return execution.currentToken();
          },
        },
      },
    });
    execution.attach(run);
    // The outcome is read from the event log, which also carries it in order.
    run.result.catch(() => {});
    void this.follow(execution, run.eventLogs);
  }

  private async follow(execution: Execution, events: AsyncGenerator<LibraryEvent>) {
    try {
      for await (const event of events) this.onLibraryEvent(execution, event);
    } catch (error) {
      // A bug of the engine, not of the definition: end the run visibly rather than hang.
      if (execution.status !== "RUNNING") return;
      execution.complete("FAILED", { error: "States.Runtime", cause: String(error) });
      this.recordEnd(execution);
    }
  }

  private onLibraryEvent(execution: Execution, event: LibraryEvent): void {
    const timestamp = new Date(event.timestamp);
    switch (event.type) {
      case "StateEntered": {
        const type = stateTypeName(event.state.type);
        const input = dataField(event.state.input);
        execution.lastEnteredState = event.state.name;
        execution.history.record(
          `${type}StateEntered` as const,
          { name: event.state.name, input: input.text, inputDetails: input.details },
          timestamp,
        );
        if (type === "Task") execution.taskAttemptRecorded(event.state.name);
        return;
      }
      case "StateRetried":
        if (event.state.type === "Task") execution.taskAttemptRecorded(event.state.name);
        return;
      case "StateExited": {
        const output = dataField(event.state.output);
        execution.history.record(
          `${stateTypeName(event.state.type)}StateExited` as const,
          { name: event.state.name, output: output.text, outputDetails: output.details },
          timestamp,
        );
        return;
      }
      case "ExecutionSucceeded":
        execution.complete("SUCCEEDED", { output: JSON.stringify(event.output ?? null) });
        this.recordEnd(execution);
        return;
      case "ExecutionFailed":
        execution.complete("FAILED", this.failureOf(execution, event.Error, event.Cause));
        this.recordEnd(execution);
        return;
      case "ExecutionAborted":
      case "ExecutionTimeout":
        this.recordEnd(execution);
        return;
      default:
        // StateFailed/StateCaught: the task's own events already tell it; Map/Parallel unused.
        return;
    }
  }

  /** The one terminal event: the library emits exactly one, whichever way the run ended. */
  private recordEnd(execution: Execution): void {
    const at = execution.stopDate ?? new Date();
    const { error, cause } = execution;
    switch (execution.status) {
      case "SUCCEEDED": {
        const output = dataField(JSON.parse(execution.output ?? "null"));
        execution.history.record(
          "ExecutionSucceeded",
          { output: output.text, outputDetails: output.details },
          at,
        );
        return;
      }
      case "FAILED":
        execution.history.record("ExecutionFailed", { error, cause }, at);
        return;
      case "TIMED_OUT":
        execution.history.record("ExecutionTimedOut", { error, cause }, at);
        return;
      default:
        execution.history.record("ExecutionAborted", { error, cause }, at);
    }
  }

  /**
   * A Fail state ends the run with its own Error and Cause (the library substitutes a
   * default cause); any other failure carries the error that escaped.
   */
  private failureOf(
    execution: Execution,
    error: string,
    cause: unknown,
  ): { error?: string; cause?: string } {
    const causeText =
      typeof cause === "string" ? cause : cause === undefined ? undefined : String(cause);
    const state = execution.machine.definition.States[execution.lastEnteredState ?? ""];
    if (state?.Type !== "Fail") return { error: error || undefined, cause: causeText || undefined };
    const fail: AslFailState = state;
    return {
      error: fail.Error !== undefined || fail.ErrorPath !== undefined ? error : undefined,
      cause: fail.CausePath !== undefined ? causeText : fail.Cause,
    };
  }

  private async runTask(
    execution: Execution,
    stateName: string,
    state: AslTaskState,
    input: JsonValue,
  ): Promise<JsonValue> {
    // Synchronously, before any await: the library evaluated Parameters (and so issued the
    // token) just before calling this handler.
    const token = execution.takeToken();
    const attempt = execution.taskAttemptStarted(stateName);
    await execution.historyShows(stateName, attempt);
    if (execution.status !== "RUNNING") throw new UncatchableError("The execution was stopped");

    const resource = TASK_RESOURCES[state.Resource];
    const functionName = isJsonObject(input) ? input.FunctionName : undefined;
    if (!resource || typeof functionName !== "string") {
      throw new UncatchableError(`${stateName}: FunctionName did not resolve to a string`);
    }
    const payload = isJsonObject(input) ? input.Payload : undefined;

    const task = new RunningTask(
      execution,
      {
        resourceType: resource.resourceType,
        resource: resource.resource,
        timeoutSeconds: state.TimeoutSeconds,
        heartbeatSeconds: resource.callback ? state.HeartbeatSeconds : undefined,
        token: resource.callback ? token : undefined,
      },
      this.tokens,
    );
    execution.history.record("TaskScheduled", {
      resourceType: resource.resourceType,
      resource: resource.resource,
      region: execution.machine.region,
      parameters: JSON.stringify(input),
      ...(state.TimeoutSeconds !== undefined ? { timeoutInSeconds: state.TimeoutSeconds } : {}),
      ...(resource.callback && state.HeartbeatSeconds !== undefined
        ? { heartbeatInSeconds: state.HeartbeatSeconds }
        : {}),
    });
    execution.history.record("TaskStarted", {
      resourceType: resource.resourceType,
      resource: resource.resource,
    });
    task.start();
    invokeLambda(execution.machine, functionName, payload).then(
      (response) => task.invoked(response),
      (error: unknown) =>
        task.invocationFailed(
          error instanceof Error ? error.name : "Error",
          error instanceof Error ? error.message : String(error),
        ),
    );
    return task.promise;
  }
}

/** What `arn:aws:states:::lambda:invoke` returns: the function's result under `Payload`. */
async function invokeLambda(
  machine: Machine,
  functionName: string,
  payload: JsonValue | undefined,
): Promise<JsonValue> {
  const result = await machine.config.invokeFunction(functionName, throughJson(payload ?? {}));
  return {
    ExecutedVersion: "$LATEST",
    Payload: throughJson(result),
    SdkHttpMetadata: {
      HttpHeaders: { "Content-Type": "application/json" },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: randomUUID() },
    StatusCode: 200,
  };
}

function parseJsonDocument(
  text: string,
  code: "InvalidExecutionInput" | "InvalidOutput",
): JsonValue {
  if (byteLength(text) > MAX_PAYLOAD_BYTES) {
    throw new SfnServiceError(
      code,
      `Invalid ${code === "InvalidOutput" ? "output" : "input"}: larger than 256 KiB`,
    );
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new SfnServiceError(
      code,
      `Invalid ${code === "InvalidOutput" ? "output" : "input"}: not a JSON document`,
    );
  }
}

function listItem(machine: Machine): StateMachineListItem {
  return {
    stateMachineArn: machine.arn,
    name: machine.name,
    type: "STANDARD",
    creationDate: machine.creationDate,
  };
}

/**
 * `InvalidArn` worded as AWS words it: the prefix when the text is no ARN at all, the resource
 * type when it is an ARN of something else (an execution where a state machine is expected).
 */
function assertArn(arn: string, resourceType: string, shape: RegExp): void {
  if (shape.test(arn)) return;
  const parts = arn.split(":");
  const detail =
    !arn.startsWith("arn:") || parts.length < 7 || parts[2] !== "states"
      ? `Invalid ARN prefix: ${arn}`
      : parts[5] !== resourceType
        ? `Resource type not valid in this context: ${parts[5]}`
        : `Invalid ARN: ${arn}`;
  throw new SfnServiceError("InvalidArn", `Invalid Arn: '${detail}'`);
}

/**
 * One page of `all`. The token names the listing it belongs to (`scope`), so that a token of
 * another listing answers `InvalidToken` as AWS's does.
 */
function paginate<T>(
  all: readonly T[],
  request: PageRequest,
  scope: string,
): { items: T[]; nextToken?: string } {
  const pageSize = request.maxResults || PAGE_DEFAULT;
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > PAGE_MAX) {
    throw new SfnServiceError(
      "ValidationException",
      `1 validation error detected: Value '${request.maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${PAGE_MAX}`,
    );
  }
  const offset = request.nextToken === undefined ? 0 : pageOffset(request.nextToken, scope);
  const items = all.slice(offset, offset + pageSize);
  const next = offset + items.length;
  return { items, ...(next < all.length ? { nextToken: pageToken(scope, next) } : {}) };
}

function pageToken(scope: string, offset: number): string {
  return Buffer.from(JSON.stringify([scope, offset])).toString("base64url");
}

function pageOffset(token: string, scope: string): number {
  try {
    const [tokenScope, offset] = JSON.parse(
      Buffer.from(token, "base64url").toString("utf8"),
    ) as unknown[];
    if (tokenScope === scope && Number.isInteger(offset) && (offset as number) >= 0) {
      return offset as number;
    }
  } catch {
    // Falls through to the same answer as any other foreign token.
  }
  throw new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid pagination token'");
}
