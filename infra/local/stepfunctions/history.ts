/**
 * An execution's history in the shape `GetExecutionHistory` returns it in AWS: numbered
 * events, each naming the one before it, with the detail field AWS uses for its type
 * (`taskScheduledEventDetails`, `executionFailedEventDetails`, …).
 */

export type StateTypeName = "Task" | "Choice" | "Pass" | "Fail" | "Succeed" | "Wait";

export type HistoryEventType =
  | "ExecutionStarted"
  | "ExecutionSucceeded"
  | "ExecutionFailed"
  | "ExecutionAborted"
  | "ExecutionTimedOut"
  | `${StateTypeName}StateEntered`
  | `${StateTypeName}StateExited`
  | "TaskScheduled"
  | "TaskStarted"
  | "TaskSubmitted"
  | "TaskSucceeded"
  | "TaskFailed"
  | "TaskTimedOut";

interface DataDetails {
  truncated: boolean;
}
interface TaskResource {
  /** `lambda` for `arn:aws:states:::lambda:invoke…`. */
  resourceType: string;
  /** `invoke` or `invoke.waitForTaskToken`. */
  resource: string;
}
interface ErrorDetails {
  error?: string;
  cause?: string;
}

/** Detail fields by event type; exactly one is set on an event. */
interface HistoryEventDetails {
  executionStartedEventDetails: { input?: string; inputDetails?: DataDetails; roleArn: string };
  executionSucceededEventDetails: { output?: string; outputDetails?: DataDetails };
  executionFailedEventDetails: ErrorDetails;
  executionAbortedEventDetails: ErrorDetails;
  executionTimedOutEventDetails: ErrorDetails;
  stateEnteredEventDetails: { name: string; input?: string; inputDetails?: DataDetails };
  stateExitedEventDetails: { name: string; output?: string; outputDetails?: DataDetails };
  taskScheduledEventDetails: TaskResource & {
    region: string;
    parameters: string;
    timeoutInSeconds?: number;
    heartbeatInSeconds?: number;
  };
  taskStartedEventDetails: TaskResource;
  taskSubmittedEventDetails: TaskResource & { output?: string; outputDetails?: DataDetails };
  taskSucceededEventDetails: TaskResource & { output?: string; outputDetails?: DataDetails };
  taskFailedEventDetails: TaskResource & ErrorDetails;
  taskTimedOutEventDetails: TaskResource & ErrorDetails;
}
type DetailsKey = keyof HistoryEventDetails;

export type HistoryEvent = {
  id: number;
  /** The event before this one (0 for the first), as AWS chains a linear run. */
  previousEventId: number;
  timestamp: Date;
  type: HistoryEventType;
} & Partial<HistoryEventDetails>;

const DETAILS_KEY_OF_TYPE: Record<HistoryEventType, DetailsKey> = {
  ExecutionStarted: "executionStartedEventDetails",
  ExecutionSucceeded: "executionSucceededEventDetails",
  ExecutionFailed: "executionFailedEventDetails",
  ExecutionAborted: "executionAbortedEventDetails",
  ExecutionTimedOut: "executionTimedOutEventDetails",
  TaskStateEntered: "stateEnteredEventDetails",
  ChoiceStateEntered: "stateEnteredEventDetails",
  PassStateEntered: "stateEnteredEventDetails",
  FailStateEntered: "stateEnteredEventDetails",
  SucceedStateEntered: "stateEnteredEventDetails",
  WaitStateEntered: "stateEnteredEventDetails",
  TaskStateExited: "stateExitedEventDetails",
  ChoiceStateExited: "stateExitedEventDetails",
  PassStateExited: "stateExitedEventDetails",
  FailStateExited: "stateExitedEventDetails",
  SucceedStateExited: "stateExitedEventDetails",
  WaitStateExited: "stateExitedEventDetails",
  TaskScheduled: "taskScheduledEventDetails",
  TaskStarted: "taskStartedEventDetails",
  TaskSubmitted: "taskSubmittedEventDetails",
  TaskSucceeded: "taskSucceededEventDetails",
  TaskFailed: "taskFailedEventDetails",
  TaskTimedOut: "taskTimedOutEventDetails",
};

/** Maps each event type to the detail field it carries (a compile-time check of pairs). */
type DetailsOf<T extends HistoryEventType> = T extends "ExecutionStarted"
  ? HistoryEventDetails["executionStartedEventDetails"]
  : T extends "ExecutionSucceeded"
    ? HistoryEventDetails["executionSucceededEventDetails"]
    : T extends "ExecutionFailed" | "ExecutionAborted" | "ExecutionTimedOut"
      ? ErrorDetails
      : T extends `${StateTypeName}StateEntered`
        ? HistoryEventDetails["stateEnteredEventDetails"]
        : T extends `${StateTypeName}StateExited`
          ? HistoryEventDetails["stateExitedEventDetails"]
          : T extends "TaskScheduled"
            ? HistoryEventDetails["taskScheduledEventDetails"]
            : T extends "TaskStarted"
              ? TaskResource
              : T extends "TaskSubmitted" | "TaskSucceeded"
                ? HistoryEventDetails["taskSucceededEventDetails"]
                : TaskResource & ErrorDetails;

/** A value as the history carries it: JSON text, never truncated (we keep it all). */
export function dataField(value: unknown): { text: string; details: DataDetails } {
  return { text: JSON.stringify(value ?? null), details: { truncated: false } };
}

export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];

  record<T extends HistoryEventType>(type: T, details: DetailsOf<T>, timestamp = new Date()): void {
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: id - 1,
      timestamp,
      type,
      [DETAILS_KEY_OF_TYPE[type]]: details,
    });
  }

  list(): readonly HistoryEvent[] {
    return this.events;
  }
}

const EXECUTION_DATA_FIELDS = new Set(["input", "inputDetails", "output", "outputDetails"]);

/**
 * `includeExecutionData: false` drops inputs and outputs (AWS: "the input or output of a
 * history event"), keeping names, errors and task parameters.
 */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const copy: HistoryEvent = { ...event };
  for (const key of new Set(Object.values(DETAILS_KEY_OF_TYPE))) {
    const details = copy[key];
    if (details === undefined) continue;
    const kept = Object.entries(details).filter(([field]) => !EXECUTION_DATA_FIELDS.has(field));
    Object.assign(copy, { [key]: Object.fromEntries(kept) });
  }
  return copy;
}
