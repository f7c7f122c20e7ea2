import type { StateMachine } from "aws-local-stepfunctions";
import { MAX_TIMER_SECONDS } from "./definitions.js";
import { ExecutionHistory } from "./history.js";
import type { Machine } from "./machine.js";
import type { RunningTask } from "./running-task.js";
import type { TaskTokenRegistry } from "./task-tokens.js";

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

export type LibraryRun = ReturnType<StateMachine["run"]>;

/** One execution: its status, history, open tasks and timers. */
export class Execution {
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
