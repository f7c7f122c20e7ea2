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
 * The task token does enter the history (`TaskScheduled` parameters carry `$$.Task.Token`, as
 * in AWS), so a resume without a stored code makes the run wait again, boundedly.
 *
 * Every end of a run passes through `FinishRun`, which records on the account how the run
 * ended and clears its wait: failures are first put in `$.failure` (`{error, cause}`), then
 * `FinishFailedRun`, then the one `RunFailed` state that ends the run with that Cozy name.
 * The contract (error names, 2FA types, payloads) is core's: functions/core/connectors/.
 */
import {
  CONNECTOR_RUN_ERROR_NAMES,
  CONNECTOR_RUN_ERRORS,
  type ConnectorRunError,
  DEFAULT_MAX_TWOFA_ATTEMPTS,
  DEFAULT_TWOFA_TIMEOUT_SECONDS,
  MAX_EMPTY_RESUMES,
  MAX_TWOFA_RESENDS,
  TWOFA_RESEND_SIGNAL,
} from "../functions/core/connectors/contract";
import type { Linkable } from "./routes";

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
  /** Records on the account how the run ended and clears its wait, code and task token. */
  FinishRun: {
    handler: "functions/workflow/finish-run",
    link: ["Table"],
    functionTimeoutSeconds: 10,
  },
} as const satisfies Record<
  string,
  { handler: string; link: readonly Linkable[]; functionTimeoutSeconds: number }
>;
export type ConnectorTaskName = keyof typeof CONNECTOR_TASKS;

/** Time for the Lambda service to start and answer, on top of the function's own timeout. */
const INVOKE_MARGIN_SECONDS = 5;

/** Bounds of the options; a wait longer than an hour is a stuck run, not a user typing. */
const MAX_TWOFA_TIMEOUT_SECONDS = 60 * 60;
const MAX_TWOFA_ATTEMPTS = 10;

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
  CountResend: "CountResend",
  FirstResend: "FirstResend",
  NextResend: "NextResend",
  TooManyResends: "TooManyResends",
  SubmitTwoFaCode: "SubmitTwoFaCode",
  SubmitOutcome: "SubmitOutcome",
  CountTwoFaAttempt: "CountTwoFaAttempt",
  WaitAgainWithoutCode: "WaitAgainWithoutCode",
  WrongTwoFaCode: "WrongTwoFaCode",
  NotifySuccessfulLogin: "NotifySuccessfulLogin",
  Fetch: "Fetch",
  FinishSucceededRun: "FinishSucceededRun",
  Done: "Done",
  ConnectorFailed: "ConnectorFailed",
  UnknownError: "UnknownError",
  FinishFailedRun: "FinishFailedRun",
  RunFailed: "RunFailed",
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

const RETRY_LAMBDA_SERVICE_ERRORS: AslRetrier = {
  ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  JitterStrategy: "FULL",
};

/**
 * Errors thrown by task handlers carry a Cozy error name (Lambda reports it as `errorType`):
 * those end the run under their own name (`ConnectorFailed` reads it; only these names can
 * reach it); anything else — a bug, `States.Timeout` of a task, a Lambda runtime error — ends
 * it as `UNKNOWN_ERROR`. Both go through `FinishFailedRun`. Transient Lambda service errors
 * are retried first.
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
    Retry: [RETRY_LAMBDA_SERVICE_ERRORS],
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

/** A Pass state that records why the run fails, then finishes it. */
function failure(error: ConnectorRunError, cause: string, comment?: string): AslPassState {
  return {
    Type: "Pass",
    ...(comment === undefined ? {} : { Comment: comment }),
    Result: { error, cause },
    ResultPath: "$.failure",
    Next: S.FinishFailedRun,
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
      [S.TwoFaNeededInBackground]: failure(
        CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED,
        "The vendor asked for a 2FA code during a background run",
        "Cozy: a background run never asks for a code",
      ),
      [S.DeactivateAutoSuccessfulLogin]: lambdaTask("SetAccountState", arns, {
        Comment: "Cozy deactivateAutoSuccessfulLogin: Home waits for LOGIN_SUCCESS",
        Parameters: { Payload: { ...accountAndRun, state: "HANDLE_LOGIN_SUCCESS" } },
        ResultPath: null,
        Next: S.StartTwoFaAttempts,
      }),
      [S.StartTwoFaAttempts]: {
        Type: "Pass",
        Result: { attempt: 1, retry: false, emptyResumes: 0 },
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
            maxAttempts: maxTwoFaAttempts,
            timeoutSeconds: twoFaTimeoutSeconds,
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
          // The user asked for a new code: log in again, which makes the vendor send one.
          { ErrorEquals: [TWOFA_RESEND_SIGNAL], ResultPath: "$.signal", Next: S.CountResend },
        ],
        Next: S.SubmitTwoFaCode,
      }),
      [S.TwoFaExpired]: failure(CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED, "No 2FA code arrived in time"),
      [S.CountResend]: {
        Type: "Choice",
        Choices: [
          {
            And: [
              { Variable: "$.resends.count", IsPresent: true },
              { Variable: "$.resends.count", NumericGreaterThanEquals: MAX_TWOFA_RESENDS },
            ],
            Next: S.TooManyResends,
          },
          { Variable: "$.resends.count", IsPresent: true, Next: S.NextResend },
        ],
        Default: S.FirstResend,
      },
      [S.FirstResend]: {
        Type: "Pass",
        Result: { count: 1 },
        ResultPath: "$.resends",
        Next: S.Login,
      },
      [S.NextResend]: {
        Type: "Pass",
        Parameters: { "count.$": "States.MathAdd($.resends.count, 1)" },
        ResultPath: "$.resends",
        Next: S.Login,
      },
      [S.TooManyResends]: failure(
        CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED,
        `More than ${MAX_TWOFA_RESENDS} new 2FA codes were asked for`,
      ),
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
          {
            // Resumed with no code stored: not the user (the API stores the code first) but
            // a task token read from the history. Wait again; a few times at most.
            And: [
              { Variable: "$.submit.outcome", StringEquals: "NO_CODE" },
              { Variable: "$.twoFa.emptyResumes", NumericLessThan: MAX_EMPTY_RESUMES },
            ],
            Next: S.WaitAgainWithoutCode,
          },
          { Variable: "$.submit.outcome", StringEquals: "NO_CODE", Next: S.TwoFaExpired },
        ],
        Default: S.UnknownError,
      },
      [S.CountTwoFaAttempt]: {
        Type: "Pass",
        Parameters: {
          "attempt.$": "States.MathAdd($.twoFa.attempt, 1)",
          retry: true,
          "emptyResumes.$": "$.twoFa.emptyResumes",
        },
        ResultPath: "$.twoFa",
        Next: S.WaitForTwoFaCode,
      },
      [S.WaitAgainWithoutCode]: {
        Type: "Pass",
        Parameters: {
          "attempt.$": "$.twoFa.attempt",
          "retry.$": "$.twoFa.retry",
          "emptyResumes.$": "States.MathAdd($.twoFa.emptyResumes, 1)",
        },
        ResultPath: "$.twoFa",
        Next: S.WaitForTwoFaCode,
      },
      [S.WrongTwoFaCode]: failure(
        CONNECTOR_RUN_ERRORS.WRONG_TWOFA_CODE,
        `The 2FA code was wrong ${maxTwoFaAttempts} time(s)`,
      ),
      [S.NotifySuccessfulLogin]: lambdaTask("SetAccountState", arns, {
        Comment: "Cozy notifySuccessfulLogin",
        Parameters: { Payload: { ...accountAndRun, state: "LOGIN_SUCCESS" } },
        ResultPath: null,
        Next: S.Fetch,
      }),
      [S.Fetch]: lambdaTask("Fetch", arns, {
        Parameters: { Payload: accountAndRun },
        ResultPath: null,
        Next: S.FinishSucceededRun,
      }),
      [S.FinishSucceededRun]: lambdaTask("FinishRun", arns, {
        Parameters: { Payload: { ...accountAndRun, error: null } },
        ResultPath: null,
        Next: S.Done,
      }),
      [S.Done]: { Type: "Succeed" },
      [S.ConnectorFailed]: {
        Type: "Pass",
        Comment: "Reached only through catchers listing Cozy error names",
        Parameters: {
          "error.$": "$.error.Error",
          cause: "A connector task failed with a Cozy error",
        },
        ResultPath: "$.failure",
        Next: S.FinishFailedRun,
      },
      [S.UnknownError]: failure(
        CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR,
        "A connector task failed unexpectedly or returned an unknown outcome",
      ),
      [S.FinishFailedRun]: {
        Type: "Task",
        Comment: "Every failure passes here: the account shows the error and keeps no wait",
        Resource: LAMBDA_INVOKE,
        Parameters: {
          FunctionName: arns.FinishRun,
          Payload: { ...accountAndRun, "error.$": "$.failure.error" },
        },
        TimeoutSeconds: CONNECTOR_TASKS.FinishRun.functionTimeoutSeconds + INVOKE_MARGIN_SECONDS,
        ResultPath: null,
        Retry: [RETRY_LAMBDA_SERVICE_ERRORS],
        // The run fails with its own error even if its account could not be finished.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.finishError", Next: S.RunFailed }],
        Next: S.RunFailed,
      },
      [S.RunFailed]: {
        Type: "Fail",
        Comment: "The failure's Cozy name, set by the states that lead to FinishFailedRun",
        ErrorPath: "$.failure.error",
        CausePath: "$.failure.cause",
      },
    },
  };
}
