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
  createAccount,
  getRun,
  handInTwoFaCode,
  ownedAccount,
  resendTwoFaCode,
  startRun,
} from "../../functions/core/connectors/api.js";
import {
  type ConnectorRunInput,
  TWOFA_RESEND_SIGNAL,
} from "../../functions/core/connectors/contract.js";
import {
  type AccountChange,
  type AccountCondition,
  type ConnectorAccount,
  type ConnectorRun,
  publicAccount,
} from "../../functions/core/connectors/model.js";
import type {
  ConnectorAccountStore,
  ConnectorRunWorkflow,
  RunProgress,
} from "../../functions/core/connectors/ports.js";
import {
  fetchData,
  finishRun,
  logIn,
  submitTwoFaCode,
  waitForTwoFaCode,
} from "../../functions/core/connectors/tasks.js";
import type { DomainError } from "../../functions/core/errors.js";
import type { User } from "../../functions/core/users.js";
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

/** Runs by id; a task token is answered once, as Step Functions' registry does. */
class ScriptedWorkflow implements ConnectorRunWorkflow {
  readonly started: ConnectorRunInput[] = [];
  readonly statuses = new Map<string, RunProgress>();
  readonly openTokens = new Set<string>();
  readonly resumed: string[] = [];
  readonly ended: Array<{ token: string; error: string }> = [];
  failNextResume = false;

  async start(input: ConnectorRunInput) {
    this.started.push(input);
    this.statuses.set(input.runId, { status: "running" });
  }
  async progress(runId: string) {
    return this.statuses.get(runId) ?? null;
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
  async endWait(token: string, error: string) {
    if (!this.openTokens.delete(token)) return "gone" as const;
    this.ended.push({ token, error });
    return "ended" as const;
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

/** The run's wait for an SMS code, first attempt, with `token` as its task token. */
function firstWait(accountId: string, runId: string, token: string) {
  return waitForTwoFaCode(waitDeps(), {
    accountId,
    runId,
    twoFaType: "sms",
    retry: false,
    attempt: 1,
    maxAttempts: 3,
    timeoutSeconds: 180,
    taskToken: token,
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
  await firstWait(account.id, run.id, token);
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
    expect(Object.keys(publicAccount(account, clock.nowMs()))).not.toContain("sealedAuth");
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
    workflow.statuses.set(first.id, { status: "succeeded" });
    const results = await Promise.allSettled([
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(workflow.started).toHaveLength(2);
  });

  it("a new run clears the 2FA prompt an expired run left on the account", async () => {
    const { account, run } = await waitingRun();
    workflow.statuses.set(run.id, {
      status: "failed",
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
    workflow.statuses.set(run.id, { status: "failed", error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
    expect(await getRun(api(), { ownerId: OWNER, runId: run.id })).toMatchObject({
      status: "failed",
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    workflow.statuses.set(run.id, { status: "failed", error: "States.Aborted" });
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
      maxAttempts: 3,
      timeoutSeconds: 180,
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
    // Resumed again with no code stored (a task token read from the history): no second
    // submission, and an outcome the run waits again on rather than fails with.
    expect(await submitTwoFaCode(tasks(), payload)).toEqual({ outcome: "NO_CODE" });
    expect(connector.submitted).toEqual([VENDOR_CODE]);
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
    workflow.statuses.set(run.id, { status: "succeeded" });
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

describe("the end of a run", () => {
  it("after the wait times out, FinishRun clears the 2FA prompt and the task token and shows the error", async () => {
    const { account, run } = await waitingRun();
    expect(
      await finishRun(tasks(), {
        accountId: account.id,
        runId: run.id,
        error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
      }),
    ).toEqual({ finished: true });
    const stored = await accounts.get(account.id);
    expect(stored?.state).toBeNull();
    expect(stored?.sealedTaskToken).toBeUndefined();
    expect(stored?.waitingRunId).toBeUndefined();
    expect(stored?.sealedPending).toBeUndefined();
    const shown = publicAccount(stored as ConnectorAccount, clock.nowMs());
    expect(shown.lastRun).toMatchObject({
      id: run.id,
      endedAt: new Date(clock.nowMs()).toISOString(),
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    expect(shown).not.toHaveProperty("twoFa");
    // A code typed now finds no wait.
    await expect(
      handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE }),
    ).rejects.toEqual(rejectsWith("no_run_waiting"));
  });

  it("a succeeded run keeps LOGIN_SUCCESS and shows no error", async () => {
    const { account, run } = await waitingRun();
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE });
    await submitTwoFaCode(tasks(), {
      accountId: account.id,
      runId: run.id,
      twoFaType: "sms",
      attempt: 1,
    });
    await accounts.update(account.id, { set: { state: "LOGIN_SUCCESS" } }, {});
    await fetchData(tasks(), { accountId: account.id, runId: run.id });
    await finishRun(tasks(), { accountId: account.id, runId: run.id, error: null });
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(stored.state).toBe("LOGIN_SUCCESS");
    expect(publicAccount(stored, clock.nowMs()).lastRun).toMatchObject({
      id: run.id,
      error: null,
      endedAt: expect.any(String),
    });
  });

  it("a failure after the login keeps LOGIN_SUCCESS and shows the error", async () => {
    const { account, run } = await waitingRun();
    await accounts.update(account.id, { set: { state: "LOGIN_SUCCESS" } }, {});
    await finishRun(tasks(), { accountId: account.id, runId: run.id, error: "VENDOR_DOWN" });
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(stored.state).toBe("LOGIN_SUCCESS");
    expect(publicAccount(stored, clock.nowMs()).lastRun?.error).toBe("VENDOR_DOWN");
  });

  it("a run that is no longer the account's last finishes nothing", async () => {
    const { account, run } = await waitingRun();
    workflow.statuses.set(run.id, { status: "failed", error: "UNKNOWN_ERROR" });
    const next = await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
    expect(
      await finishRun(tasks(), { accountId: account.id, runId: run.id, error: "UNKNOWN_ERROR" }),
    ).toEqual({ finished: false });
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(stored.lastRunId).toBe(next.id);
    expect(stored.lastRunError).toBeUndefined();
    expect(stored.lastRunEndedAt).toBeUndefined();
  });

  it("a run whose start fails shows UNKNOWN_ERROR on its account and blocks no later start", async () => {
    const account = await newAccount();
    workflow.start = async () => {
      throw new Error("ServiceUnavailable");
    };
    await expect(
      startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true }),
    ).rejects.toThrow("ServiceUnavailable");
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(publicAccount(stored, clock.nowMs()).lastRun?.error).toBe("UNKNOWN_ERROR");
    workflow.start = ScriptedWorkflow.prototype.start;
    await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
  });
});

describe("the wait as Home shows it", () => {
  it("shows type, deadline, codes left and whether a new code can be sent, only while a run waits", async () => {
    const { account, run } = await waitingRun();
    const waiting = publicAccount(
      (await accounts.get(account.id)) as ConnectorAccount,
      clock.nowMs(),
    );
    expect(waiting.twoFa).toEqual({
      type: "sms",
      expiresAt: new Date(clock.nowMs() + 180_000).toISOString(),
      attemptsLeft: 3,
      canResend: true,
    });
    expect(JSON.stringify(waiting)).not.toMatch(/task-token|sealed/);

    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: "000000" });
    expect(
      publicAccount((await accounts.get(account.id)) as ConnectorAccount, clock.nowMs()),
    ).not.toHaveProperty("twoFa");

    // The wrong code asks again: TWOFA_NEEDED_RETRY with one code fewer.
    workflow.openTokens.add("task-token-2");
    await waitForTwoFaCode(waitDeps(), {
      accountId: account.id,
      runId: run.id,
      twoFaType: "sms",
      retry: true,
      attempt: 2,
      maxAttempts: 3,
      timeoutSeconds: 180,
      taskToken: "task-token-2",
    });
    const retry = publicAccount(
      (await accounts.get(account.id)) as ConnectorAccount,
      clock.nowMs(),
    );
    expect(retry.state).toBe("TWOFA_NEEDED_RETRY.SMS");
    expect(retry.twoFa?.attemptsLeft).toBe(2);

    clock.advanceSeconds(181);
    expect(
      publicAccount((await accounts.get(account.id)) as ConnectorAccount, clock.nowMs()),
    ).not.toHaveProperty("twoFa");
  });
});

describe("a resume with no code stored", () => {
  it("waits again on the same ask, telling the owner nothing new", async () => {
    const { account, run } = await waitingRun();
    const payload = { accountId: account.id, runId: run.id, twoFaType: "sms" as const, attempt: 1 };
    expect(await submitTwoFaCode(tasks(), payload)).toEqual({ outcome: "NO_CODE" });
    expect(connector.submitted).toEqual([]);
    await waitForTwoFaCode(waitDeps(), {
      ...payload,
      retry: false,
      maxAttempts: 3,
      timeoutSeconds: 180,
      taskToken: "task-token-again",
    });
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(stored.state).toBe("TWOFA_NEEDED.SMS");
    expect(publicAccount(stored, clock.nowMs()).twoFa?.attemptsLeft).toBe(3);
    expect(events.published).toHaveLength(1);
  });
});

describe("a new code", () => {
  it("ends the wait with the resend signal, once per wait", async () => {
    const { account, token } = await waitingRun();
    const results = await Promise.allSettled([
      resendTwoFaCode(api(), { ownerId: OWNER, accountId: account.id }),
      handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(workflow.ended.length + workflow.resumed.length).toBe(1);
    if (workflow.ended.length === 1) {
      expect(workflow.ended).toEqual([{ token, error: TWOFA_RESEND_SIGNAL }]);
      const stored = (await accounts.get(account.id)) as ConnectorAccount;
      expect(stored.twoFaResends).toBe(1);
      expect(stored.sealedTaskToken).toBeUndefined();
    }
  });

  it("answers no_run_waiting when no run waits", async () => {
    const account = await newAccount();
    await expect(resendTwoFaCode(api(), { ownerId: OWNER, accountId: account.id })).rejects.toEqual(
      rejectsWith("no_run_waiting"),
    );
    const { account: waiting } = await waitingRun();
    workflow.openTokens.clear(); // the wait timed out
    await expect(resendTwoFaCode(api(), { ownerId: OWNER, accountId: waiting.id })).rejects.toEqual(
      rejectsWith("no_run_waiting"),
    );
  });

  it("allows three new codes per run, then twofa_resend_unavailable, and canResend says so", async () => {
    const { account, run } = await waitingRun();
    for (let i = 1; i <= 3; i += 1) {
      await resendTwoFaCode(api(), { ownerId: OWNER, accountId: account.id });
      const token = `task-token-resent-${i}`;
      workflow.openTokens.add(token);
      await firstWait(account.id, run.id, token);
    }
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(publicAccount(stored, clock.nowMs()).twoFa?.canResend).toBe(false);
    await expect(resendTwoFaCode(api(), { ownerId: OWNER, accountId: account.id })).rejects.toEqual(
      rejectsWith("twofa_resend_unavailable"),
    );
    expect(workflow.ended).toHaveLength(3);
    // The owner asked for these codes: told once, at the first ask of the run.
    expect(events.published).toHaveLength(1);
    // The wait is untouched: the code still goes through.
    await handInTwoFaCode(api(), { ownerId: OWNER, accountId: account.id, code: VENDOR_CODE });
    // A new run may ask for new codes again.
    workflow.statuses.set(run.id, { status: "succeeded" });
    await startRun(api(), { ownerId: OWNER, accountId: account.id, manual: true });
    expect((await accounts.get(account.id))?.twoFaResends).toBeUndefined();
  });

  it("gives the wait back when Step Functions cannot be reached", async () => {
    const { account } = await waitingRun();
    workflow.endWait = async () => {
      throw new Error("ServiceUnavailable");
    };
    await expect(resendTwoFaCode(api(), { ownerId: OWNER, accountId: account.id })).rejects.toThrow(
      "ServiceUnavailable",
    );
    const stored = (await accounts.get(account.id)) as ConnectorAccount;
    expect(stored.state).toBe("TWOFA_NEEDED.SMS");
    expect(stored.sealedTaskToken).toMatch(/^v1\./);
    expect(stored.twoFaResends).toBeUndefined();
    expect(publicAccount(stored, clock.nowMs()).twoFa?.attemptsLeft).toBe(3);
  });
});
