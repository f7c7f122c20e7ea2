/**
 * Connector accounts and runs (Cozy konnectors, seed-semantics §1): what an account holds,
 * the sealing contexts of its secrets, and how its owner sees it.
 *
 * Secrets on an account are sealed (AES-256-GCM) with contexts that bind each one to its
 * account and, for run-scoped values, to its run: the vendor credentials, the session, what a
 * connector keeps between login and code, the task token of the waiting run, and the code the
 * user typed. None of them is ever returned or logged.
 */
import type { AccountState, FetchSummary } from "../connector-sdk.js";
import type { Clock } from "../ports.js";
import { type ConnectorRunError, MAX_TWOFA_RESENDS, type TwoFaType } from "./contract.js";

/**
 * The connectors this service runs; `demo` logs into this service's own `/v1/token`.
 * `canResendTwoFaCode`: a new login makes the vendor send a new code.
 */
export const CONNECTOR_CATALOGUE = {
  demo: { canResendTwoFaCode: true },
} as const satisfies Record<string, { canResendTwoFaCode: boolean }>;
export type ConnectorName = keyof typeof CONNECTOR_CATALOGUE;
export const CONNECTOR_NAMES = Object.keys(CONNECTOR_CATALOGUE) as ConnectorName[];

export function isConnectorName(name: string): name is ConnectorName {
  return Object.hasOwn(CONNECTOR_CATALOGUE, name);
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
  /** The last run started (running or not: `lastRunEndedAt` says). */
  lastRunId?: string;
  lastRunManual?: boolean;
  lastRunStartedAt?: string;
  /** Set when the last run has ended, with the Cozy error it failed with, if it did. */
  lastRunEndedAt?: string;
  lastRunError?: ConnectorRunError;
  /** Set while a run waits for a code: the wait's task token, sealed to the run. */
  sealedTaskToken?: string;
  waitingRunId?: string;
  waitingAttempt?: number;
  /** What the owner is shown about the wait: type, deadline and codes left. */
  twoFaType?: TwoFaType;
  twoFaExpiresAt?: string;
  twoFaAttemptsLeft?: number;
  /** New codes asked for during the run. */
  twoFaResends?: number;
  /** The code the user typed, sealed to the run, until `SubmitTwoFaCode` takes it. */
  sealedTwoFaCode?: string;
  lastFetchAt?: string;
  lastFetchSummary?: FetchSummary;
}

type MutableField = Exclude<keyof ConnectorAccount, "id" | "ownerId" | "connector" | "createdAt">;
export type RemovableField = Exclude<MutableField, "state" | "updatedAt" | "sealedAuth">;

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
  manual: boolean;
  startedAt: string;
}

/** Sealing contexts: each secret opens only on its own account (and run). */
export const sealed = {
  auth: (accountId: string) => `connector-account:${accountId}:auth`,
  session: (accountId: string) => `connector-account:${accountId}:session`,
  pending: (accountId: string, runId: string) => `connector-account:${accountId}:pending:${runId}`,
  taskToken: (accountId: string, runId: string) =>
    `connector-account:${accountId}:task-token:${runId}`,
  code: (accountId: string, runId: string) => `connector-account:${accountId}:twofa-code:${runId}`,
};

/** What a wait leaves on its account; gone once a code or a resend answered it. */
export const WAIT_FIELDS: RemovableField[] = [
  "sealedTaskToken",
  "waitingRunId",
  "waitingAttempt",
  "twoFaType",
  "twoFaExpiresAt",
  "twoFaAttemptsLeft",
];

/** Everything a run leaves on its account that the next run must not inherit. */
export const RUN_SCOPED_FIELDS: RemovableField[] = [
  ...WAIT_FIELDS,
  "sealedPending",
  "sealedTwoFaCode",
  "twoFaResends",
];

/**
 * What a finished run leaves on its account: when it ended and how, and no wait, code or task
 * token. After a failure a 2FA prompt or a "login in progress" goes with the wait
 * (`LOGIN_SUCCESS` stays: the login did succeed).
 */
export function runEndChange(
  account: ConnectorAccount,
  error: ConnectorRunError | null,
  now: string,
): AccountChange {
  const promptGone =
    account.state === "HANDLE_LOGIN_SUCCESS" ||
    (account.state?.startsWith("TWOFA_NEEDED") ?? false);
  return {
    set: {
      lastRunEndedAt: now,
      updatedAt: now,
      ...(error === null ? {} : { lastRunError: error }),
      ...(error !== null && promptGone ? { state: null } : {}),
    },
    remove: error === null ? [...RUN_SCOPED_FIELDS, "lastRunError"] : RUN_SCOPED_FIELDS,
  };
}

export function nowIso(clock: Clock): string {
  return new Date(clock.nowMs()).toISOString();
}

/** The wait for a code as the owner sees it, or `undefined` when no run waits. */
function publicTwoFa(account: ConnectorAccount, nowMs: number) {
  const { twoFaType, twoFaExpiresAt, twoFaAttemptsLeft } = account;
  if (
    account.sealedTaskToken === undefined ||
    account.waitingRunId === undefined ||
    account.waitingRunId !== account.lastRunId ||
    account.lastRunEndedAt !== undefined ||
    twoFaType === undefined ||
    twoFaExpiresAt === undefined ||
    Date.parse(twoFaExpiresAt) <= nowMs
  ) {
    return undefined;
  }
  return {
    type: twoFaType,
    expiresAt: twoFaExpiresAt,
    attemptsLeft: twoFaAttemptsLeft ?? 1,
    canResend: canResend(account),
  };
}

function canResend(account: ConnectorAccount): boolean {
  return (
    CONNECTOR_CATALOGUE[account.connector].canResendTwoFaCode &&
    (account.twoFaResends ?? 0) < MAX_TWOFA_RESENDS
  );
}

/**
 * An account as its owner sees it: no credentials, session, code or task token. `twoFa` is
 * there only while a run waits for a code.
 */
export function publicAccount(account: ConnectorAccount, nowMs: number) {
  const twoFa = publicTwoFa(account, nowMs);
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
            endedAt: account.lastRunEndedAt ?? null,
            error: account.lastRunError ?? null,
          },
    lastFetch:
      account.lastFetchAt === undefined
        ? null
        : { at: account.lastFetchAt, summary: account.lastFetchSummary ?? {} },
    ...(twoFa === undefined ? {} : { twoFa }),
  };
}
