import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  CONNECTOR_RUN_ERRORS,
  isConnectorRunError,
  MAX_EMPTY_RESUMES,
  MAX_TWOFA_RESENDS,
  TWOFA_RESEND_SIGNAL,
} from "../../functions/core/connectors/contract";
import {
  type AslDefinition,
  type AslState,
  type AslTaskState,
  buildConnectorRunDefinition,
  CONNECTOR_RUN_STATES,
  CONNECTOR_TASKS,
  type ConnectorTaskName,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
  LAMBDA_SERVICE_ERRORS,
} from "../../infra/connector-run.asl";
import { LINKABLES } from "../../infra/routes";

// asl-validator ships no types; this is its documented signature.
type AslValidator = (
  definition: unknown,
  options?: { checkPaths?: boolean; checkArn?: boolean },
) => { isValid: boolean; errors: unknown[] };
const validate = createRequire(import.meta.url)("asl-validator") as AslValidator;

/** Error names of cozy-konnector-libs, copied from seed-semantics §1. */
const COZY_ERROR_NAMES = [
  "LOGIN_FAILED",
  "LOGIN_FAILED.NEEDS_SECRET",
  "LOGIN_FAILED.TOO_MANY_ATTEMPTS",
  "USER_ACTION_NEEDED",
  "USER_ACTION_NEEDED.TWOFA_EXPIRED",
  "USER_ACTION_NEEDED.WRONG_TWOFA_CODE",
  "USER_ACTION_NEEDED.OAUTH_OUTDATED",
  "USER_ACTION_NEEDED.ACCOUNT_REMOVED",
  "USER_ACTION_NEEDED.CHANGE_PASSWORD",
  "USER_ACTION_NEEDED.SCA_REQUIRED",
  "USER_ACTION_NEEDED.WEBAUTH_REQUIRED",
  "CHALLENGE_ASKED",
  "CAPTCHA_RESOLUTION_FAILED",
  "VENDOR_DOWN",
  "MAINTENANCE",
  "NOT_EXISTING_DIRECTORY",
  "FILE_DOWNLOAD_FAILED",
  "SAVE_FILE_FAILED",
  "DISK_QUOTA_EXCEEDED",
  "TERMS_VERSION_MISMATCH",
  "UNKNOWN_ERROR",
  "UNKNOWN_ERROR.PARTIAL_SYNC",
];

const functionArns = Object.fromEntries(
  Object.keys(CONNECTOR_TASKS).map((name) => [
    name,
    `arn:aws:lambda:us-east-1:123456789012:function:twofa-${name}`,
  ]),
) as Record<ConnectorTaskName, string>;

const definition = buildConnectorRunDefinition({
  functionArns,
  twoFaTimeoutSeconds: 120,
  maxTwoFaAttempts: 4,
});

const states = Object.entries(definition.States);
const tasks = states.filter((entry): entry is [string, AslTaskState] => entry[1].Type === "Task");

function transitionsOf(state: AslState): string[] {
  const targets: string[] = [];
  if ("Next" in state && state.Next !== undefined) targets.push(state.Next);
  if (state.Type === "Choice") {
    targets.push(...state.Choices.map((rule) => rule.Next));
    if (state.Default !== undefined) targets.push(state.Default);
  }
  if (state.Type === "Task") targets.push(...(state.Catch ?? []).map((catcher) => catcher.Next));
  return targets;
}

describe("the connector run definition", () => {
  it("is valid Amazon States Language according to asl-validator", () => {
    // The validator annotates the object it checks; keep the shared definition pristine.
    const result = validate(structuredClone(definition), { checkPaths: true, checkArn: true });
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it("is plain JSON: it survives serialization unchanged, as AWS receives it", () => {
    expect(JSON.parse(JSON.stringify(definition)) as AslDefinition).toEqual(definition);
  });

  it("starts at a state that exists and transitions only to states that exist", () => {
    expect(definition.States[definition.StartAt]).toBeDefined();
    for (const [, state] of states) {
      for (const target of transitionsOf(state)) expect(definition.States[target]).toBeDefined();
    }
  });

  it("gives every Task a TimeoutSeconds, so nothing waits for AWS's one-year limit", () => {
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      expect(task.TimeoutSeconds, name).toBeGreaterThan(0);
      if (task.HeartbeatSeconds !== undefined) {
        expect(task.HeartbeatSeconds, name).toBeLessThan(task.TimeoutSeconds);
      }
    }
  });

  it("gives each Lambda task more time than its function's own timeout", () => {
    for (const [name, task] of tasks) {
      if (task.Resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) continue;
      const taskName = Object.entries(functionArns).find(
        ([, arn]) => arn === task.Parameters?.FunctionName,
      )?.[0] as ConnectorTaskName;
      expect(task.TimeoutSeconds, name).toBeGreaterThan(
        CONNECTOR_TASKS[taskName].functionTimeoutSeconds,
      );
    }
  });

  it("bounds the wait for the code by the twoFaTimeoutSeconds option", () => {
    const wait = definition.States[CONNECTOR_RUN_STATES.WaitForTwoFaCode] as AslTaskState;
    expect(wait.Resource).toBe(LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN);
    expect(wait.TimeoutSeconds).toBe(120);
    const waits = tasks.filter(([, task]) => task.Resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN);
    expect(waits.map(([name]) => name)).toEqual([CONNECTOR_RUN_STATES.WaitForTwoFaCode]);
  });

  it("defaults the wait to Cozy's 3 minutes and the attempts to 3", () => {
    const defaults = buildConnectorRunDefinition({ functionArns });
    const wait = defaults.States[CONNECTOR_RUN_STATES.WaitForTwoFaCode] as AslTaskState;
    expect(wait.TimeoutSeconds).toBe(180);
    expect(JSON.stringify(defaults.States[CONNECTOR_RUN_STATES.SubmitOutcome])).toContain(
      '"NumericLessThan":3',
    );
  });

  it("turns a lapsed wait into USER_ACTION_NEEDED.TWOFA_EXPIRED", () => {
    const wait = definition.States[CONNECTOR_RUN_STATES.WaitForTwoFaCode] as AslTaskState;
    const onTimeout = wait.Catch?.find((catcher) => catcher.ErrorEquals.includes("States.Timeout"));
    expect(onTimeout?.ErrorEquals).toContain("States.HeartbeatTimeout");
    expect(definition.States[onTimeout?.Next ?? ""]).toMatchObject({
      Type: "Pass",
      Result: { error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" },
      ResultPath: "$.failure",
      Next: CONNECTOR_RUN_STATES.FinishFailedRun,
    });
  });

  it("hands the task token to the waiting task's function and keeps the callback output out of the state", () => {
    const wait = definition.States[CONNECTOR_RUN_STATES.WaitForTwoFaCode] as AslTaskState;
    expect(wait.Parameters?.Payload).toMatchObject({ "taskToken.$": "$$.Task.Token" });
    expect(wait.ResultPath).toBeNull();
    expect(JSON.stringify(definition)).not.toMatch(/"code(\.\$)?":|\.code\b/);
  });

  it("ends every Fail state with a Cozy error name", () => {
    const fails = states.filter(([, state]) => state.Type === "Fail");
    expect(fails.map(([name]) => name)).toEqual([CONNECTOR_RUN_STATES.RunFailed]);
    expect(definition.States[CONNECTOR_RUN_STATES.RunFailed]).toMatchObject({
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.cause",
    });
    // `$.failure` is set by Pass states only: with a Cozy name as a constant, or read from an
    // error that only catchers listing Cozy names lead to.
    const setters = states.filter(
      ([, state]) => "ResultPath" in state && state.ResultPath === "$.failure",
    );
    expect(setters.length).toBeGreaterThan(0);
    for (const [name, state] of setters) {
      expect(state.Type, name).toBe("Pass");
      if (state.Type !== "Pass") continue;
      if (state.Result !== undefined) {
        expect(COZY_ERROR_NAMES, name).toContain((state.Result as { error: string }).error);
        continue;
      }
      expect(state.Parameters?.["error.$"], name).toBe("$.error.Error");
      for (const [, other] of states) {
        if (other.Type === "Choice") expect(transitionsOf(other)).not.toContain(name);
        if (other.Type === "Pass") expect(other.Next).not.toBe(name);
        if (other.Type !== "Task") continue;
        expect(other.Next).not.toBe(name);
        for (const catcher of other.Catch ?? []) {
          if (catcher.Next !== name) continue;
          expect(catcher.ResultPath).toBe("$.error");
          for (const error of catcher.ErrorEquals) expect(COZY_ERROR_NAMES).toContain(error);
        }
      }
    }
  });

  it("passes every end of a run through FinishRun: failures before RunFailed, success before Done", () => {
    const S = CONNECTOR_RUN_STATES;
    const finishFailed = definition.States[S.FinishFailedRun] as AslTaskState;
    const finishSucceeded = definition.States[S.FinishSucceededRun] as AslTaskState;
    for (const finish of [finishFailed, finishSucceeded]) {
      expect(finish.Parameters?.FunctionName).toBe(functionArns.FinishRun);
    }
    expect(finishFailed.Parameters?.Payload).toMatchObject({ "error.$": "$.failure.error" });
    expect(finishSucceeded.Parameters?.Payload).toMatchObject({ error: null });
    for (const [name, state] of states) {
      const targets = transitionsOf(state);
      if (targets.includes(S.RunFailed)) expect(name).toBe(S.FinishFailedRun);
      if (targets.includes(S.Done)) expect(name).toBe(S.FinishSucceededRun);
      if ("ResultPath" in state && state.ResultPath === "$.failure") {
        expect(targets, name).toEqual([S.FinishFailedRun]);
      }
    }
    // Even when its account cannot be finished, the run still fails with its own error.
    expect(finishFailed.Next).toBe(S.RunFailed);
    expect(finishFailed.Catch).toEqual([
      { ErrorEquals: ["States.ALL"], ResultPath: "$.finishError", Next: S.RunFailed },
    ]);
  });

  it("tells the waiting task when the wait gives up and how many codes the run accepts", () => {
    const wait = definition.States[CONNECTOR_RUN_STATES.WaitForTwoFaCode] as AslTaskState;
    expect(wait.Parameters?.Payload).toMatchObject({ maxAttempts: 4, timeoutSeconds: 120 });
  });

  it("sends a resend signal back to the login, at most MAX_TWOFA_RESENDS times", () => {
    const S = CONNECTOR_RUN_STATES;
    const wait = definition.States[S.WaitForTwoFaCode] as AslTaskState;
    const onResend = wait.Catch?.find((catcher) =>
      catcher.ErrorEquals.includes(TWOFA_RESEND_SIGNAL),
    );
    expect(onResend?.ErrorEquals).toEqual([TWOFA_RESEND_SIGNAL]);
    expect(onResend?.Next).toBe(S.CountResend);
    expect(JSON.stringify(definition.States[S.CountResend])).toContain(
      `"NumericGreaterThanEquals":${MAX_TWOFA_RESENDS}`,
    );
    expect(transitionsOf(definition.States[S.CountResend] as AslState).sort()).toEqual(
      [S.FirstResend, S.NextResend, S.TooManyResends].sort(),
    );
    expect(definition.States[S.FirstResend]).toMatchObject({ Next: S.Login });
    expect(definition.States[S.NextResend]).toMatchObject({ Next: S.Login });
    expect(definition.States[S.TooManyResends]).toMatchObject({
      Result: { error: "USER_ACTION_NEEDED.TWOFA_EXPIRED" },
    });
  });

  it("waits again when resumed with no code stored, at most MAX_EMPTY_RESUMES times", () => {
    const S = CONNECTOR_RUN_STATES;
    const outcome = JSON.stringify(definition.States[S.SubmitOutcome]);
    expect(outcome).toContain(`"NumericLessThan":${MAX_EMPTY_RESUMES}`);
    expect(transitionsOf(definition.States[S.SubmitOutcome] as AslState)).toEqual(
      expect.arrayContaining([S.WaitAgainWithoutCode, S.TwoFaExpired]),
    );
    expect(definition.States[S.WaitAgainWithoutCode]).toMatchObject({
      Type: "Pass",
      Parameters: { "emptyResumes.$": "States.MathAdd($.twoFa.emptyResumes, 1)" },
      Next: S.WaitForTwoFaCode,
    });
  });

  it("retries transient Lambda service errors, and only those, on every task", () => {
    for (const [name, task] of tasks) {
      expect(task.Retry, name).toHaveLength(1);
      expect(task.Retry?.[0]?.ErrorEquals, name).toEqual(LAMBDA_SERVICE_ERRORS);
      expect(task.Retry?.[0]?.MaxAttempts, name).toBeGreaterThan(0);
    }
  });

  it("catches every task failure: Cozy names by name, anything else as UNKNOWN_ERROR", () => {
    for (const [name, task] of tasks) {
      if (name === CONNECTOR_RUN_STATES.FinishFailedRun) continue; // its own test, above
      const catchers = task.Catch ?? [];
      const last = catchers.at(-1);
      expect(last?.ErrorEquals, name).toEqual(["States.ALL"]);
      expect(definition.States[last?.Next ?? ""], name).toMatchObject({
        Type: "Pass",
        Result: { error: "UNKNOWN_ERROR" },
      });
      const byName = catchers.find((catcher) => catcher.ErrorEquals.includes("LOGIN_FAILED"));
      expect(byName?.ErrorEquals.toSorted(), name).toEqual(COZY_ERROR_NAMES.toSorted());
    }
  });

  it("invokes the configured function of each task", () => {
    const invoked = new Set(tasks.map(([, task]) => task.Parameters?.FunctionName));
    expect(invoked).toEqual(new Set(Object.values(functionArns)));
  });

  it("rejects option values outside safe bounds", () => {
    expect(() => buildConnectorRunDefinition({ functionArns, twoFaTimeoutSeconds: 0 })).toThrow(
      RangeError,
    );
    expect(() => buildConnectorRunDefinition({ functionArns, twoFaTimeoutSeconds: 1.5 })).toThrow(
      RangeError,
    );
    expect(() => buildConnectorRunDefinition({ functionArns, maxTwoFaAttempts: 0 })).toThrow(
      RangeError,
    );
  });
});

describe("the connector run catalogue", () => {
  it("lists exactly the Cozy error names", () => {
    expect(Object.values(CONNECTOR_RUN_ERRORS).toSorted()).toEqual(COZY_ERROR_NAMES.toSorted());
    expect(CONNECTOR_RUN_ERRORS.TWOFA_EXPIRED).toBe("USER_ACTION_NEEDED.TWOFA_EXPIRED");
    expect(CONNECTOR_RUN_ERRORS.WRONG_TWOFA_CODE).toBe("USER_ACTION_NEEDED.WRONG_TWOFA_CODE");
    expect(isConnectorRunError("VENDOR_DOWN")).toBe(true);
    expect(isConnectorRunError("States.Timeout")).toBe(false);
  });

  it("links task functions only to resources the route table knows", () => {
    for (const task of Object.values(CONNECTOR_TASKS)) {
      for (const resource of task.link) expect(LINKABLES).toContain(resource);
      expect(task.handler).toMatch(/^functions\/workflow\//);
    }
  });
});
