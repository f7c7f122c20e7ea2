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
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import {
  type AslDefinition,
  type AslFailState,
  type AslTaskState,
  type JsonValue,
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
} from "../../connector-run.asl.js";
import { SfnServiceError } from "./errors.js";
import {
  dataField,
  ExecutionHistory,
  type HistoryEvent,
  type StateTypeName,
  withoutExecutionData,
} from "./history.js";
import { deferred } from "./promise-with-resolvers.js";
import { type CallbackOutcome, type CallbackTarget, TaskTokenRegistry } from "./task-tokens.js";

export interface LocalStateMachine {
  /** `arn:aws:states:<region>:<account>:stateMachine:<name>` */
  arn: string;
  name: string;
  definition: AslDefinition;
  /** Runs the Lambda function `functionArn` (the task's `FunctionName`) with `payload`. */
  invokeFunction: (functionArn: string, payload: unknown) => Promise<unknown>;
  roleArn?: string;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryPage {
  events: HistoryEvent[];
  nextToken?: string;
}

const STATE_MACHINE_ARN = /^arn:aws:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
/** AWS: no whitespace, brackets, wildcards, `"#%\^|~`$&,;:/` or control characters. */
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
/** Step Functions quota on inputs and outputs. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
/** `setTimeout` holds at most 2^31 - 1 ms; a longer timer could not be armed, nor needed here. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** The library's task timer is set this far beyond ours, so ours always fires first. */
const LIBRARY_TIMER_SLACK_SECONDS = 60;
const HISTORY_PAGE_DEFAULT = 100;
const HISTORY_PAGE_MAX = 1000;

const TASK_RESOURCES: Record<
  string,
  { resourceType: string; resource: string; callback: boolean }
> = {
  [LAMBDA_INVOKE]: { resourceType: "lambda", resource: "invoke", callback: false },
  [LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN]: {
    resourceType: "lambda",
    resource: "invoke.waitForTaskToken",
    callback: true,
  },
};
const SUPPORTED_STATE_TYPES: ReadonlySet<string> = new Set<StateTypeName>([
  "Task",
  "Choice",
  "Pass",
  "Fail",
  "Succeed",
  "Wait",
]);

/** A task failure as the library matches it against `Retry` and `Catch` (by `name`). */
class TaskError extends Error {
  constructor(name: string, cause: string | undefined) {
    super(cause ?? "");
    this.name = name;
  }
}

/**
 * `States.Runtime`: ends the run whatever its `Retry` and `Catch` say (the library reads
 * `isRetryable`/`isCatchable`, as its own runtime errors carry them). Used when an execution
 * was stopped under a task, and for definition faults that AWS would have refused up front.
 */
class UncatchableError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = "States.Runtime";
  }
}

type LibraryRun = ReturnType<StateMachine["run"]>;
type LibraryEvent = LibraryRun["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

function timerSafeSeconds(seconds: number): number {
  return Math.min(seconds, MAX_TIMER_SECONDS);
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** A value as a Lambda function receives or returns it: through JSON. */
function throughJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

function isJsonObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Machine {
  readonly region: string;
  readonly roleArn: string;
  readonly library: StateMachine;
  /** A copy: the caller's object may change after the start, this machine must not. */
  readonly definition: AslDefinition;
  /** Task states by name: each gets a local handler. */
  readonly tasks = new Map<string, AslTaskState>();

  constructor(readonly config: LocalStateMachine) {
    const arn = STATE_MACHINE_ARN.exec(config.arn);
    if (!arn) throw new Error(`Not a state machine ARN: ${config.arn}`);
    const [, region = "", accountId = "", name = ""] = arn;
    if (name !== config.name) throw new Error(`State machine ${config.name} has ARN ${config.arn}`);
    this.region = region;
    this.roleArn = config.roleArn ?? `arn:aws:iam::${accountId}:role/local-stepfunctions`;
    this.definition = structuredClone(config.definition);

    // What AWS refuses when a state machine is created, refused here at the start.
    for (const [stateName, state] of Object.entries(this.definition.States)) {
      const where = `${config.name}.${stateName}`;
      if (!SUPPORTED_STATE_TYPES.has(state.Type)) {
        throw new Error(`${where}: ${state.Type} states are not supported`);
      }
      if (state.Type !== "Task") continue;
      const resource = TASK_RESOURCES[state.Resource];
      if (!resource) throw new Error(`${where}: unsupported resource ${state.Resource}`);
      const parameters = state.Parameters ?? {};
      if (!("FunctionName" in parameters || "FunctionName.$" in parameters)) {
        throw new Error(`${where}: Parameters must give a FunctionName`);
      }
      if (resource.callback && !JSON.stringify(parameters).includes("$$.Task.Token")) {
        throw new Error(`${where}: a callback task must pass $$.Task.Token`);
      }
      const { TimeoutSeconds, HeartbeatSeconds } = state;
      if (HeartbeatSeconds !== undefined && HeartbeatSeconds >= (TimeoutSeconds ?? Infinity)) {
        throw new Error(`${where}: HeartbeatSeconds must be less than TimeoutSeconds`);
      }
      this.tasks.set(stateName, state);
    }
    // The library validates the definition (asl-validator) and throws when it is invalid.
    this.library = new StateMachine(this.definitionForLibrary());
  }

  get arn(): string {
    return this.config.arn;
  }
  get name(): string {
    return this.config.name;
  }

  /** A copy whose timers the library never fires first; ours stand in for them. */
  private definitionForLibrary(): StateMachineDefinition {
    const { TimeoutSeconds: _executionTimeout, ...copy } = structuredClone(this.definition);
    for (const state of Object.values(copy.States)) {
      if (state.Type !== "Task") continue;
      state.TimeoutSeconds = timerSafeSeconds(
        (state.TimeoutSeconds ?? MAX_TIMER_SECONDS) + LIBRARY_TIMER_SLACK_SECONDS,
      );
    }
    // Our ASL subset types and the library's describe the same JSON; its types are stricter
    // about unions of optional comparison operators than is useful here.
    return copy as unknown as StateMachineDefinition;
  }
}

class Execution {
  status: ExecutionStatus = "RUNNING";
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  readonly history = new ExecutionHistory();
  readonly openTasks = new Set<RunningTask>();
  /** The last state entered, for the Error and Cause of a Fail state. */
  lastEnteredState?: string;
  private issuedToken?: string;
  /** Task attempts (entries and retries) the history shows, and those the library started. */
  private readonly attemptsRecorded = new Map<string, number>();
  private readonly attemptsStarted = new Map<string, number>();
  private readonly historyWaiters = new Set<{ state: string; attempt: number; done: () => void }>();
  private executionTimer?: NodeJS.Timeout;
  private abortRun: () => void = () => {};

  constructor(
    readonly machine: Machine,
    readonly arn: string,
    readonly name: string,
    readonly input: string,
    readonly startDate: Date,
    private readonly tokens: TaskTokenRegistry,
  ) {}

  attach(run: LibraryRun): void {
    this.abortRun = run.abort;
    const timeoutSeconds = this.machine.definition.TimeoutSeconds;
    if (timeoutSeconds !== undefined && timeoutSeconds <= MAX_TIMER_SECONDS) {
      this.executionTimer = setTimeout(
        () => this.interrupt("TIMED_OUT", "States.Timeout", "The execution timed out"),
        timeoutSeconds * 1000,
      );
    }
  }

  /** `$$.Task.Token`: one token per task attempt, however often the path is read. */
  currentToken(): string {
    this.issuedToken ??= this.tokens.issue();
    return this.issuedToken;
  }

  takeToken(): string | undefined {
    const token = this.issuedToken;
    this.issuedToken = undefined;
    return token;
  }

  taskAttemptStarted(state: string): number {
    const attempt = (this.attemptsStarted.get(state) ?? 0) + 1;
    this.attemptsStarted.set(state, attempt);
    return attempt;
  }

  taskAttemptRecorded(state: string): void {
    const attempt = (this.attemptsRecorded.get(state) ?? 0) + 1;
    this.attemptsRecorded.set(state, attempt);
    for (const waiter of this.historyWaiters) {
      if (waiter.state === state && waiter.attempt <= attempt) waiter.done();
    }
  }

  /** Resolves once the history shows the entry (or retry) of this task attempt. */
  historyShows(state: string, attempt: number): Promise<void> {
    if ((this.attemptsRecorded.get(state) ?? 0) >= attempt || this.status !== "RUNNING") {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const waiter = {
        state,
        attempt,
        done: () => {
          this.historyWaiters.delete(waiter);
          resolve();
        },
      };
      this.historyWaiters.add(waiter);
    });
  }

  /** The run ended by itself (the library's terminal event). */
  complete(
    status: "SUCCEEDED" | "FAILED",
    result: { output?: string; error?: string; cause?: string },
  ) {
    if (this.status !== "RUNNING") return;
    this.status = status;
    this.stopDate = new Date();
    this.output = result.output;
    this.error = result.error;
    this.cause = result.cause;
    this.release();
  }

  /** Stopped or timed out from outside: every task ends now, and the run is aborted. */
  interrupt(status: "ABORTED" | "TIMED_OUT", error?: string, cause?: string): void {
    if (this.status !== "RUNNING") return;
    this.status = status;
    this.stopDate = new Date();
    this.error = error;
    this.cause = cause;
    this.release();
    this.abortRun();
  }

  private release(): void {
    clearTimeout(this.executionTimer);
    for (const task of this.openTasks) task.cancel();
    for (const waiter of this.historyWaiters) waiter.done();
    const token = this.takeToken();
    if (token !== undefined) this.tokens.close(token);
  }
}

interface TaskSpec {
  resourceType: string;
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** Set for `.waitForTaskToken` tasks. */
  token?: string;
}

/**
 * One attempt of a Task state. It settles exactly once — by the function's result (plain
 * invoke), by a callback (after the function returned), by its function's error, by
 * `TimeoutSeconds` / `HeartbeatSeconds`, or by its execution stopping — and settling clears
 * its timers and closes its token.
 */
class RunningTask implements CallbackTarget {
  private settled = false;
  private submitted = false;
  private earlyCallback?: CallbackOutcome;
  private timeoutTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private readonly result = deferred<JsonValue>();

  constructor(
    private readonly execution: Execution,
    private readonly spec: TaskSpec,
    private readonly tokens: TaskTokenRegistry,
  ) {}

  get promise(): Promise<JsonValue> {
    return this.result.promise;
  }

  start(): void {
    this.execution.openTasks.add(this);
    if (this.spec.timeoutSeconds !== undefined && this.spec.timeoutSeconds <= MAX_TIMER_SECONDS) {
      this.timeoutTimer = setTimeout(
        () => this.timeOut("States.Timeout"),
        this.spec.timeoutSeconds * 1000,
      );
    }
    if (this.spec.token !== undefined) {
      this.tokens.open(this.spec.token, this);
      this.armHeartbeat();
    }
  }

  /** The function returned `response` (the `lambda:invoke` wrapper). */
  invoked(response: JsonValue): void {
    if (this.settled) return;
    if (this.spec.token === undefined) {
      this.succeed(response);
      return;
    }
    this.submitted = true;
    const output = dataField(response);
    this.execution.history.record("TaskSubmitted", {
      ...this.resource(),
      output: output.text,
      outputDetails: output.details,
    });
    // A callback may beat the function's return (it can call back itself); AWS still
    // records the submission first.
    if (this.earlyCallback) this.onCallback(this.earlyCallback);
  }

  invocationFailed(error: string, cause: string): void {
    this.fail(error, cause);
  }

  onCallback(outcome: CallbackOutcome): void {
    if (this.settled) return;
    if (!this.submitted) {
      this.earlyCallback = outcome;
      return;
    }
    if (outcome.kind === "success") this.succeed(outcome.output);
    else this.fail(outcome.error, outcome.cause);
  }

  onHeartbeat(): void {
    if (!this.settled) this.armHeartbeat();
  }

  /** The execution stopped: no history (AWS records only the execution's end). */
  cancel(): void {
    if (this.settle()) this.result.reject(new UncatchableError("The execution was stopped"));
  }

  private armHeartbeat(): void {
    const seconds = this.spec.heartbeatSeconds;
    if (seconds === undefined || seconds > MAX_TIMER_SECONDS) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.timeOut("States.HeartbeatTimeout"), seconds * 1000);
  }

  private succeed(output: JsonValue): void {
    if (!this.settle()) return;
    const data = dataField(output);
    this.execution.history.record("TaskSucceeded", {
      ...this.resource(),
      output: data.text,
      outputDetails: data.details,
    });
    this.result.resolve(output);
  }

  private fail(error: string | undefined, cause: string | undefined): void {
    if (!this.settle()) return;
    this.execution.history.record("TaskFailed", { ...this.resource(), error, cause });
    this.result.reject(new TaskError(error ?? "", cause));
  }

  private timeOut(error: "States.Timeout" | "States.HeartbeatTimeout"): void {
    if (!this.settle()) return;
    this.execution.history.record("TaskTimedOut", { ...this.resource(), error });
    this.result.reject(new TaskError(error, undefined));
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    this.execution.openTasks.delete(this);
    if (this.spec.token !== undefined) this.tokens.close(this.spec.token);
    return true;
  }

  private resource(): { resourceType: string; resource: string } {
    return { resourceType: this.spec.resourceType, resource: this.spec.resource };
  }
}

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
    const machine = this.machines.get(params.stateMachineArn);
    if (!machine) {
      throw new SfnServiceError(
        STATE_MACHINE_ARN.test(params.stateMachineArn) ? "StateMachineDoesNotExist" : "InvalidArn",
        `State Machine Does Not Exist: '${params.stateMachineArn}'`,
      );
    }
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
    const pageSize = params.maxResults || HISTORY_PAGE_DEFAULT;
    if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > HISTORY_PAGE_MAX) {
      throw new SfnServiceError(
        "ValidationException",
        `maxResults must be 0 to ${HISTORY_PAGE_MAX}`,
      );
    }
    const all = [...execution.history.list()];
    if (params.reverseOrder) all.reverse();
    const offset = params.nextToken === undefined ? 0 : pageOffset(params.nextToken, execution.arn);
    const page = all.slice(offset, offset + pageSize);
    const next = offset + page.length;
    return {
      events: params.includeExecutionData === false ? page.map(withoutExecutionData) : page.slice(),
      ...(next < all.length ? { nextToken: pageToken(execution.arn, next) } : {}),
    };
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

  private execution(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (execution) return execution;
    throw new SfnServiceError(
      EXECUTION_ARN.test(executionArn) ? "ExecutionDoesNotExist" : "InvalidArn",
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

function stateTypeName(type: string): StateTypeName {
  if (SUPPORTED_STATE_TYPES.has(type)) return type as StateTypeName;
  throw new Error(`Unsupported state type ${type}`);
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

function pageToken(executionArn: string, offset: number): string {
  return Buffer.from(JSON.stringify([executionArn, offset])).toString("base64url");
}

function pageOffset(token: string, executionArn: string): number {
  try {
    const [arn, offset] = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown[];
    if (arn === executionArn && Number.isInteger(offset) && (offset as number) >= 0) {
      return offset as number;
    }
  } catch {
    // Falls through to the same answer as any other foreign token.
  }
  throw new SfnServiceError("InvalidToken", "Invalid Token: 'Invalid pagination token'");
}
