/**
 * The connector SDK: what a connector (code that logs into a vendor's site and fetches data)
 * implements, and the Cozy names of what the workflow does around it.
 *
 * In Cozy a konnector is one long process that calls the library itself:
 *
 *   await this.deactivateAutoSuccessfulLogin()    // account state HANDLE_LOGIN_SUCCESS
 *   const code = await this.waitForTwoFaCode({ type: "sms", retry })   // TWOFA_NEEDED.SMS …
 *   await this.notifySuccessfulLogin()            // account state LOGIN_SUCCESS
 *
 * Here a run is a Step Functions execution, and a process may not sit for minutes waiting for
 * a person, so the connector's code is cut at the wait and the library calls become states of
 * the one ASL definition (infra/connector-run.asl.ts):
 *
 * | Cozy (`BaseKonnector`, `CookieKonnector`)  | here                                          |
 * |--------------------------------------------|-----------------------------------------------|
 * | `authenticate()` up to the 2FA detection   | `Connector.login` (the `Login` task)          |
 * | `deactivateAutoSuccessfulLogin()`          | `SetAccountState` `HANDLE_LOGIN_SUCCESS`      |
 * | `waitForTwoFaCode({type, retry})`          | the `WaitForTwoFaCode` task (task token)      |
 * | sending the code to the vendor             | `Connector.submitTwoFaCode` (`SubmitTwoFaCode`)|
 * | `notifySuccessfulLogin()`                  | `SetAccountState` `LOGIN_SUCCESS`             |
 * | `fetch()`                                  | `Connector.fetch` (the `Fetch` task)          |
 * | `testSession()` and the saved cookie jar   | `Connector.testSession`, the sealed session   |
 * | background run: `USER_ACTION_NEEDED.TWOFA_EXPIRED` at once | the `LoginOutcome` Choice  |
 * | the end of the run, failed or not          | the `FinishRun` task (account says how)       |
 *
 * core/connectors/tasks.ts names its use cases after the Cozy calls (`deactivateAutoSuccessfulLogin`,
 * `waitForTwoFaCode`, `notifySuccessfulLogin`). A connector never sees the task token, and it
 * sees the user's code only as the argument of `submitTwoFaCode`.
 */
import type { ConnectorRunError, TwoFaType } from "./connectors/contract.js";

export type { ConnectorRunError, TwoFaType };

/** The credentials the user gave for the vendor; sealed at rest, opened only inside a task. */
export interface ConnectorAuth {
  login: string;
  password: string;
}

/**
 * What a connector gets on every call. `session` and `pending` are the connector's own opaque
 * strings (a cookie jar, a refresh token, a half-done login), stored sealed on the account.
 */
export interface ConnectorContext {
  accountId: string;
  runId: string;
  /** Started by the user (Cozy `COZY_JOB_MANUAL_EXECUTION`); a background run never asks. */
  manual: boolean;
  auth: ConnectorAuth;
  /** What `login` asked to keep until the code arrives. */
  pending?: string;
}

export type ConnectorLoginResult =
  | { outcome: "LOGGED_IN"; session: string }
  | {
      outcome: "TWOFA_NEEDED";
      twoFaType: TwoFaType;
      /** State to keep for `submitTwoFaCode` (for example a sealed partial login). */
      pending?: string;
    };

type ConnectorSubmitResult = { ok: true; session: string } | { ok: false; wrongCode: true };

/**
 * `testSession` may renew the session (a rotated refresh token, new cookies): the new one is
 * saved at once, since the old one may no longer work.
 */
type ConnectorSessionTest = { valid: true; session: string } | { valid: false };

/** A public summary of what was fetched: it ends up in the execution history. No secrets. */
export type FetchSummary = Record<string, string | number | boolean>;

interface ConnectorFetchResult {
  summary: FetchSummary;
  /** The session as it is at the end of the run (Cozy saves the cookie jar then too). */
  session: string;
}

/**
 * A connector. Each method throws a `ConnectorError` named after a Cozy error
 * (`LOGIN_FAILED`, `VENDOR_DOWN`, …) when the run must end with it.
 */
export interface Connector {
  login(ctx: ConnectorContext): Promise<ConnectorLoginResult>;
  submitTwoFaCode(ctx: ConnectorContext, code: string): Promise<ConnectorSubmitResult>;
  fetch(ctx: ConnectorContext, session: string): Promise<ConnectorFetchResult>;
  testSession(ctx: ConnectorContext, session: string): Promise<ConnectorSessionTest>;
}

/**
 * A failure with a Cozy error name. Lambda reports `name` as the error type, and the state
 * machine's catchers end the run under that name.
 */
export class ConnectorError extends Error {
  override readonly name: ConnectorRunError;
  constructor(name: ConnectorRunError, message: string) {
    super(message);
    this.name = name;
  }
}

const TWOFA_STATE_SUFFIX: Record<TwoFaType, string> = {
  email: ".EMAIL",
  sms: ".SMS",
  app_code: ".APP_CODE",
  app: ".APP",
};

/** Cozy account states (seed-semantics §1). `null`: nothing to show. */
export type AccountState =
  | null
  | "HANDLE_LOGIN_SUCCESS"
  | "LOGIN_SUCCESS"
  | "RESET_SESSION"
  | `TWOFA_NEEDED${string}`
  | `TWOFA_NEEDED_RETRY${string}`;

/** Cozy `waitForTwoFaCode`: `(retry ? 'TWOFA_NEEDED_RETRY' : 'TWOFA_NEEDED') + suffix`. */
export function twoFaNeededState(type: TwoFaType, retry: boolean): AccountState {
  return `${retry ? "TWOFA_NEEDED_RETRY" : "TWOFA_NEEDED"}${TWOFA_STATE_SUFFIX[type]}`;
}
