/**
 * The Step Functions tasks' use cases, one per task of the connector-run state machine
 * (infra/connector-run.asl.ts). A task writes to its account only while the account's last
 * run is its own; what a task returns is recorded in the execution history, so it returns
 * nothing secret.
 */
import {
  type AccountState,
  type Connector,
  type ConnectorAuth,
  type ConnectorContext,
  ConnectorError,
  type FetchSummary,
  twoFaNeededState,
} from "../connector-sdk.js";
import { codeDestination } from "../contacts.js";
import { open, randomId, seal } from "../crypto.js";
import type { EventPublisher, Locale, Recipient } from "../events.js";
import type { Clock, Random } from "../ports.js";
import type { User } from "../users.js";
import {
  CONNECTOR_RUN_ERRORS,
  type ConnectorAccountState,
  type FetchTaskPayload,
  type FinishRunTaskPayload,
  type LoginTaskPayload,
  type LoginTaskResult,
  type SetAccountStateTaskPayload,
  type SubmitTwoFaCodeTaskPayload,
  type SubmitTwoFaCodeTaskResult,
  type WaitForTwoFaCodeTaskPayload,
} from "./contract.js";
import {
  type AccountChange,
  type ConnectorAccount,
  type ConnectorName,
  nowIso,
  runEndChange,
  sealed,
} from "./model.js";
import type { ConnectorAccountStore } from "./ports.js";

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
      twoFaType: payload.twoFaType,
      twoFaExpiresAt: new Date(deps.clock.nowMs() + payload.timeoutSeconds * 1000).toISOString(),
      twoFaAttemptsLeft: Math.max(1, payload.maxAttempts - payload.attempt + 1),
    },
    // A code typed for an earlier ask must not answer this one.
    remove: ["sealedTwoFaCode"],
  });
  // The first ask of the run only: not after a wrong code, not after a new code the owner
  // asked for, not when the run waits again on a wait it already told of.
  const firstAsk =
    !payload.retry && account.twoFaResends === undefined && account.waitingRunId !== payload.runId;
  if (firstAsk) {
    const owner = await deps.users.get(account.ownerId);
    const recipient = owner ? ownerRecipient(owner) : undefined;
    await deps.events.publish({
      id: randomId(deps.random, "evt_"),
      type: "account.twofa_needed",
      occurredAt: nowIso(deps.clock),
      locale: (owner?.locale ?? "en") as Locale,
      userId: account.ownerId,
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
 * once) and hands it to the connector; `NO_CODE` when none was stored.
 */
export async function submitTwoFaCode(
  deps: ConnectorTaskDeps,
  payload: SubmitTwoFaCodeTaskPayload,
): Promise<SubmitTwoFaCodeTaskResult> {
  const account = await accountOfRun(deps, payload.accountId, payload.runId);
  const sealedCode = account.sealedTwoFaCode;
  // Resumed with no code: by someone who read the task token from the execution history,
  // not through the API. The run waits again (a bounded number of times) rather than fail.
  if (sealedCode === undefined) return { outcome: "NO_CODE" };
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

/**
 * `FinishRun`: every run passes here at its end, succeeded or failed, so its account says
 * what happened and keeps no wait, code or task token. A run that is no longer the account's
 * last one leaves the account to the newer run.
 */
export async function finishRun(
  deps: Pick<ConnectorTaskDeps, "accounts" | "clock">,
  payload: FinishRunTaskPayload,
): Promise<{ finished: boolean }> {
  const account = await deps.accounts.get(payload.accountId);
  if (!account || account.lastRunId !== payload.runId) return { finished: false };
  const finished = await deps.accounts.update(
    account.id,
    runEndChange(account, payload.error, nowIso(deps.clock)),
    { lastRunId: payload.runId },
  );
  return { finished };
}
