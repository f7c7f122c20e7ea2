/**
 * The one Amazon States Language definition (JSONPath, Standard workflow) of a connector run.
 * `infra/workflow.ts` deploys it to AWS Step Functions; `infra/local/stepfunctions/` runs the
 * very same object locally, so local and cloud cannot drift. It follows Cozy's
 * `BaseKonnector` (seed-semantics §1): log in; on 2FA, fail at once unless the run is manual;
 * else `HANDLE_LOGIN_SUCCESS`, wait for the code (wait-for-callback task token), submit it,
 * retry a wrong code a bounded number of times, `LOGIN_SUCCESS`, fetch, done.
 *
 * The 2FA code never enters the execution (history, state data, callback output): the API
 * stores it encrypted on the account and resumes the waiting task with
 * `TWOFA_CODE_RECEIVED_OUTPUT`; `SubmitTwoFaCode` reads the code from the account itself.
 */
import type { Linkable } from "./routes";

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

const CONNECTOR_RUN_ERROR_NAMES: readonly ConnectorRunError[] = Object.values(CONNECTOR_RUN_ERRORS);

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
 * The Lambda functions behind the tasks: handler module (exports `handler`), the resources it
 * is linked to, and its Lambda timeout. Task `TimeoutSeconds` is the function timeout plus
 * `INVOKE_MARGIN_SECONDS`, so a slow function surfaces as its own Lambda timeout error rather
 * than a state timeout that would leave it running.
 */
export const CONNECTOR_TASKS = {
  /** Logs in (saved session first, then credentials); `LOGGED_IN` or `TWOFA_NEEDED`. */
  Login: {
    handler: "functions/workflow/login",
    link: ["Table", "EncryptionKey"],
    functionTimeoutSeconds: 60,
  },
  /** Sets the Cozy account state (`HANDLE_LOGIN_SUCCESS`, `LOGIN_SUCCESS`). */
  SetAccountState: {
    handler: "functions/workflow/set-account-state",
    link: ["Table"],
    functionTimeoutSeconds: 10,
  },
  /**
   * Stores the task token (encrypted) on the account, sets `TWOFA_NEEDED[_RETRY].<TYPE>` and
   * publishes `account.twofa_needed`; the state then waits for the API's callback.
   */
  WaitForTwoFaCode: {
    handler: "functions/workflow/wait-for-twofa-code",
    link: ["Table", "Events", "EncryptionKey"],
    functionTimeoutSeconds: 10,
  },
  /** Reads the code the API stored encrypted on the account and submits it to the vendor. */
  SubmitTwoFaCode: {
    handler: "functions/workflow/submit-twofa-code",
    link: ["Table", "EncryptionKey"],
    functionTimeoutSeconds: 60,
  },
  /** Fetches the vendor's data and saves the session encrypted on the account. */
  Fetch: {
    handler: "functions/workflow/fetch",
    link: ["Table", "EncryptionKey"],
    functionTimeoutSeconds: 300,
  },
} as const satisfies Record<
  string,
  { handler: string; link: readonly Linkable[]; functionTimeoutSeconds: number }
>;
export type ConnectorTaskName = keyof typeof CONNECTOR_TASKS;

/** Time for the Lambda service to start and answer, on top of the function's own timeout. */
const INVOKE_MARGIN_SECONDS = 5;

/** Cozy's `waitForTwoFaCode` default `endTime`: now + 3 minutes (seed-semantics §1). */
export const DEFAULT_TWOFA_TIMEOUT_SECONDS = 3 * 60;
/** Codes a user may type for one run before `USER_ACTION_NEEDED.WRONG_TWOFA_CODE`. */
export const DEFAULT_MAX_TWOFA_ATTEMPTS = 3;
/** Bounds of the options; a wait longer than an hour is a stuck run, not a user typing. */
const MAX_TWOFA_TIMEOUT_SECONDS = 60 * 60;
const MAX_TWOFA_ATTEMPTS = 10;

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
  /** Resume with `SendTaskSuccess(taskToken, TWOFA_CODE_RECEIVED_OUTPUT)`; a secret. */
  taskToken: string;
}

export interface SubmitTwoFaCodeTaskPayload {
  accountId: string;
  runId: string;
  twoFaType: TwoFaType;
  attempt: number;
}
export interface SubmitTwoFaCodeTaskResult {
  outcome: "LOGGED_IN" | "WRONG_CODE";
}

export interface FetchTaskPayload {
  accountId: string;
  runId: string;
}

// --- The subset of ASL this definition uses --------------------------------------------------

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: "FULL" | "NONE";
}

interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

type AslCondition =
  | { And: AslCondition[] }
  | { Or: AslCondition[] }
  | { Not: AslCondition }
  | {
      Variable: string;
      StringEquals?: string;
      BooleanEquals?: boolean;
      NumericEquals?: number;
      NumericLessThan?: number;
      NumericGreaterThanEquals?: number;
      IsPresent?: boolean;
      IsNull?: boolean;
    };
type AslChoiceRule = AslCondition & { Next: string };

interface AslTransition {
  Next?: string;
  End?: true;
}

export interface AslTaskState extends AslTransition {
  Type: "Task";
  Comment?: string;
  Resource: string;
  Parameters?: { [key: string]: JsonValue };
  ResultSelector?: { [key: string]: JsonValue };
  ResultPath?: string | null;
  TimeoutSeconds: number;
  HeartbeatSeconds?: number;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
}

interface AslChoiceState {
  Type: "Choice";
  Comment?: string;
  Choices: AslChoiceRule[];
  Default?: string;
}

interface AslPassState extends AslTransition {
  Type: "Pass";
  Comment?: string;
  Parameters?: { [key: string]: JsonValue };
  Result?: JsonValue;
  ResultPath?: string | null;
}

export interface AslFailState {
  Type: "Fail";
  Comment?: string;
  Error?: string;
  ErrorPath?: string;
  Cause?: string;
  CausePath?: string;
}

interface AslSucceedState {
  Type: "Succeed";
  Comment?: string;
}

export type AslState =
  | AslTaskState
  | AslChoiceState
  | AslPassState
  | AslFailState
  | AslSucceedState;

export interface AslDefinition {
  Comment?: string;
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}

// --- The definition ----------------------------------------------------------------------------

export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";

/** Transient Lambda service failures, retried as AWS recommends for `lambda:invoke`. */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

/** State names, exported so tests and the run API can refer to them without string typos. */
export const CONNECTOR_RUN_STATES = {
  Login: "Login",
  LoginOutcome: "LoginOutcome",
  TwoFaNeededInBackground: "TwoFaNeededInBackground",
  DeactivateAutoSuccessfulLogin: "DeactivateAutoSuccessfulLogin",
  StartTwoFaAttempts: "StartTwoFaAttempts",
  WaitForTwoFaCode: "WaitForTwoFaCode",
  TwoFaExpired: "TwoFaExpired",
  SubmitTwoFaCode: "SubmitTwoFaCode",
  SubmitOutcome: "SubmitOutcome",
  CountTwoFaAttempt: "CountTwoFaAttempt",
  WrongTwoFaCode: "WrongTwoFaCode",
  NotifySuccessfulLogin: "NotifySuccessfulLogin",
  Fetch: "Fetch",
  Done: "Done",
  ConnectorFailed: "ConnectorFailed",
  UnknownError: "UnknownError",
} as const;
const S = CONNECTOR_RUN_STATES;

export interface ConnectorRunDefinitionOptions {
  functionArns: Record<ConnectorTaskName, string>;
  /** `TimeoutSeconds` of the wait for the user's code; default 180. */
  twoFaTimeoutSeconds?: number;
  /** Codes accepted per run, the first one included; default 3. */
  maxTwoFaAttempts?: number;
}

function requireIntegerInRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Errors thrown by task handlers carry a Cozy error name (Lambda reports it as `errorType`):
 * those end the run under their own name, through one Fail state reading it with `ErrorPath`
 * (only these names can reach it); anything else — a bug, `States.Timeout` of a task, a
 * Lambda runtime error — ends it as `UNKNOWN_ERROR`. Transient Lambda service errors are
 * retried first.
 */
function lambdaTask(
  taskName: ConnectorTaskName,
  functionArns: Record<ConnectorTaskName, string>,
  fields: Omit<AslTaskState, "Type" | "Resource" | "Retry" | "Catch" | "TimeoutSeconds"> & {
    Resource?: string;
    TimeoutSeconds?: number;
    /** Catchers tried before the Cozy names and `States.ALL`. */
    Catch?: AslCatcher[];
  },
): AslTaskState {
  const { Resource, TimeoutSeconds, Catch, Parameters, ...rest } = fields;
  return {
    Type: "Task",
    Resource: Resource ?? LAMBDA_INVOKE,
    Parameters: { FunctionName: functionArns[taskName], ...Parameters },
    TimeoutSeconds:
      TimeoutSeconds ?? CONNECTOR_TASKS[taskName].functionTimeoutSeconds + INVOKE_MARGIN_SECONDS,
    Retry: [
      {
        ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
        IntervalSeconds: 1,
        MaxAttempts: 3,
        BackoffRate: 2,
        JitterStrategy: "FULL",
      },
    ],
    Catch: [
      ...(Catch ?? []),
      {
        ErrorEquals: [...CONNECTOR_RUN_ERROR_NAMES],
        ResultPath: "$.error",
        Next: S.ConnectorFailed,
      },
      { ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: S.UnknownError },
    ],
    ...rest,
  };
}

const accountAndRun = { "accountId.$": "$.accountId", "runId.$": "$.runId" };

export function buildConnectorRunDefinition(opts: ConnectorRunDefinitionOptions): AslDefinition {
  const twoFaTimeoutSeconds = opts.twoFaTimeoutSeconds ?? DEFAULT_TWOFA_TIMEOUT_SECONDS;
  const maxTwoFaAttempts = opts.maxTwoFaAttempts ?? DEFAULT_MAX_TWOFA_ATTEMPTS;
  requireIntegerInRange("twoFaTimeoutSeconds", twoFaTimeoutSeconds, 1, MAX_TWOFA_TIMEOUT_SECONDS);
  requireIntegerInRange("maxTwoFaAttempts", maxTwoFaAttempts, 1, MAX_TWOFA_ATTEMPTS);
  const arns = opts.functionArns;

  return {
    Comment:
      "Connector run: login, 2FA wait for a callback on manual runs, fetch (Cozy BaseKonnector semantics)",
    StartAt: S.Login,
    States: {
      [S.Login]: lambdaTask("Login", arns, {
        Parameters: { "Payload.$": "$" },
        ResultSelector: {
          "outcome.$": "$.Payload.outcome",
          "twoFaType.$": "$.Payload.twoFaType",
        },
        ResultPath: "$.login",
        Next: S.LoginOutcome,
      }),
      [S.LoginOutcome]: {
        Type: "Choice",
        Choices: [
          { Variable: "$.login.outcome", StringEquals: "LOGGED_IN", Next: S.NotifySuccessfulLogin },
          {
            // `manual` must be present and true: anything else is a background run.
            And: [
              { Variable: "$.login.outcome", StringEquals: "TWOFA_NEEDED" },
              { Variable: "$.manual", IsPresent: true },
              { Variable: "$.manual", BooleanEquals: true },
            ],
            Next: S.DeactivateAutoSuccessfulLogin,
          },
          {
            Variable: "$.login.outcome",
            StringEquals: "TWOFA_NEEDED",
            Next: S.TwoFaNeededInBackground,
          },
        ],
        Default: S.UnknownError,
      },
      [S.TwoFaNeededInBackground]: {
        Type: "Fail",
        Comment: "Cozy: a background run never asks for a code",
        Error: CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED,
        Cause: "The vendor asked for a 2FA code during a background run",
      },
      [S.DeactivateAutoSuccessfulLogin]: lambdaTask("SetAccountState", arns, {
        Comment: "Cozy deactivateAutoSuccessfulLogin: Home waits for LOGIN_SUCCESS",
        Parameters: { Payload: { ...accountAndRun, state: "HANDLE_LOGIN_SUCCESS" } },
        ResultPath: null,
        Next: S.StartTwoFaAttempts,
      }),
      [S.StartTwoFaAttempts]: {
        Type: "Pass",
        Result: { attempt: 1, retry: false },
        ResultPath: "$.twoFa",
        Next: S.WaitForTwoFaCode,
      },
      [S.WaitForTwoFaCode]: lambdaTask("WaitForTwoFaCode", arns, {
        Resource: LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
        Parameters: {
          Payload: {
            ...accountAndRun,
            "twoFaType.$": "$.login.twoFaType",
            "retry.$": "$.twoFa.retry",
            "attempt.$": "$.twoFa.attempt",
            "taskToken.$": "$$.Task.Token",
          },
        },
        // Nothing sends heartbeats (the user types a code), so no HeartbeatSeconds: the whole
        // wait, the handler's invocation included, is bounded by TimeoutSeconds alone.
        TimeoutSeconds: twoFaTimeoutSeconds,
        // The callback output proves a code arrived; the code itself stays on the account.
        ResultPath: null,
        Catch: [
          {
            ErrorEquals: ["States.Timeout", "States.HeartbeatTimeout"],
            ResultPath: "$.error",
            Next: S.TwoFaExpired,
          },
        ],
        Next: S.SubmitTwoFaCode,
      }),
      [S.TwoFaExpired]: {
        Type: "Fail",
        Error: CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED,
        Cause: "No 2FA code arrived in time",
      },
      [S.SubmitTwoFaCode]: lambdaTask("SubmitTwoFaCode", arns, {
        Parameters: {
          Payload: {
            ...accountAndRun,
            "twoFaType.$": "$.login.twoFaType",
            "attempt.$": "$.twoFa.attempt",
          },
        },
        ResultSelector: { "outcome.$": "$.Payload.outcome" },
        ResultPath: "$.submit",
        Next: S.SubmitOutcome,
      }),
      [S.SubmitOutcome]: {
        Type: "Choice",
        Choices: [
          {
            Variable: "$.submit.outcome",
            StringEquals: "LOGGED_IN",
            Next: S.NotifySuccessfulLogin,
          },
          {
            And: [
              { Variable: "$.submit.outcome", StringEquals: "WRONG_CODE" },
              { Variable: "$.twoFa.attempt", NumericLessThan: maxTwoFaAttempts },
            ],
            Next: S.CountTwoFaAttempt,
          },
          { Variable: "$.submit.outcome", StringEquals: "WRONG_CODE", Next: S.WrongTwoFaCode },
        ],
        Default: S.UnknownError,
      },
      [S.CountTwoFaAttempt]: {
        Type: "Pass",
        Parameters: { "attempt.$": "States.MathAdd($.twoFa.attempt, 1)", retry: true },
        ResultPath: "$.twoFa",
        Next: S.WaitForTwoFaCode,
      },
      [S.WrongTwoFaCode]: {
        Type: "Fail",
        Error: CONNECTOR_RUN_ERRORS.WRONG_TWOFA_CODE,
        Cause: `The 2FA code was wrong ${maxTwoFaAttempts} time(s)`,
      },
      [S.NotifySuccessfulLogin]: lambdaTask("SetAccountState", arns, {
        Comment: "Cozy notifySuccessfulLogin",
        Parameters: { Payload: { ...accountAndRun, state: "LOGIN_SUCCESS" } },
        ResultPath: null,
        Next: S.Fetch,
      }),
      [S.Fetch]: lambdaTask("Fetch", arns, {
        Parameters: { Payload: accountAndRun },
        ResultPath: null,
        Next: S.Done,
      }),
      [S.Done]: { Type: "Succeed" },
      [S.ConnectorFailed]: {
        Type: "Fail",
        Comment: "Reached only through catchers listing Cozy error names",
        ErrorPath: "$.error.Error",
        Cause: "A connector task failed with a Cozy error",
      },
      [S.UnknownError]: {
        Type: "Fail",
        Error: CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR,
        Cause: "A connector task failed unexpectedly or returned an unknown outcome",
      },
    },
  };
}
