/**
 * Connector accounts and runs over HTTP, against the local stack: the demo connector logs into
 * this service's own `/v1/token` as a Freshcom-style site, whose user has SMS TFA, and waits on
 * the local Step Functions service for the code the test reads from `/_local/messages`
 * (CONNECTOR_TWOFA_TIMEOUT_SECONDS=4 in the test stack).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskSuccessCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LOCAL_RESOURCES } from "../../infra/local/stack.js";
import {
  call,
  freshEmail,
  freshPhone,
  freshUsername,
  type HttpResult,
  post,
  sleep,
} from "../support/http.js";
import { latestCodeFor, messagesFor } from "../support/local.js";
import { type Json, PASSWORD, wrongOf } from "../support/users.js";

/** The test stack's wait for a code, and time for the run to end after it. */
const TWOFA_TIMEOUT_MS = 4_000;
const RUN_DEADLINE_MS = 15_000;
const POLL_MS = 50;

// --- helpers ---------------------------------------------------------------------------------

/** Polls `probe` until `done` holds, or fails naming `what` and the last value seen. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = RUN_DEADLINE_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not reached in ${timeoutMs} ms; last seen ${JSON.stringify(value)}`,
      );
    }
    await sleep(POLL_MS);
  }
}

async function codeSentTo(to: string, after: Date): Promise<string> {
  return latestCodeFor(to, { after, timeoutMs: TWOFA_TIMEOUT_MS });
}

/** A user of this service with a verified email and no TFA: the owner of connector accounts. */
async function registerOwner(): Promise<{ token: string; email: string }> {
  const email = freshEmail();
  const since = new Date();
  expect((await post("/v1/email_verification_codes", { email })).status).toBe(204);
  const emailVerificationCode = await latestCodeFor(email, { after: since });
  const username = freshUsername();
  const created = await post("/v1/customers", {
    username,
    password: PASSWORD,
    email,
    emailVerificationCode,
  });
  expect(created.status).toBe(201);
  const tokens = await post("/v1/token", { grant_type: "password", username, password: PASSWORD });
  expect(tokens.status).toBe(200);
  return { token: String(tokens.body.access_token), email };
}

/** The demo target's user: SMS TFA, so logging in asks for a code sent by SMS. */
async function registerTargetUser(): Promise<{
  username: string;
  password: string;
  phone: string;
}> {
  const phone = freshPhone();
  const since = new Date();
  expect((await post("/v1/phone_verification_codes", { phoneNumber: phone })).status).toBe(204);
  const phoneVerificationCode = await latestCodeFor(phone, { after: since });
  const username = freshUsername();
  const password = `${PASSWORD} ${username}`;
  const created = await post("/v1/customers", {
    username,
    password,
    authMethod: "tfa_sms",
    phoneNumber: phone,
    phoneVerificationCode,
  });
  expect(created.status).toBe(201);
  return { username, password, phone };
}

interface Scenario {
  owner: { token: string; email: string };
  target: { username: string; password: string; phone: string };
  accountId: string;
}

async function scenario(): Promise<Scenario> {
  const [owner, target] = await Promise.all([registerOwner(), registerTargetUser()]);
  const created = await post(
    "/v1/accounts",
    { connector: "demo", auth: { login: target.username, password: target.password } },
    { token: owner.token },
  );
  expect(created.status).toBe(201);
  return { owner, target, accountId: String(created.body.id) };
}

const getAccount = (s: Scenario) =>
  call("GET", `/v1/accounts/${s.accountId}`, { token: s.owner.token });

async function startRun(s: Scenario, manual: boolean): Promise<string> {
  const res = await post(`/v1/accounts/${s.accountId}/runs`, { manual }, { token: s.owner.token });
  expect(res.status, res.text).toBe(201);
  expect(res.body).toMatchObject({ accountId: s.accountId, status: "running", manual });
  return String(res.body.id);
}

const postCode = (s: Scenario, code: string) =>
  post(`/v1/accounts/${s.accountId}/twofa_code`, { code }, { token: s.owner.token });

const askNewCode = (s: Scenario) =>
  post(`/v1/accounts/${s.accountId}/twofa_code/resend`, {}, { token: s.owner.token });

/** The account once a run waits for a code (its `twoFa` is there). */
function waitForTwoFa(s: Scenario, state = "TWOFA_NEEDED.SMS") {
  return eventually(
    `account state ${state} with twoFa`,
    async () => (await getAccount(s)).body,
    (account) => account.state === state && account.twoFa !== undefined,
  );
}

function stateOf(s: Scenario): () => Promise<unknown> {
  return async () => (await getAccount(s)).body.state;
}

function waitForState(s: Scenario, state: string) {
  return eventually(`account state ${state}`, stateOf(s), (seen) => seen === state);
}

async function runOutcome(s: Scenario, runId: string): Promise<Json> {
  const res = await eventually(
    `run ${runId} ends`,
    () => call("GET", `/v1/runs/${runId}`, { token: s.owner.token }),
    (r) => r.status !== 200 || r.body.status !== "running",
  );
  expect(res.status).toBe(200);
  return res.body;
}

/** Starts a manual run and answers the vendor's SMS code once the run waits for it. */
async function manualRunWithCode(s: Scenario): Promise<{ runId: string; code: string }> {
  const since = new Date();
  const runId = await startRun(s, true);
  await waitForState(s, "TWOFA_NEEDED.SMS");
  const code = await codeSentTo(s.target.phone, since);
  expect((await postCode(s, code)).status).toBe(202);
  expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
  return { runId, code };
}

let sfn: SFNClient;
let dynamo: DynamoDBDocumentClient;

beforeAll(() => {
  const env = inject("localEnv");
  const endpoint = env.AWS_ENDPOINT_URL_SFN;
  if (!endpoint) throw new Error("The local stack runs no Step Functions service");
  const clientConfig = {
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  };
  sfn = new SFNClient({ ...clientConfig, endpoint });
  dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...clientConfig, endpoint: inject("dynamoEndpoint") }),
  );
});

afterAll(() => {
  sfn?.destroy();
  dynamo?.destroy();
});

/** The run's history as GetExecutionHistory gives it (execution name = run id). */
async function historyOf(runId: string): Promise<HistoryEvent[]> {
  const executionArn = `${LOCAL_RESOURCES.connectorRunsArn.replace(":stateMachine:", ":execution:")}:${runId}`;
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 100, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

/** The state each scheduled task belongs to, with its parameters, in order. */
function scheduledTasks(events: HistoryEvent[]): Array<{ state: string; parameters: Json }> {
  const out: Array<{ state: string; parameters: Json }> = [];
  let state = "";
  for (const event of events) {
    if (event.type === "TaskStateEntered") state = event.stateEnteredEventDetails?.name ?? "";
    if (event.type === "TaskScheduled") {
      out.push({
        state,
        parameters: JSON.parse(event.taskScheduledEventDetails?.parameters ?? "{}") as Json,
      });
    }
  }
  return out;
}

/** Every input and output the history records (state data, task results, callbacks). */
function recordedData(events: HistoryEvent[]): string[] {
  return events.flatMap((event) =>
    [
      event.executionStartedEventDetails?.input,
      event.executionSucceededEventDetails?.output,
      event.stateEnteredEventDetails?.input,
      event.stateExitedEventDetails?.output,
      event.taskSubmittedEventDetails?.output,
      event.taskSucceededEventDetails?.output,
    ].filter((data): data is string => data !== undefined),
  );
}

const ACCOUNT_KEYS = ["connector", "createdAt", "id", "lastFetch", "lastRun", "state", "updatedAt"];

// --- the claims ------------------------------------------------------------------------------

describe("a manual run of the demo connector", () => {
  it("goes HANDLE_LOGIN_SUCCESS → TWOFA_NEEDED.SMS → code typed → LOGIN_SUCCESS → succeeded", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    expect((await call("GET", `/v1/runs/${runId}`, { token: s.owner.token })).body).toEqual({
      id: runId,
      accountId: s.accountId,
      manual: true,
      startedAt: expect.any(String),
      status: "running",
      error: null,
    });
    const code = await codeSentTo(s.target.phone, since);
    const posted = await postCode(s, code);
    expect(posted.status).toBe(202);

    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
    const account = (await getAccount(s)).body;
    expect(account).toMatchObject({
      state: "LOGIN_SUCCESS",
      lastRun: { id: runId, manual: true },
      lastFetch: { summary: { profiles: 1 } },
    });
    // HANDLE_LOGIN_SUCCESS is overwritten at once by the wait: its order shows in the history.
    const states = scheduledTasks(await historyOf(runId)).map(({ state, parameters }) => {
      const payload = parameters.Payload as Json;
      return state === "WaitForTwoFaCode" ? state : `${state}:${String(payload.state ?? "")}`;
    });
    expect(states).toEqual([
      "Login:",
      "DeactivateAutoSuccessfulLogin:HANDLE_LOGIN_SUCCESS",
      "WaitForTwoFaCode",
      "SubmitTwoFaCode:",
      "NotifySuccessfulLogin:LOGIN_SUCCESS",
      "Fetch:",
      "FinishSucceededRun:",
    ]);
  });

  it("asks again with TWOFA_NEEDED_RETRY.SMS after a wrong code, then succeeds with the right one", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const code = await codeSentTo(s.target.phone, since);
    expect((await postCode(s, wrongOf(code))).status).toBe(202);
    await waitForState(s, "TWOFA_NEEDED_RETRY.SMS");
    expect((await call("GET", `/v1/runs/${runId}`, { token: s.owner.token })).body.status).toBe(
      "running",
    );
    expect((await postCode(s, code)).status).toBe(202);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
    expect((await getAccount(s)).body.state).toBe("LOGIN_SUCCESS");
  });

  it("fails USER_ACTION_NEEDED.TWOFA_EXPIRED when no code arrives in time, and a late code gets 409", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const code = await codeSentTo(s.target.phone, since);
    expect(await runOutcome(s, runId)).toEqual({
      id: runId,
      accountId: s.accountId,
      manual: true,
      startedAt: expect.any(String),
      status: "failed",
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    const late = await postCode(s, code);
    expect(late.status).toBe(409);
    expect(late.body.error).toBe("no_run_waiting");
    // Nothing waits any more: a second try is refused before Step Functions is asked.
    expect((await postCode(s, code)).body.error).toBe("no_run_waiting");
  });

  it("of two concurrent codes for one waiting run, one gets 202, the other 409, and the run resumes once", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const code = await codeSentTo(s.target.phone, since);
    const answers = await Promise.all([postCode(s, code), postCode(s, code), postCode(s, code)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error)).toEqual([
      "no_run_waiting",
      "no_run_waiting",
    ]);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded" });
    const submits = scheduledTasks(await historyOf(runId)).filter(
      (task) => task.state === "SubmitTwoFaCode",
    );
    expect(submits).toHaveLength(1);
  });

  it("refuses a second run while one runs (409 run_in_progress)", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const concurrent = await Promise.all([
      post(`/v1/accounts/${s.accountId}/runs`, { manual: true }, { token: s.owner.token }),
      post(`/v1/accounts/${s.accountId}/runs`, { manual: false }, { token: s.owner.token }),
    ]);
    expect(concurrent.map((r) => [r.status, r.body.error])).toEqual([
      [409, "run_in_progress"],
      [409, "run_in_progress"],
    ]);
    expect((await postCode(s, await codeSentTo(s.target.phone, since))).status).toBe(202);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded" });
  });

  it("tells the owner by email that the connector waits for a code (account.twofa_needed)", async () => {
    const s = await scenario();
    const since = new Date().toISOString();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const told = await eventually(
      "the owner's email",
      async () => (await messagesFor(s.owner.email)).filter((m) => m.sentAt > since),
      (messages) => messages.length > 0,
      TWOFA_TIMEOUT_MS,
    );
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ channel: "email", subject: "demo needs your code" });
    expect(told[0]?.body).toContain("Open the Home app");
    expect(await runOutcome(s, runId)).toMatchObject({ error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
  });
});

describe("the execution history", () => {
  it("matches AWS's: TaskSubmitted for the callback task, and no code nor task token in any input or output", async () => {
    const s = await scenario();
    const { runId, code } = await manualRunWithCode(s);
    const events = await historyOf(runId);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("ExecutionStarted");
    expect(types.at(-1)).toBe("ExecutionSucceeded");
    events.forEach((event, i) => {
      expect(event.id).toBe(i + 1);
      expect(event.previousEventId).toBe(i);
    });

    // The wait: scheduled and started, submitted when its function returned, then succeeded
    // by the callback, whose output says only that a code arrived.
    const waitEntered = events.findIndex(
      (e) =>
        e.type === "TaskStateEntered" && e.stateEnteredEventDetails?.name === "WaitForTwoFaCode",
    );
    expect(types.slice(waitEntered, waitEntered + 6)).toEqual([
      "TaskStateEntered",
      "TaskScheduled",
      "TaskStarted",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskStateExited",
    ]);
    const scheduled = events[waitEntered + 1]?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resourceType: "lambda",
      resource: "invoke.waitForTaskToken",
      timeoutInSeconds: TWOFA_TIMEOUT_MS / 1000,
    });
    expect(JSON.parse(events[waitEntered + 4]?.taskSucceededEventDetails?.output ?? "")).toEqual({
      received: true,
    });

    // AWS records the task token in the scheduled parameters, as here; nowhere else.
    const parameters = JSON.parse(scheduled?.parameters ?? "{}") as { Payload?: Json };
    const taskToken = String(parameters.Payload?.taskToken ?? "");
    expect(taskToken.length).toBeGreaterThanOrEqual(32);
    const data = recordedData(events);
    expect(data.length).toBeGreaterThan(10);
    for (const text of data) {
      expect(text).not.toContain(taskToken);
      expect(text).not.toContain(code);
    }
    expect(JSON.stringify(events)).not.toContain(code);
    expect(JSON.stringify(events)).not.toContain(s.target.password);
  });
});

describe("background runs and the saved session", () => {
  it("a background run with no session fails USER_ACTION_NEEDED.TWOFA_EXPIRED at once, asking nobody", async () => {
    const s = await scenario();
    const since = new Date().toISOString();
    const runId = await startRun(s, false);
    expect(await runOutcome(s, runId)).toMatchObject({
      status: "failed",
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    const tasks = scheduledTasks(await historyOf(runId)).map((task) => task.state);
    expect(tasks).toEqual(["Login", "FinishFailedRun"]);
    expect((await getAccount(s)).body.state).toBeNull();
    expect((await messagesFor(s.owner.email)).filter((m) => m.sentAt > since)).toEqual([]);
  });

  it("a background run of an account whose vendor asks for 2FA makes the vendor send no code", async () => {
    const s = await scenario();
    const beforeFirst = new Date();
    const first = await startRun(s, false);
    expect((await runOutcome(s, first)).error).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    // The first time, the connector could not know: the vendor sent its code, unused.
    await codeSentTo(s.target.phone, beforeFirst);
    const since = new Date().toISOString();
    const second = await startRun(s, false);
    expect((await runOutcome(s, second)).error).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    await sleep(500); // a code would be on its way through the notifier by now
    expect((await messagesFor(s.target.phone)).filter((m) => m.sentAt > since)).toEqual([]);
  });

  it("a second run reuses the saved session: no 2FA, succeeded, in the background too", async () => {
    const s = await scenario();
    await manualRunWithCode(s);
    const since = new Date().toISOString();
    for (const manual of [true, false, false]) {
      const runId = await startRun(s, manual);
      expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
      const tasks = scheduledTasks(await historyOf(runId)).map((task) => task.state);
      expect(tasks).toEqual(["Login", "NotifySuccessfulLogin", "Fetch", "FinishSucceededRun"]);
      expect((await getAccount(s)).body).toMatchObject({
        state: "LOGIN_SUCCESS",
        lastRun: { id: runId, manual },
      });
    }
    await sleep(300);
    expect((await messagesFor(s.target.phone)).filter((m) => m.sentAt > since)).toEqual([]);
  });
});

describe("connector accounts", () => {
  it("creates an account as {id, connector, state} and never returns the credentials", async () => {
    const owner = await registerOwner();
    const res = await post(
      "/v1/accounts",
      { connector: "demo", auth: { login: "someone", password: "a secret password" } },
      { token: owner.token },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^acc_/),
      connector: "demo",
      state: null,
    });
    expect(Object.keys(res.body).sort()).toEqual(ACCOUNT_KEYS);
    expect(res.text).not.toContain("a secret password");
    expect(res.headers.get("location")).toBe(`/v1/accounts/${String(res.body.id)}`);
  });

  it("refuses an unknown connector with 400 unknown_connector", async () => {
    const owner = await registerOwner();
    const res = await post(
      "/v1/accounts",
      { connector: "nope", auth: { login: "someone", password: "a secret password" } },
      { token: owner.token },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "unknown_connector", field: "connector" });
  });

  it("refuses a missing password with 400 invalid_request naming the field", async () => {
    const owner = await registerOwner();
    const res = await post(
      "/v1/accounts",
      { connector: "demo", auth: { login: "someone" } },
      { token: owner.token },
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "auth.password" });
  });

  it("requires a bearer token on every connector route", async () => {
    const anonymous: HttpResult[] = await Promise.all([
      post("/v1/accounts", { connector: "demo", auth: { login: "a", password: "b" } }),
      call("GET", "/v1/accounts/acc_x"),
      post("/v1/accounts/acc_x/runs", { manual: true }),
      call("GET", "/v1/runs/run_x"),
      post("/v1/accounts/acc_x/twofa_code", { code: "123456" }),
    ]);
    expect(anonymous.map((r) => [r.status, r.body.error])).toEqual(
      Array(5).fill([401, "invalid_token"]),
    );
  });

  it("answers 404 for another user's account and run, as for ones that do not exist", async () => {
    const s = await scenario();
    const runId = await startRun(s, false);
    await runOutcome(s, runId);
    const stranger = await registerOwner();
    const asStranger: HttpResult[] = await Promise.all([
      call("GET", `/v1/accounts/${s.accountId}`, { token: stranger.token }),
      post(`/v1/accounts/${s.accountId}/runs`, { manual: true }, { token: stranger.token }),
      call("GET", `/v1/runs/${runId}`, { token: stranger.token }),
      post(`/v1/accounts/${s.accountId}/twofa_code`, { code: "123456" }, { token: stranger.token }),
      call("GET", "/v1/accounts/acc_doesnotexist", { token: stranger.token }),
      call("GET", "/v1/runs/run_doesnotexist", { token: stranger.token }),
    ]);
    expect(asStranger.map((r) => [r.status, r.body.error])).toEqual(
      Array(6).fill([404, "not_found"]),
    );
  });

  it("never shows the password, session, code or task token, and stores each only sealed", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    await waitForState(s, "TWOFA_NEEDED.SMS");
    const waiting = await getAccount(s);
    const stored = async () =>
      (
        await dynamo.send(
          new GetCommand({
            TableName: inject("tableName"),
            Key: { pk: `CONNECTOR_ACCOUNT#${s.accountId}`, sk: "ACCOUNT" },
          }),
        )
      ).Item ?? {};
    const whileWaiting = await stored();
    const code = await codeSentTo(s.target.phone, since);
    expect((await postCode(s, code)).status).toBe(202);
    await runOutcome(s, runId);
    const done = await getAccount(s);
    const afterRun = await stored();

    const events = await historyOf(runId);
    const wait = scheduledTasks(events).find((task) => task.state === "WaitForTwoFaCode");
    const taskToken = String((wait?.parameters.Payload as Json | undefined)?.taskToken);
    expect(Object.keys(waiting.body).sort()).toEqual([...ACCOUNT_KEYS, "twoFa"].sort());
    expect(Object.keys(done.body).sort()).toEqual(ACCOUNT_KEYS);
    for (const res of [waiting, done]) {
      for (const secret of [s.target.password, taskToken, code]) {
        expect(res.text).not.toContain(secret);
      }
      expect(res.text).not.toMatch(/sealed|session|token|password/i);
    }
    // At rest: the secrets are AES-GCM envelopes, the plain values nowhere in the item.
    expect(whileWaiting.sealedTaskToken).toMatch(/^v1\./);
    expect(afterRun.sealedSession).toMatch(/^v1\./);
    expect(afterRun.sealedAuth).toMatch(/^v1\./);
    for (const item of [whileWaiting, afterRun]) {
      const text = JSON.stringify(item);
      for (const secret of [s.target.password, taskToken, code]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(afterRun.sealedTaskToken).toBeUndefined();
    expect(afterRun.sealedTwoFaCode).toBeUndefined();
  });
});

describe("the end of a run on the account", () => {
  it("after the wait times out, the account shows the run's error, no 2FA prompt and no task token", async () => {
    const s = await scenario();
    const runId = await startRun(s, true);
    await waitForTwoFa(s);
    expect(await runOutcome(s, runId)).toMatchObject({
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    const account = await eventually(
      "the account shows how the run ended",
      async () => (await getAccount(s)).body,
      (body) => (body.lastRun as Json | null)?.endedAt !== null,
    );
    expect(account.state).toBeNull();
    expect(account.lastRun).toMatchObject({
      id: runId,
      endedAt: expect.any(String),
      error: "USER_ACTION_NEEDED.TWOFA_EXPIRED",
    });
    expect(account).not.toHaveProperty("twoFa");
    const item =
      (
        await dynamo.send(
          new GetCommand({
            TableName: inject("tableName"),
            Key: { pk: `CONNECTOR_ACCOUNT#${s.accountId}`, sk: "ACCOUNT" },
          }),
        )
      ).Item ?? {};
    expect(item.sealedTaskToken).toBeUndefined();
    expect(item.waitingRunId).toBeUndefined();
  });

  it("a succeeded run shows when it ended and no error", async () => {
    const s = await scenario();
    const { runId } = await manualRunWithCode(s);
    expect((await getAccount(s)).body.lastRun).toMatchObject({
      id: runId,
      endedAt: expect.any(String),
      error: null,
    });
  });
});

describe("the wait as the Home page shows it", () => {
  it("carries twoFa {type, expiresAt, attemptsLeft, canResend} while a run waits, fewer attempts after a wrong code", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    const waiting = await waitForTwoFa(s);
    const twoFa = waiting.twoFa as Json;
    expect(twoFa).toEqual({
      type: "sms",
      expiresAt: expect.any(String),
      attemptsLeft: 3,
      canResend: true,
    });
    const secondsLeft = (Date.parse(String(twoFa.expiresAt)) - Date.now()) / 1000;
    expect(secondsLeft).toBeGreaterThan(0);
    expect(secondsLeft).toBeLessThanOrEqual(TWOFA_TIMEOUT_MS / 1000);
    const code = await codeSentTo(s.target.phone, since);
    expect((await postCode(s, wrongOf(code))).status).toBe(202);
    const retry = await waitForTwoFa(s, "TWOFA_NEEDED_RETRY.SMS");
    expect((retry.twoFa as Json).attemptsLeft).toBe(2);
    expect((await postCode(s, code)).status).toBe(202);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded" });
    expect((await getAccount(s)).body).not.toHaveProperty("twoFa");
  });
});

describe("a new code", () => {
  it("answers 202 while a run waits: the run logs in again, waits, and the code then typed succeeds", async () => {
    const s = await scenario();
    const runId = await startRun(s, true);
    await waitForTwoFa(s);
    const resent = await askNewCode(s);
    expect(resent.status, resent.text).toBe(202);
    const again = await waitForTwoFa(s);
    expect(again.twoFa).toMatchObject({ attemptsLeft: 3, canResend: true });
    await sleep(500); // a new code would be through the notifier by now
    const code = await latestCodeFor(s.target.phone, { timeoutMs: TWOFA_TIMEOUT_MS });
    expect((await postCode(s, code)).status).toBe(202);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
    const logins = scheduledTasks(await historyOf(runId)).filter((t) => t.state === "Login");
    expect(logins).toHaveLength(2);
  });

  it("answers 409 no_run_waiting when no run waits", async () => {
    const s = await scenario();
    const none = await askNewCode(s);
    expect(none.status).toBe(409);
    expect(none.body.error).toBe("no_run_waiting");
  });

  it("allows three new codes in a run, then answers 409 twofa_resend_unavailable", async () => {
    const s = await scenario();
    const runId = await startRun(s, true);
    await waitForTwoFa(s);
    for (let i = 1; i <= 3; i += 1) {
      expect((await askNewCode(s)).status).toBe(202);
      const account = await waitForTwoFa(s);
      expect((account.twoFa as Json).canResend).toBe(i < 3);
    }
    const refused = await askNewCode(s);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe("twofa_resend_unavailable");
    expect(await runOutcome(s, runId)).toMatchObject({ error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" });
  });

  it("requires a bearer token", async () => {
    const s = await scenario();
    const res = await post(`/v1/accounts/${s.accountId}/twofa_code/resend`, {});
    expect(res.status).toBe(401);
  });
});

describe("a task token read from the execution history", () => {
  it("resuming the wait with it, without a code, strands neither the run nor the account", async () => {
    const s = await scenario();
    const since = new Date();
    const runId = await startRun(s, true);
    const first = await waitForTwoFa(s);
    const wait = scheduledTasks(await historyOf(runId)).find(
      (task) => task.state === "WaitForTwoFaCode",
    );
    const taskToken = String((wait?.parameters.Payload as Json | undefined)?.taskToken);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ received: true }) }),
    );
    // The run waits again, with a new token, and the user's code still goes through.
    const account = await eventually(
      "a second wait on the account",
      async () => (await getAccount(s)).body,
      (body) =>
        body.state === "TWOFA_NEEDED.SMS" &&
        (body.twoFa as Json | undefined)?.expiresAt !== undefined &&
        (body.twoFa as Json).expiresAt !== (first.twoFa as Json).expiresAt,
    );
    expect(account.twoFa).toMatchObject({ type: "sms", attemptsLeft: 3 });
    const waits = scheduledTasks(await historyOf(runId)).filter(
      (task) => task.state === "WaitForTwoFaCode",
    );
    expect(waits).toHaveLength(2);
    const code = await codeSentTo(s.target.phone, since);
    expect((await postCode(s, code)).status).toBe(202);
    expect(await runOutcome(s, runId)).toMatchObject({ status: "succeeded", error: null });
    expect((await getAccount(s)).body.state).toBe("LOGIN_SUCCESS");
  });
});
