/**
 * `States.Runtime`: ends the run whatever its `Retry` and `Catch` say (the library reads
 * `isRetryable`/`isCatchable`, as its own runtime errors carry them). Used when an execution
 * was stopped under a task, and for definition faults that AWS would have refused up front.
 */
export class UncatchableError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = "States.Runtime";
  }
}
