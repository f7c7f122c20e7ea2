/**
 * Connector accounts and runs (Cozy konnectors, seed-semantics §1) — the API's use cases and
 * the Step Functions tasks' use cases, against small ports.
 *
 * Secrets on an account are sealed (AES-256-GCM) with contexts that bind each one to its
 * account and, for run-scoped values, to its run: the vendor credentials, the session, what a
 * connector keeps between login and code, the task token of the waiting run, and the code the
 * user typed. None of them is ever returned or logged. The task token and the code never enter
 * the execution either: the wait stores the token here, the API stores the code here and
 * resumes the run with a bare "a code arrived".
 *
 * DynamoDB is the race gate: one run per account (the start is conditional on the last run
 * seen), one code per wait (claiming the task token and storing the code is one conditional
 * write), and a task writes to its account only while the account's last run is its own.
 */
import {
  CONNECTOR_RUN_ERRORS,
  type ConnectorAccountState,
  type ConnectorRunInput,
  type FetchTaskPayload,
  isConnectorRunError,
  type LoginTaskPayload,
  type LoginTaskResult,
  type SetAccountStateTaskPayload,
  type SubmitTwoFaCodeTaskPayload,
  type SubmitTwoFaCodeTaskResult,
  type TwoFaType,
  type WaitForTwoFaCodeTaskPayload,
} from "../../infra/connector-run.asl.js";
import {
  type AccountState,
  type Connector,
  type ConnectorAuth,
  type ConnectorContext,
  ConnectorError,
  type FetchSummary,
  twoFaNeededState,
} from "./connector-sdk.js";
import { codeDestination } from "./contacts.js";
import { open, randomId, seal } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, Locale, Recipient } from "./events.js";
import type { Clock, Random } from "./ports.js";
import type { User } from "./users.js";

/** The connectors this service runs; `demo` logs into this service's own `/v1/token`. */
const CONNECTOR_NAMES = ["demo"] as const;
export type ConnectorName = (typeof CONNECTOR_NAMES)[number];

function isConnectorName(name: string): name is ConnectorName {
  return (CONNECTOR_NAMES as readonly string[]).includes(name);
}

export interface ConnectorAccount {
  id: string;
  ownerId: string;
  connector: ConnectorName;
  state: AccountState;
  createdAt: string;
  updatedAt: string;
  /** `{login, password}` as JSON, sealed. */
  sealedAuth: string;
  /** The connector's session (cookies, refresh token), sealed; tried first on every run. */
  sealedSession?: string;
  /** What the connector's `login` asked to keep until the code arrives, sealed to the run. */
  sealedPending?: string;
  /**
   * The 2FA type the vendor asked for at the last login with credentials; absent when it
   * asked for none. A background run with no live session then fails at once instead of
   * making the vendor send a code nobody will type.
   */
  vendorTwoFaType?: TwoFaType;
  /** The last run started (running or not: the execution says). */
  lastRunId?: string;
  lastRunExecutionArn?: string;
  lastRunManual?: boolean;
  lastRunStartedAt?: string;
  /** Set while a run waits for a code: the wait's task token, sealed to the run. */
  sealedTaskToken?: string;
  waitingRunId?: string;
  waitingAttempt?: number;
  /** The code the user typed, sealed to the run, until `SubmitTwoFaCode` takes it. */
  sealedTwoFaCode?: string;
  lastFetchAt?: string;
  lastFetchSummary?: FetchSummary;
}

type MutableField = Exclude<keyof ConnectorAccount, "id" | "ownerId" | "connector" | "createdAt">;
type RemovableField = Exclude<MutableField, "state" | "updatedAt" | "sealedAuth">;

export interface AccountChange {
  set?: Partial<Pick<ConnectorAccount, MutableField>>;
  remove?: RemovableField[];
}

/**
 * What an account must still hold for a change to apply; each member is an equality, and
 * `null` means "absent". All members must hold.
 */
export interface AccountCondition {
  lastRunId?: string | null;
  sealedTaskToken?: string;
  sealedTwoFaCode?: string;
}

export interface ConnectorRun {
  id: string;
  accountId: string;
  ownerId: string;
  executionArn: string;
  manual: boolean;
  startedAt: string;
}

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

/** Step Functions execution statuses. */
export type ExecutionStatus =
  | "RUNNING"
  | "SUCCEEDED"
  | "FAILED"
  | "TIMED_OUT"
  | "ABORTED"
  | "PENDING_REDRIVE";

/** The connector-run state machine, as the API uses it. */
export interface ConnectorRunWorkflow {
  /** The execution ARN a run gets: its execution is named after the run id. */
  executionArnOf(runId: string): string;
  start(runId: string, input: ConnectorRunInput): Promise<void>;
  /** `null` when the execution does not exist (its start failed). */
  describe(executionArn: string): Promise<{ status: ExecutionStatus; error?: string } | null>;
  /** Resumes the waiting task; `gone` when it timed out, ended, or was answered already. */
  resume(taskToken: string): Promise<"resumed" | "gone">;
}

// --- Sealing contexts: each secret opens only on its own account (and run) -------------------

const sealed = {
  auth: (accountId: string) => `connector-account:${accountId}:auth`,
  session: (accountId: string) => `connector-account:${accountId}:session`,
  pending: (accountId: string, runId: string) => `connector-account:${accountId}:pending:${runId}`,
  taskToken: (accountId: string, runId: string) =>
    `connector-account:${accountId}:task-token:${runId}`,
  code: (accountId: string, runId: string) => `connector-account:${accountId}:twofa-code:${runId}`,
};

/** Everything a run leaves on its account that the next run must not inherit. */
const RUN_SCOPED_FIELDS: RemovableField[] = [
  "sealedPending",
  "sealedTaskToken",
  "waitingRunId",
  "waitingAttempt",
  "sealedTwoFaCode",
];

const notFound = () => new DomainError("not_found", "No such account.");
const noRunWaiting = () =>
  new DomainError("no_run_waiting", "No run of this account is waiting for a code.");
const runInProgress = () =>
  new DomainError("run_in_progress", "A run of this account is in progress.");

// --- The API's use cases -------------------------------------------------------------------

export interface ConnectorApiDeps {
  clock: Clock;
  random: Random;
  accounts: ConnectorAccountStore;
  workflow: ConnectorRunWorkflow;
  encryptionKey: Uint8Array;
}

/** An account as its owner sees it: no credentials, session, code or task token. */
export function publicAccount(account: ConnectorAccount) {
  return {
    id: account.id,
    connector: account.connector,
    state: account.state,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
    lastRun:
      account.lastRunId === undefined
        ? null
        : {
            id: account.lastRunId,
            manual: account.lastRunManual ?? false,
            startedAt: account.lastRunStartedAt ?? null,
          },
    lastFetch:
      account.lastFetchAt === undefined
        ? null
        : { at: account.lastFetchAt, summary: account.lastFetchSummary ?? {} },
  };
}

function nowIso(clock: Clock): string {
  return new Date(clock.nowMs()).toISOString();
}

export async function createAccount(
  deps: Pick<ConnectorApiDeps, "clock" | "random" | "accounts" | "encryptionKey">,
  input: { ownerId: string; connector: string; auth: ConnectorAuth },
): Promise<ConnectorAccount> {
  if (!isConnectorName(input.connector)) {
    throw new DomainError(
      "unknown_connector",
      `Unknown connector; known: ${CONNECTOR_NAMES.join(", ")}.`,
      { field: "connector" },
    );
  }
  const id = randomId(deps.random, "acc_");
  const now = nowIso(deps.clock);
  const auth: ConnectorAuth = { login: input.auth.login, password: input.auth.password };
  const account: ConnectorAccount = {
    id,
    ownerId: input.ownerId,
    connector: input.connector,
    state: null,
    createdAt: now,
    updatedAt: now,
    sealedAuth: seal(deps.encryptionKey, JSON.stringify(auth), sealed.auth(id), deps.random),
  };
  await deps.accounts.create(account);
  return account;
}

/** The account if `ownerId` owns it; another user's account is as absent as a missing one. */
export async function ownedAccount(
  deps: Pick<ConnectorApiDeps, "accounts">,
  ownerId: string,
  accountId: string,
): Promise<ConnectorAccount> {
  const account = await deps.accounts.get(accountId);
  if (!account || account.ownerId !== ownerId) throw notFound();
  return account;
}

type RunStatus = "running" | "succeeded" | "failed";

export interface PublicRun {
  id: string;
  accountId: string;
  manual: boolean;
  startedAt: string;
  status: RunStatus;
  /** A Cozy error name when the run failed. */
  error: string | null;
}

function runStatusOf(execution: { status: ExecutionStatus; error?: string } | null): {
  status: RunStatus;
  error: string | null;
} {
  // No execution: its start failed after the run was recorded.
  if (execution === null) return { status: "failed", error: CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR };
  switch (execution.status) {
    case "RUNNING":
    case "PENDING_REDRIVE":
      return { status: "running", error: null };
    case "SUCCEEDED":
      return { status: "succeeded", error: null };
    default:
      // Only Cozy names leave the service; a timeout or an abort is an unknown error to Home.
      return {
        status: "failed",
        error: isConnectorRunError(execution.error)
          ? execution.error
          : CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR,
      };
  }
}

function publicRun(run: ConnectorRun, state: { status: RunStatus; error: string | null }) {
  return {
    id: run.id,
    accountId: run.accountId,
    manual: run.manual,
    startedAt: run.startedAt,
    ...state,
  } satisfies PublicRun;
}

/**
 * Starts a run (a Step Functions execution named after the run id). One run at a time per
 * account: the last run's execution must have ended, and the start is a conditional write on
 * the last run seen, so of two concurrent starts one wins and the other gets `run_in_progress`.
 */
export async function startRun(
  deps: Pick<ConnectorApiDeps, "clock" | "random" | "accounts" | "workflow">,
  input: { ownerId: string; accountId: string; manual: boolean },
): Promise<PublicRun> {
  const account = await ownedAccount(deps, input.ownerId, input.accountId);
  if (account.lastRunExecutionArn !== undefined) {
    const last = runStatusOf(await deps.workflow.describe(account.lastRunExecutionArn));
    if (last.status === "running") throw runInProgress();
  }
  const runId = randomId(deps.random, "run_");
  const run: ConnectorRun = {
    id: runId,
    accountId: account.id,
    ownerId: account.ownerId,
    executionArn: deps.workflow.executionArnOf(runId),
    manual: input.manual,
    startedAt: nowIso(deps.clock),
  };
  const started = await deps.accounts.startRun(run, account.lastRunId ?? null, {
    set: {
      lastRunId: run.id,
      lastRunExecutionArn: run.executionArn,
      lastRunManual: run.manual,
      lastRunStartedAt: run.startedAt,
      updatedAt: run.startedAt,
      // No run waits any more: a 2FA prompt left by an earlier run must not open in Home.
      ...(account.state?.startsWith("TWOFA_NEEDED") ? { state: null } : {}),
    },
    remove: RUN_SCOPED_FIELDS,
  });
  if (!started) throw runInProgress();
  // Should this fail, the run reads as failed (no execution) and blocks no later start.
  await deps.workflow.start(run.id, { accountId: account.id, runId: run.id, manual: run.manual });
  return publicRun(run, { status: "running", error: null });
}

export async function getRun(
  deps: Pick<ConnectorApiDeps, "accounts" | "workflow">,
  input: { ownerId: string; runId: string },
): Promise<PublicRun> {
  const run = await deps.accounts.getRun(input.runId);
  if (!run || run.ownerId !== input.ownerId) {
    throw new DomainError("not_found", "No such run.");
  }
  return publicRun(run, runStatusOf(await deps.workflow.describe(run.executionArn)));
}

/**
 * The user's code for the run that waits (Cozy: Home writes `{state: null, twoFACode}` on the
 * account). Storing the code sealed and taking the task token is ONE conditional write on the
 * token read, so of two concurrent codes exactly one resumes the run; the other, and a code
 * for a wait that timed out or ended, gets `no_run_waiting`.
 */
export async function handInTwoFaCode(
  deps: ConnectorApiDeps,
  input: { ownerId: string; accountId: string; code: string },
): Promise<void> {
  const account = await ownedAccount(deps, input.ownerId, input.accountId);
  const { sealedTaskToken, waitingRunId } = account;
  if (sealedTaskToken === undefined || waitingRunId === undefined) throw noRunWaiting();

  const sealedCode = seal(
    deps.encryptionKey,
    input.code,
    sealed.code(account.id, waitingRunId),
    deps.random,
  );
  const claimed = await deps.accounts.update(
    account.id,
    {
      set: { sealedTwoFaCode: sealedCode, state: null, updatedAt: nowIso(deps.clock) },
      remove: ["sealedTaskToken", "waitingRunId", "waitingAttempt"],
    },
    { sealedTaskToken },
  );
  if (!claimed) throw noRunWaiting();

  const taskToken = open(
    deps.encryptionKey,
    sealedTaskToken,
    sealed.taskToken(account.id, waitingRunId),
  );
  let outcome: "resumed" | "gone";
  try {
    outcome = await deps.workflow.resume(taskToken);
  } catch (error) {
    // Not an answer from Step Functions: give the token back so the user can try again.
    await deps.accounts.update(
      account.id,
      {
        set: {
          sealedTaskToken,
          waitingRunId,
          ...(account.waitingAttempt === undefined
            ? {}
            : { waitingAttempt: account.waitingAttempt }),
        },
        remove: ["sealedTwoFaCode"],
      },
      { sealedTwoFaCode: sealedCode, lastRunId: waitingRunId },
    );
    throw error;
  }
  if (outcome === "gone") {
    // The wait is over (timed out, or its run ended): nobody will take this code.
    await deps.accounts.update(
      account.id,
      { remove: ["sealedTwoFaCode"] },
      { sealedTwoFaCode: sealedCode },
    );
    throw noRunWaiting();
  }
}

// --- The tasks' use cases (one per state of infra/connector-run.asl.ts) ----------------------

export interface ConnectorTaskDeps {
  clock: Clock;
  random: Random;
  accounts: ConnectorAccountStore;
  encryptionKey: Uint8Array;
  connectors: Readonly<Record<ConnectorName, Connector>>;
}

export interface WaitTaskDeps extends Omit<ConnectorTaskDeps, "connectors"> {
  users: { get(id: string): Promise<User | null> };
  events: EventPublisher;
}

function fail(name: keyof typeof CONNECTOR_RUN_ERRORS, message: string): ConnectorError {
  return new ConnectorError(CONNECTOR_RUN_ERRORS[name], message);
}

/** The account of a run, while that run is the account's last one. */
async function accountOfRun(
  deps: Pick<ConnectorTaskDeps, "accounts">,
  accountId: string,
  runId: string,
): Promise<ConnectorAccount> {
  const account = await deps.accounts.get(accountId);
  if (!account) throw fail("UNKNOWN_ERROR", "The account of this run no longer exists");
  if (account.lastRunId !== runId) throw fail("UNKNOWN_ERROR", "The account has a newer run");
  return account;
}

/** Writes to the account of a run, only while that run is its last one. */
async function updateForRun(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  account: ConnectorAccount,
  runId: string,
  change: AccountChange,
): Promise<void> {
  const applied = await deps.accounts.update(
    account.id,
    { ...change, set: { ...change.set, updatedAt: nowIso(deps.clock) } },
    { lastRunId: runId },
  );
  if (!applied) throw fail("UNKNOWN_ERROR", "The account changed runs meanwhile");
}

function connectorOf(deps: Pick<ConnectorTaskDeps, "connectors">, account: ConnectorAccount) {
  const connector = Object.hasOwn(deps.connectors, account.connector)
    ? deps.connectors[account.connector]
    : undefined;
  if (!connector) throw fail("UNKNOWN_ERROR", "This connector is not installed");
  return connector;
}

function contextOf(
  deps: Pick<ConnectorTaskDeps, "encryptionKey">,
  account: ConnectorAccount,
  runId: string,
  manual: boolean,
): ConnectorContext {
  const auth = JSON.parse(
    open(deps.encryptionKey, account.sealedAuth, sealed.auth(account.id)),
  ) as ConnectorAuth;
  const pending =
    account.sealedPending === undefined
      ? undefined
      : open(deps.encryptionKey, account.sealedPending, sealed.pending(account.id, runId));
  return {
    accountId: account.id,
    runId,
    manual,
    auth,
    ...(pending === undefined ? {} : { pending }),
  };
}

function sealSession(
  deps: Pick<ConnectorTaskDeps, "encryptionKey" | "random">,
  accountId: string,
  session: string,
) {
  return seal(deps.encryptionKey, session, sealed.session(accountId), deps.random);
}

/**
 * `Login`: the saved session first (Cozy `CookieKonnector`), then the credentials. A session
 * that a connector renews while testing it is saved at once: the old one may be spent.
 */
export async function logIn(
  deps: ConnectorTaskDeps,
  payload: LoginTaskPayload,
): Promise<LoginTaskResult> {
  const account = await accountOfRun(deps, payload.accountId, payload.runId);
  const connector = connectorOf(deps, account);
  const ctx = contextOf(deps, account, payload.runId, payload.manual === true);
  const resetSession = account.state === "RESET_SESSION";

  if (account.sealedSession !== undefined && !resetSession) {
    const session = open(deps.encryptionKey, account.sealedSession, sealed.session(account.id));
    const tested = await connector.testSession(ctx, session);
    if (tested.valid) {
      await updateForRun(deps, account, payload.runId, {
        set: { sealedSession: sealSession(deps, account.id, tested.session) },
      });
      return { outcome: "LOGGED_IN", twoFaType: null };
    }
  }
  const dropSession: AccountChange = {
    remove: ["sealedSession"],
    ...(resetSession ? { set: { state: null } } : {}),
  };

  if (!ctx.manual && account.vendorTwoFaType !== undefined) {
    // The vendor will ask for a code again, and a background run never asks the user: do not
    // make it send one (Cozy throws USER_ACTION_NEEDED.TWOFA_EXPIRED right after the login).
    await updateForRun(deps, account, payload.runId, dropSession);
    return { outcome: "TWOFA_NEEDED", twoFaType: account.vendorTwoFaType };
  }

  const result = await connector.login(ctx);
  if (result.outcome === "LOGGED_IN") {
    await updateForRun(deps, account, payload.runId, {
      set: {
        ...dropSession.set,
        sealedSession: sealSession(deps, account.id, result.session),
      },
      remove: ["vendorTwoFaType"],
    });
    return { outcome: "LOGGED_IN", twoFaType: null };
  }
  const sealedPending =
    result.pending === undefined
      ? undefined
      : seal(
          deps.encryptionKey,
          result.pending,
          sealed.pending(account.id, payload.runId),
          deps.random,
        );
  await updateForRun(deps, account, payload.runId, {
    set: {
      ...dropSession.set,
      vendorTwoFaType: result.twoFaType,
      ...(sealedPending === undefined ? {} : { sealedPending }),
    },
    remove: sealedPending === undefined ? ["sealedSession", "sealedPending"] : ["sealedSession"],
  });
  return { outcome: "TWOFA_NEEDED", twoFaType: result.twoFaType };
}

async function setState(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  accountId: string,
  runId: string,
  state: ConnectorAccountState,
): Promise<{ state: ConnectorAccountState }> {
  const account = await accountOfRun(deps, accountId, runId);
  await updateForRun(deps, account, runId, { set: { state } });
  return { state };
}

/** Cozy `deactivateAutoSuccessfulLogin()`: Home stops assuming success and waits. */
function deactivateAutoSuccessfulLogin(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  input: { accountId: string; runId: string },
) {
  return setState(deps, input.accountId, input.runId, "HANDLE_LOGIN_SUCCESS");
}

/** Cozy `notifySuccessfulLogin()`. */
function notifySuccessfulLogin(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  input: { accountId: string; runId: string },
) {
  return setState(deps, input.accountId, input.runId, "LOGIN_SUCCESS");
}

/** `SetAccountState`: the two Cozy calls above, by the state the definition names. */
export function setAccountState(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  payload: SetAccountStateTaskPayload,
) {
  return payload.state === "HANDLE_LOGIN_SUCCESS"
    ? deactivateAutoSuccessfulLogin(deps, payload)
    : notifySuccessfulLogin(deps, payload);
}

/** Where the owner hears that a connector waits: their 2FA channel, else any contact. */
function ownerRecipient(owner: User): Recipient | undefined {
  const destination = codeDestination(owner);
  if (destination) return { channel: destination.channel, to: destination.to };
  if (owner.phoneNumber) return { channel: "sms", to: owner.phoneNumber };
  if (owner.email) return { channel: "email", to: owner.email };
  return undefined;
}

/**
 * Cozy `waitForTwoFaCode({type, retry})`, the part that runs before the wait: stores the task
 * token sealed (the API resumes the run with it), sets `TWOFA_NEEDED[_RETRY].<TYPE>`, and on
 * the first ask tells the owner (`account.twofa_needed`). Returns nothing secret: what it
 * returns is recorded in the execution history.
 */
export async function waitForTwoFaCode(
  deps: WaitTaskDeps,
  payload: WaitForTwoFaCodeTaskPayload,
): Promise<{ state: AccountState }> {
  const account = await accountOfRun(deps, payload.accountId, payload.runId);
  const state = twoFaNeededState(payload.twoFaType, payload.retry);
  await updateForRun(deps, account, payload.runId, {
    set: {
      state,
      sealedTaskToken: seal(
        deps.encryptionKey,
        payload.taskToken,
        sealed.taskToken(account.id, payload.runId),
        deps.random,
      ),
      waitingRunId: payload.runId,
      waitingAttempt: payload.attempt,
    },
    // A code typed for an earlier ask must not answer this one.
    remove: ["sealedTwoFaCode"],
  });
  if (!payload.retry) {
    const owner = await deps.users.get(account.ownerId);
    const recipient = owner ? ownerRecipient(owner) : undefined;
    await deps.events.publish({
      id: randomId(deps.random, "evt_"),
      type: "account.twofa_needed",
      occurredAt: nowIso(deps.clock),
      locale: (owner?.locale ?? "en") as Locale,
      ...(recipient ? { recipient } : {}),
      data: {
        connector: account.connector,
        accountId: account.id,
        twoFaType: payload.twoFaType,
      },
    });
  }
  return { state };
}

/**
 * `SubmitTwoFaCode`: takes the code the API stored (one conditional write: a code is used
 * once) and hands it to the connector.
 */
export async function submitTwoFaCode(
  deps: ConnectorTaskDeps,
  payload: SubmitTwoFaCodeTaskPayload,
): Promise<SubmitTwoFaCodeTaskResult> {
  const account = await accountOfRun(deps, payload.accountId, payload.runId);
  const sealedCode = account.sealedTwoFaCode;
  if (sealedCode === undefined) throw fail("UNKNOWN_ERROR", "No code was stored for this run");
  const code = open(deps.encryptionKey, sealedCode, sealed.code(account.id, payload.runId));
  const taken = await deps.accounts.update(
    account.id,
    { remove: ["sealedTwoFaCode"], set: { updatedAt: nowIso(deps.clock) } },
    { lastRunId: payload.runId, sealedTwoFaCode: sealedCode },
  );
  if (!taken) throw fail("UNKNOWN_ERROR", "The code was taken by another submission");

  const connector = connectorOf(deps, account);
  const result = await connector.submitTwoFaCode(
    contextOf(deps, account, payload.runId, true),
    code,
  );
  if (!result.ok) return { outcome: "WRONG_CODE" };
  await updateForRun(deps, account, payload.runId, {
    set: { sealedSession: sealSession(deps, account.id, result.session) },
    remove: ["sealedPending"],
  });
  return { outcome: "LOGGED_IN" };
}

/** `Fetch`: the connector's data, with the session saved as it is at the end of the run. */
export async function fetchData(
  deps: ConnectorTaskDeps,
  payload: FetchTaskPayload,
): Promise<{ summary: FetchSummary }> {
  const account = await accountOfRun(deps, payload.accountId, payload.runId);
  if (account.sealedSession === undefined) {
    throw fail("UNKNOWN_ERROR", "Fetch reached without a session");
  }
  const connector = connectorOf(deps, account);
  const session = open(deps.encryptionKey, account.sealedSession, sealed.session(account.id));
  const result = await connector.fetch(
    contextOf(deps, account, payload.runId, account.lastRunManual ?? false),
    session,
  );
  await updateForRun(deps, account, payload.runId, {
    set: {
      sealedSession: sealSession(deps, account.id, result.session),
      lastFetchAt: nowIso(deps.clock),
      lastFetchSummary: result.summary,
    },
  });
  return { summary: result.summary };
}
