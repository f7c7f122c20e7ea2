/**
 * Connector accounts and runs in core, with in-memory ports whose writes are conditional and
 * atomic as DynamoDB's are, a scripted connector and a scripted state machine.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type {
  Connector,
  ConnectorContext,
  ConnectorLoginResult,
} from "../../functions/core/connector-sdk.js";
import {
  type AccountChange,
  type AccountCondition,
  type ConnectorAccount,
  type ConnectorAccountStore,
  type ConnectorRun,
  type ConnectorRunWorkflow,
  createAccount,
  type ExecutionStatus,
  fetchData,
  getRun,
  handInTwoFaCode,
  logIn,
  ownedAccount,
  publicAccount,
  startRun,
  submitTwoFaCode,
  waitForTwoFaCode,
} from "../../functions/core/connectors.js";
import type { DomainError } from "../../functions/core/errors.js";
import type { User } from "../../functions/core/users.js";
import type { ConnectorRunInput } from "../../infra/connector-run.asl.js";
import { FakeClock, MemoryEvents, SeededRandom } from "../support/fakes.js";

const KEY = new Uint8Array(32).fill(7);
const OWNER = "usr_owner";
const VENDOR_CODE = "424242";

class MemoryAccounts implements ConnectorAccountStore {
  readonly accounts = new Map<string, ConnectorAccount>();
  readonly runs = new Map<string, ConnectorRun>();

  async create(account: ConnectorAccount) {
    if (this.accounts.has(account.id)) throw new Error("exists");
    this.accounts.set(account.id, structuredClone(account));
  }
  async get(id: string) {
    const account = this.accounts.get(id);
    return account ? structuredClone(account) : null;
  }
  private holds(account: ConnectorAccount | undefined, condition: AccountCondition) {
    if (!account) return false;
    return Object.entries(condition).every(([field, expected]) => {
      if (expected === undefined) return true;
      const actual = account[field as keyof ConnectorAccount];
      return expected === null ? actual === undefined : actual === expected;
    });
  }
  private apply(account: ConnectorAccount, change: AccountChange) {
    for (const field of change.remove ?? []) delete account[field];
    Object.assign(account, structuredClone(change.set ?? {}));
  }
  async update(id: string, change: AccountChange, condition: AccountCondition) {
    const account = this.accounts.get(id);
    if (!account || !this.holds(account, condition)) return false;
    this.apply(account, change);
    return true;
  }
  async startRun(run: ConnectorRun, previousRunId: string | null, change: AccountChange) {
    const account = this.accounts.get(run.accountId);
    if (!account || !this.holds(account, { lastRunId: previousRunId })) return false;
    this.apply(account, change);
    this.runs.set(run.id, { ...run });
    return true;
  }
  async getRun(id: string) {
    return this.runs.get(id) ?? null;
  }
}

/** Executions by ARN; a task token resumes once, as Step Functions' registry does. */
class ScriptedWorkflow implements ConnectorRunWorkflow {
  readonly started: ConnectorRunInput[] = [];
  readonly statuses = new Map<string, { status: ExecutionStatus; error?: string }>();
  readonly openTokens = new Set<string>();
  readonly resumed: string[] = [];
  failNextResume = false;

  executionArnOf(runId: string) {
    return `arn:aws:states:us-east-1:000000000000:execution:runs:${runId}`;
  }
  async start(runId: string, input: ConnectorRunInput) {
    this.started.push(input);
    this.statuses.set(this.executionArnOf(runId), { status: "RUNNING" });
  }
  async describe(arn: string) {
    return this.statuses.get(arn) ?? null;
  }
  async resume(token: string) {
    if (this.failNextResume) {
      this.failNextResume = false;
      throw new Error("ServiceUnavailable");
    }
    if (!this.openTokens.delete(token)) return "gone" as const;
    this.resumed.push(token);
    return "resumed" as const;
  }
}

/** A vendor that asks for an SMS code at every login with credentials. */
class ScriptedConnector implements Connector {
  logins = 0;
  submitted: string[] = [];
  sessionTests = 0;
  sessionValid = true;
  loginResult: ConnectorLoginResult = { outcome: "TWOFA_NEEDED", twoFaType: "sms", pending: "p1" };
  seenPending: Array<string | undefined> = [];

  async login(_ctx: ConnectorContext) {
    this.logins += 1;
    return this.loginResult;
  }
  async submitTwoFaCode(ctx: ConnectorContext, code: string) {
    this.submitted.push(code);
    this.seenPending.push(ctx.pending);
    return code === VENDOR_CODE
      ? { ok: true as const, session: "session-1" }
      : { ok: false as const, wrongCode: true as const };
  }
  async testSession(_ctx: ConnectorContext, session: string) {
    this.sessionTests += 1;
    return this.sessionValid
      ? { valid: true as const, session: `${session}+` }
      : { valid: false as const };
  }
  async fetch(_ctx: ConnectorContext, session: string) {
    return { summary: { profiles: 1 }, session: `${session}!` };
  }
}

let clock: FakeClock;
let random: SeededRandom;
let accounts: MemoryAccounts;
let workflow: ScriptedWorkflow;
let connector: ScriptedConnector;
let events: MemoryEvents;
const owner: User = {
  id: OWNER,
  username: "owner",
  passwordHash: "x",
  authMethod: "simple",
  email: "owner@example.com",
  locale: "fr",
  createdAt: "2026-01-01T00:00:00.000Z",
  version: 1,
};

const api = () => ({ clock, random, accounts, workflow, encryptionKey: KEY });
const tasks = () => ({
  clock,
  random,
  accounts,
  encryptionKey: KEY,
  connectors: { demo: connector },
});
const waitDeps = () => ({
  clock,
  random,
  accounts,
  encryptionKey: KEY,
  events,
  users: { get: async (id: string) => (id === OWNER ? owner : null) },
});

beforeEach(() => {
  clock = new FakeClock();
  random = new SeededRandom(3);
  accounts = new MemoryAccounts();
  workflow = new ScriptedWorkflow();
  connector = new ScriptedConnector();
  events = new MemoryEvents();
});

async function newAccount() {
  return createAccount(api(), {
    ownerId: OWNER,
    connector: "demo",
    auth: { login: "joe", password: "hunter2-password" },
  });
}

/** A manual run up to the wait: login asked for 2FA, the wait stored its token. */
async function waitingRun(token = "task-token-1") {
  const account = await newAccount();
  const run = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
  expect(await logIn(tasks(), { accountId: account.id, runId: run.id, manual: true })).toEqual({
    outcome: "TWOFA_NEEDED",
    twoFaType: "sms",
  });
  workflow.openTokens.add(token);
  await waitForTwoFaCode(waitDeps(), {
    accountId: account.id,
    runId: run.id,
    twoFaType: "sms",
    retry: false,
    attempt: 1,
    taskToken: token,
  });
  return { account, run, token };
}

function rejectsWith(code: DomainError["code"]) {
  return expect.objectContaining({ name: "DomainError", code });
}

describe("accounts", () => {
  it("seals the credentials at rest, bound to the account", async () => {
    const account = await newAccount();
    const stored = await accounts.get(account.id);
    expect(stored?.sealedAuth).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain("hunter2-password");
    expect(Object.keys(publicAccount(account))).not.toContain("sealedAuth");
  });

  it("hides another owner's account behind not_found", async () => {
    const account = await newAccount();
    await expect(ownedAccount(api(), "usr_other", account.id)).rejects.toEqual(
      rejectsWith("not_found"),
    );
  });
});

describe("runs", () => {
  it("refuses a start while the last run's execution still runs", async () => {
    const account = await newAccount();
    await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
    await expect(
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
    ).rejects.toEqual(rejectsWith("run_in_progress"));
  });

  it("of two concurrent starts after a run ended, exactly one wins", async () => {
    const account = await newAccount();
    const first = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: false });
    workflow.statuses.set(workflow.executionArnOf(first.id), { status: "SUCCEEDED" });
    const results = await Promise.allSettled([
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(workflow.started).toHaveLength(2);
  });

  it("a new run clears the 2FA prompt an expired run left on the account", async () => {
    const { account, run } = await waitingRun();
    workflow.statuses.set(workflow.executionArnOf(run.id), {
      status: "FAILED",
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    expect((await accounts.get(account.id))?.state).toBe("TWOFA_NEEDED.SMS");
    await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: false });
    const stored = await accounts.get(account.id);
    expect(stored?.state).toBeNull();
    expect(stored?.sealedTaskToken).toBeUndefined();
  });

  it("reports only Cozy error names: a timed-out or aborted execution is UNKNOWN_ERROR", async () => {
    const account = await newAccount();
    const run = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
    const arn = workflow.executionArnOf(run.id);
    workflow.statuses.set(arn, { status: "FAILED", error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
    expect(await getRun(api(), { ownerId: OWNER, runId: run.id })).toMatchObject({
      status: "failed",
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    workflow.statuses.set(arn, { status: "ABORTED", error: "States.Aborted" });
    expect((await getRun(api(), { ownerId: OWNER, runId: run.id })).error).toBe("UNKNOWN_ERROR");
    await expect(getRun(api(), { ownerId: "usr_other", runId: run.id })).rejects.toEqual(
      rejectsWith("not_found"),
    );
  });
});

describe("the wait for a code", () => {
  it("stores the task token only sealed, sets TWOFA_NEEDED.SMS and tells the owner once", async () => {
    const { account, run, token } = await waitingRun();
    const stored = await accounts.get(account.id);
    expect(stored?.state).toBe("TWOFA_NEEDED.SMS");
    expect(stored?.sealedTaskToken).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(events.published).toHaveLength(1);
    expect(events.published[0]).toMatchObject({
      type: "account.twofa_needed",
      locale: "fr",
      recipient: { channel: "email", to: "owner@example.com" },
      data: { connector: "demo", accountId: account.id },
    });
    // The retry sets the RETRY state and does not tell the owner again.
    const again = await waitForTwoFaCode(waitDeps(), {
      accountId: account.id,
      runId: run.id,
      twoFaType: "sms",
      retry: true,
      attempt: 2,
      taskToken: "task-token-2",
    });
    expect(again).toEqual({ state: "TWOFA_NEEDED_RETRY.SMS" });
    expect(JSON.stringify(again)).not.toContain("task-token");
    expect(events.published).toHaveLength(1);
  });

  it("a code resumes the run once; concurrent codes get no_run_waiting", async () => {
    const { account, token } = await waitingRun();
    const results = await Promise.allSettled(
      [1, 2, 3].map(() =>
        handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toEqual(rejectsWith("no_run_waiting"));
    }
    expect(workflow.resumed).toEqual([token]);
    const stored = await accounts.get(account.id);
    expect(stored?.sealedTaskToken).toBeUndefined();
    expect(stored?.sealedTwoFaCode).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(VENDOR_CODE);
  });

  it("a code for a wait that timed out gets no_run_waiting and is not kept", async () => {
    const { account } = await waitingRun();
    workflow.openTokens.clear(); // Step Functions timed the task out
    await expect(
      handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE }),
    ).rejects.toEqual(rejectsWith("no_run_waiting"));
    expect((await accounts.get(account.id))?.sealedTwoFaCode).toBeUndefined();
  });

  it("gives the task token back when Step Functions cannot be reached, so the user can retry", async () => {
    const { account, token } = await waitingRun();
    workflow.failNextResume = true;
    await expect(
      handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE }),
    ).rejects.toThrow("ServiceUnavailable");
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE });
    expect(workflow.resumed).toEqual([token]);
  });

  it("submits the code once, with what login kept, and saves the session sealed", async () => {
    const { account, run } = await waitingRun();
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE });
    const payload = { accountId: account.id, runId: run.id, twoFaType: "sms" as const, attempt: 1 };
    expect(await submitTwoFaCode(tasks(), payload)).toEqual({ outcome: "LOGGED_IN" });
    expect(connector.submitted).toEqual([VENDOR_CODE]);
    expect(connector.seenPending).toEqual(["p1"]);
    await expect(submitTwoFaCode(tasks(), payload)).rejects.toMatchObject({
      name: "UNKNOWN_ERROR",
    });
    const stored = await accounts.get(account.id);
    expect(stored?.sealedSession).toMatch(/^v1\./);
    expect(stored?.sealedPending).toBeUndefined();
  });

  it("answers WRONG_CODE for a code the vendor refuses", async () => {
    const { account, run } = await waitingRun();
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: "000000" });
    expect(
      await submitTwoFaCode(tasks(), {
        accountId: account.id,
        runId: run.id,
        twoFaType: "sms",
        attempt: 1,
      }),
    ).toEqual({ outcome: "WRONG_CODE" });
  });
});

describe("sessions", () => {
  async function loggedInAccount() {
    const { account, run } = await waitingRun();
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE });
    await submitTwoFaCode(tasks(), {
      accountId: account.id,
      runId: run.id,
      twoFaType: "sms",
      attempt: 1,
    });
    await fetchData(tasks(), { accountId: account.id, runId: run.id });
    workflow.statuses.set(workflow.executionArnOf(run.id), { status: "SUCCEEDED" });
    return account;
  }

  it("a live session logs in without the vendor's 2FA, and its renewal is saved", async () => {
    const account = await loggedInAccount();
    const run = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: false });
    const before = (await accounts.get(account.id))?.sealedSession;
    expect(await logIn(tasks(), { accountId: account.id, runId: run.id, manual: false })).toEqual({
      outcome: "LOGGED_IN",
      twoFaType: null,
    });
    expect(connector.logins).toBe(1);
    expect((await accounts.get(account.id))?.sealedSession).not.toBe(before);
  });

  it("a background run with a dead session and a vendor known to ask for 2FA does not log in", async () => {
    const account = await loggedInAccount();
    connector.sessionValid = false;
    const run = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: false });
    expect(await logIn(tasks(), { accountId: account.id, runId: run.id, manual: false })).toEqual({
      outcome: "TWOFA_NEEDED",
      twoFaType: "sms",
    });
    expect(connector.logins).toBe(1);
    expect((await accounts.get(account.id))?.sealedSession).toBeUndefined();
  });

  it("a task of a run that is no longer the account's last fails UNKNOWN_ERROR and writes nothing", async () => {
    const account = await loggedInAccount();
    const old = (await accounts.get(account.id))?.lastRunId ?? "";
    await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
    await expect(
      logIn(tasks(), { accountId: account.id, runId: old, manual: true }),
    ).rejects.toMatchObject({ name: "UNKNOWN_ERROR" });
  });
});
