/**
 * The ports of connector accounts and runs. The store's writes are conditional (DynamoDB is
 * the race gate); the workflow speaks of runs, never of executions or their ARNs.
 */
import type { ConnectorRunInput } from "./contract.js";
import type { AccountChange, AccountCondition, ConnectorAccount, ConnectorRun } from "./model.js";

export interface ConnectorAccountStore {
  create(account: ConnectorAccount): Promise<void>;
  get(accountId: string): Promise<ConnectorAccount | null>;
  /** Applies `change` if `condition` holds; false when it does not (or the account is gone). */
  update(accountId: string, change: AccountChange, condition: AccountCondition): Promise<boolean>;
  /**
   * Stores `run` and applies `change` in one transaction, if the account's last run is still
   * `previousRunId` (`null`: it never ran). False when another start won.
   */
  startRun(
    run: ConnectorRun,
    previousRunId: string | null,
    change: AccountChange,
  ): Promise<boolean>;
  getRun(runId: string): Promise<ConnectorRun | null>;
}

/** Where a run is: `error` is the name it failed with, as the workflow reports it. */
export interface RunProgress {
  status: "running" | "succeeded" | "failed";
  error?: string;
}

/** The connector-run workflow, as the API uses it. */
export interface ConnectorRunWorkflow {
  /** Starts the run `input.runId`. */
  start(input: ConnectorRunInput): Promise<void>;
  /** `null` when the run never started (its start failed). */
  progress(runId: string): Promise<RunProgress | null>;
  /** Resumes the waiting task; `gone` when it timed out, ended, or was answered already. */
  resume(taskToken: string): Promise<"resumed" | "gone">;
  /** Ends the wait with the failure `error`; `gone` as for `resume`. */
  endWait(taskToken: string, error: string): Promise<"ended" | "gone">;
}
