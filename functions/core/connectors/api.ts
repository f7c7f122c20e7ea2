/**
 * The API's use cases of connector accounts and runs.
 *
 * DynamoDB is the race gate: one run per account (the start is conditional on the last run
 * seen), and one answer per wait (claiming the task token — with a code, or for a new code —
 * is one conditional write on the token read). The code never enters the execution: the API
 * stores it sealed on the account and resumes the run with a bare "a code arrived".
 */
import type { ConnectorAuth } from "../connector-sdk.js";
import { open, randomId, seal } from "../crypto.js";
import { DomainError } from "../errors.js";
import type { EventPublisher } from "../events.js";
import type { Clock, Random } from "../ports.js";
import {
  CONNECTOR_RUN_ERRORS,
  isConnectorRunError,
  MAX_TWOFA_RESENDS,
  TWOFA_RESEND_SIGNAL,
} from "./contract.js";
import {
  type AccountChange,
  CONNECTOR_CATALOGUE,
  CONNECTOR_NAMES,
  type ConnectorAccount,
  type ConnectorRun,
  isConnectorName,
  nowIso,
  RUN_SCOPED_FIELDS,
  runEndChange,
  sealed,
  WAIT_FIELDS,
} from "./model.js";
import type { ConnectorAccountStore, ConnectorRunWorkflow, RunProgress } from "./ports.js";

export interface ConnectorApiDeps {
  clock: Clock;
  random: Random;
  accounts: ConnectorAccountStore;
  workflow: ConnectorRunWorkflow;
  encryptionKey: Uint8Array;
  /** Where a handed-in code is recorded (`account.twofa_answered`); nothing without it. */
  events?: EventPublisher;
}

const notFound = () => new DomainError("not_found", "No such account.");
const noRunWaiting = () =>
  new DomainError("no_run_waiting", "No run of this account is waiting for a code.");
const runInProgress = () =>
  new DomainError("run_in_progress", "A run of this account is in progress.");

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

type RunStatus = RunProgress["status"];

export interface PublicRun {
  id: string;
  accountId: string;
  manual: boolean;
  startedAt: string;
  status: RunStatus;
  /** A Cozy error name when the run failed. */
  error: string | null;
}

function runStatusOf(progress: RunProgress | null): { status: RunStatus; error: string | null } {
  // Never started: its start failed after the run was recorded.
  if (progress === null) return { status: "failed", error: CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR };
  if (progress.status !== "failed") return { status: progress.status, error: null };
  // Only Cozy names leave the service; a timeout or an abort is an unknown error to Home.
  return {
    status: "failed",
    error: isConnectorRunError(progress.error)
      ? progress.error
      : CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR,
  };
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
 * Starts a run (a workflow execution named after the run id). One run at a time per account:
 * the last run must have ended, and the start is a conditional write on the last run seen,
 * so of two concurrent starts one wins and the other gets `run_in_progress`.
 */
export async function startRun(
  deps: Pick<ConnectorApiDeps, "clock" | "random" | "accounts" | "workflow">,
  input: { ownerId: string; accountId: string; manual: boolean },
): Promise<PublicRun> {
  const account = await ownedAccount(deps, input.ownerId, input.accountId);
  if (account.lastRunId !== undefined) {
    const last = runStatusOf(await deps.workflow.progress(account.lastRunId));
    if (last.status === "running") throw runInProgress();
  }
  const run: ConnectorRun = {
    id: randomId(deps.random, "run_"),
    accountId: account.id,
    ownerId: account.ownerId,
    manual: input.manual,
    startedAt: nowIso(deps.clock),
  };
  const started = await deps.accounts.startRun(run, account.lastRunId ?? null, {
    set: {
      lastRunId: run.id,
      lastRunManual: run.manual,
      lastRunStartedAt: run.startedAt,
      updatedAt: run.startedAt,
      // No run waits any more: a 2FA prompt left by an earlier run must not open in Home.
      ...(account.state?.startsWith("TWOFA_NEEDED") ? { state: null } : {}),
    },
    remove: [...RUN_SCOPED_FIELDS, "lastRunEndedAt", "lastRunError"],
  });
  if (!started) throw runInProgress();
  try {
    await deps.workflow.start({ accountId: account.id, runId: run.id, manual: run.manual });
  } catch (error) {
    // The run reads as failed (it never started) and blocks no later start; say so on the
    // account too.
    await deps.accounts
      .update(
        account.id,
        runEndChange(account, CONNECTOR_RUN_ERRORS.UNKNOWN_ERROR, nowIso(deps.clock)),
        { lastRunId: run.id },
      )
      .catch(() => false);
    throw error;
  }
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
  return publicRun(run, runStatusOf(await deps.workflow.progress(run.id)));
}

/** The wait's fields as they are, to give back when the workflow could not be reached. */
function waitOf(account: ConnectorAccount): NonNullable<AccountChange["set"]> {
  return Object.fromEntries(
    WAIT_FIELDS.filter((field) => account[field] !== undefined).map((field) => [
      field,
      account[field],
    ]),
  ) as NonNullable<AccountChange["set"]>;
}

/**
 * Takes the task token of the wait, with `change`, in ONE conditional write on the token
 * read: of two concurrent answers to one wait, exactly one gets the token.
 */
async function claimWait(
  deps: Pick<ConnectorApiDeps, "accounts" | "clock" | "encryptionKey">,
  account: ConnectorAccount,
  change: AccountChange,
): Promise<string> {
  const { sealedTaskToken, waitingRunId } = account;
  if (sealedTaskToken === undefined || waitingRunId === undefined) throw noRunWaiting();
  const claimed = await deps.accounts.update(
    account.id,
    {
      set: { ...change.set, updatedAt: nowIso(deps.clock) },
      remove: [...WAIT_FIELDS, ...(change.remove ?? [])],
    },
    { sealedTaskToken },
  );
  if (!claimed) throw noRunWaiting();
  return open(deps.encryptionKey, sealedTaskToken, sealed.taskToken(account.id, waitingRunId));
}

/**
 * The user's code for the run that waits (Cozy: Home writes `{state: null, twoFACode}` on the
 * account): stored sealed while the task token is claimed, so of two concurrent codes exactly
 * one resumes the run; the other, and a code for a wait that timed out or ended, gets
 * `no_run_waiting`.
 */
export async function handInTwoFaCode(
  deps: ConnectorApiDeps,
  input: { ownerId: string; accountId: string; code: string },
): Promise<void> {
  const account = await ownedAccount(deps, input.ownerId, input.accountId);
  const { waitingRunId } = account;
  if (account.sealedTaskToken === undefined || waitingRunId === undefined) throw noRunWaiting();

  const sealedCode = seal(
    deps.encryptionKey,
    input.code,
    sealed.code(account.id, waitingRunId),
    deps.random,
  );
  const taskToken = await claimWait(deps, account, {
    set: { sealedTwoFaCode: sealedCode, state: null },
  });
  let outcome: "resumed" | "gone";
  try {
    outcome = await deps.workflow.resume(taskToken);
  } catch (error) {
    // Not an answer from the workflow: give the token back so the user can try again.
    await deps.accounts.update(
      account.id,
      { set: waitOf(account), remove: ["sealedTwoFaCode"] },
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
  await deps.events?.publish({
    id: randomId(deps.random, "evt_"),
    type: "account.twofa_answered",
    occurredAt: nowIso(deps.clock),
    locale: "en",
    userId: account.ownerId,
    data: { connector: account.connector, accountId: account.id },
  });
}

/**
 * A new code for the run that waits: ends the wait with `TWOFA_RESEND_SIGNAL`, and the run
 * logs in again, which makes the vendor send one. At most `MAX_TWOFA_RESENDS` per run, and
 * only for a connector whose vendor sends a code on login.
 */
export async function resendTwoFaCode(
  deps: Omit<ConnectorApiDeps, "random">,
  input: { ownerId: string; accountId: string },
): Promise<void> {
  const account = await ownedAccount(deps, input.ownerId, input.accountId);
  if (account.sealedTaskToken === undefined || account.waitingRunId === undefined) {
    throw noRunWaiting();
  }
  if (!CONNECTOR_CATALOGUE[account.connector].canResendTwoFaCode) {
    throw new DomainError("twofa_resend_unavailable", "This connector cannot send a new code.");
  }
  const resends = account.twoFaResends ?? 0;
  if (resends >= MAX_TWOFA_RESENDS) {
    throw new DomainError(
      "twofa_resend_unavailable",
      `A run may ask for ${MAX_TWOFA_RESENDS} new codes at most.`,
    );
  }
  const taskToken = await claimWait(deps, account, {
    set: { twoFaResends: resends + 1, state: "HANDLE_LOGIN_SUCCESS" },
  });
  let outcome: "ended" | "gone";
  try {
    outcome = await deps.workflow.endWait(taskToken, TWOFA_RESEND_SIGNAL);
  } catch (error) {
    await deps.accounts.update(
      account.id,
      {
        set: {
          ...waitOf(account),
          state: account.state,
          ...(account.twoFaResends === undefined ? {} : { twoFaResends: account.twoFaResends }),
        },
        ...(account.twoFaResends === undefined ? { remove: ["twoFaResends"] } : {}),
      },
      { lastRunId: account.waitingRunId },
    );
    throw error;
  }
  if (outcome === "gone") throw noRunWaiting();
}
