import type { JsonValue } from "../../connector-run.asl.js";
import { MAX_TIMER_SECONDS } from "./definitions.js";
import type { Execution } from "./execution.js";
import { dataField } from "./history.js";
import { deferred } from "./promise-with-resolvers.js";
import { TaskError } from "./task-error.js";
import type { CallbackOutcome, CallbackTarget, TaskTokenRegistry } from "./task-tokens.js";
import { UncatchableError } from "./uncatchable-error.js";

export interface TaskSpec {
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
export class RunningTask implements CallbackTarget {
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
