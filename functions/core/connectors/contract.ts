/**
 * The contract of a connector run, shared by the state machine (infra/connector-run.asl.ts
 * builds its definition from it), the task handlers (functions/workflow/) and the API: the Cozy
 * error names a run ends with, the 2FA types, the execution input, each task's payload and
 * result, and what the API hands to a waiting task. Plain data and types only.
 */

/** Cozy connector error names (seed-semantics §1); a run ends with one of them. */
export const CONNECTOR_RUN_ERRORS = {
  LOGIN_FAILED: "LOGIN_FAILED",
  LOGIN_FAILED_NEEDS_SECRET: "LOGIN_FAILED.NEEDS_SECRET",
  LOGIN_FAILED_TOO_MANY_ATTEMPTS: "LOGIN_FAILED.TOO_MANY_ATTEMPTS",
  USER_ACTION_NEEDED: "USER_ACTION_NEEDED",
  TWOFA_EXPIRED: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
  WRONG_TWOFA_CODE: "USER_ACTION_NEEDED.WRONG_TWOFA_CODE",
  OAUTH_OUTDATED: "USER_ACTION_NEEDED.OAUTH_OUTDATED",
  ACCOUNT_REMOVED: "USER_ACTION_NEEDED.ACCOUNT_REMOVED",
  CHANGE_PASSWORD: "USER_ACTION_NEEDED.CHANGE_PASSWORD",
  SCA_REQUIRED: "USER_ACTION_NEEDED.SCA_REQUIRED",
  WEBAUTH_REQUIRED: "USER_ACTION_NEEDED.WEBAUTH_REQUIRED",
  CHALLENGE_ASKED: "CHALLENGE_ASKED",
  CAPTCHA_RESOLUTION_FAILED: "CAPTCHA_RESOLUTION_FAILED",
  VENDOR_DOWN: "VENDOR_DOWN",
  MAINTENANCE: "MAINTENANCE",
  NOT_EXISTING_DIRECTORY: "NOT_EXISTING_DIRECTORY",
  FILE_DOWNLOAD_FAILED: "FILE_DOWNLOAD_FAILED",
  SAVE_FILE_FAILED: "SAVE_FILE_FAILED",
  DISK_QUOTA_EXCEEDED: "DISK_QUOTA_EXCEEDED",
  TERMS_VERSION_MISMATCH: "TERMS_VERSION_MISMATCH",
  UNKNOWN_ERROR: "UNKNOWN_ERROR",
  UNKNOWN_ERROR_PARTIAL_SYNC: "UNKNOWN_ERROR.PARTIAL_SYNC",
} as const;
export type ConnectorRunError = (typeof CONNECTOR_RUN_ERRORS)[keyof typeof CONNECTOR_RUN_ERRORS];

export const CONNECTOR_RUN_ERROR_NAMES: readonly ConnectorRunError[] =
  Object.values(CONNECTOR_RUN_ERRORS);

export function isConnectorRunError(name: unknown): name is ConnectorRunError {
  return (
    typeof name === "string" && (CONNECTOR_RUN_ERROR_NAMES as readonly string[]).includes(name)
  );
}

/** Cozy 2FA types; the account state suffix is derived from them (`sms` → `.SMS`). */
export const TWOFA_TYPES = ["email", "sms", "app_code", "app"] as const;
export type TwoFaType = (typeof TWOFA_TYPES)[number];

/** What the API hands to `SendTaskSuccess`: proof that a code arrived, never the code. */
export const TWOFA_CODE_RECEIVED_OUTPUT = { received: true } as const;

/**
 * The error the API ends a wait with (`SendTaskFailure`) when the user asks for a new code:
 * the run goes back to its login, which makes the vendor send one. Not a Cozy name: it never
 * ends a run.
 */
export const TWOFA_RESEND_SIGNAL = "TwoFa.ResendRequested";

/** Cozy's `waitForTwoFaCode` default `endTime`: now + 3 minutes (seed-semantics §1). */
export const DEFAULT_TWOFA_TIMEOUT_SECONDS = 3 * 60;
/** Codes a user may type for one run before `USER_ACTION_NEEDED.WRONG_TWOFA_CODE`. */
export const DEFAULT_MAX_TWOFA_ATTEMPTS = 3;
/** New codes a user may ask for during one run. */
export const MAX_TWOFA_RESENDS = 3;
/**
 * Resumes with no code stored (only someone who read the task token from the execution
 * history can make one) that a run absorbs by waiting again; one more ends it.
 */
export const MAX_EMPTY_RESUMES = 3;

// --- Execution input, task payloads and results: the contract of the task handlers ---------

/** Execution input (`StartExecution.input`). `manual` absent counts as a background run. */
export interface ConnectorRunInput {
  accountId: string;
  runId: string;
  manual: boolean;
}

/** Login's payload is the execution input itself. */
export type LoginTaskPayload = ConnectorRunInput;
/** `twoFaType` is `null` when logged in: the ResultSelector reads it on every outcome. */
export type LoginTaskResult =
  | { outcome: "LOGGED_IN"; twoFaType: null }
  | { outcome: "TWOFA_NEEDED"; twoFaType: TwoFaType };

export type ConnectorAccountState = "HANDLE_LOGIN_SUCCESS" | "LOGIN_SUCCESS";
export interface SetAccountStateTaskPayload {
  accountId: string;
  runId: string;
  state: ConnectorAccountState;
}

export interface WaitForTwoFaCodeTaskPayload {
  accountId: string;
  runId: string;
  twoFaType: TwoFaType;
  /** `true` after a wrong code: the handler sets `TWOFA_NEEDED_RETRY.<TYPE>`. */
  retry: boolean;
  /** 1-based number of the code being asked for. */
  attempt: number;
  /** Codes accepted per run: `maxAttempts - attempt + 1` are left. */
  maxAttempts: number;
  /** The wait's `TimeoutSeconds`: when it gives up, counted from now. */
  timeoutSeconds: number;
  /** Resume with `SendTaskSuccess(taskToken, TWOFA_CODE_RECEIVED_OUTPUT)`; a secret. */
  taskToken: string;
}

export interface SubmitTwoFaCodeTaskPayload {
  accountId: string;
  runId: string;
  twoFaType: TwoFaType;
  attempt: number;
}
/** `NO_CODE`: the wait was resumed but no code was stored; the run waits again. */
export interface SubmitTwoFaCodeTaskResult {
  outcome: "LOGGED_IN" | "WRONG_CODE" | "NO_CODE";
}

export interface FetchTaskPayload {
  accountId: string;
  runId: string;
}

/** Every run passes here at its end: `error` is the Cozy name it fails with, `null` if none. */
export interface FinishRunTaskPayload {
  accountId: string;
  runId: string;
  error: ConnectorRunError | null;
}
