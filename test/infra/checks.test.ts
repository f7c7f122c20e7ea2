/**
 * The infra checks can fail: each one, given a broken copy of what it inspects, reports it.
 * (No SST here: plain data.)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  buildConnectorRunDefinition,
  CONNECTOR_TASKS,
  type ConnectorTaskName,
} from "../../infra/connector-run.asl";
import {
  allows,
  grantProblems,
  grantsOfPolicy,
  parseSstEnv,
  runtimeProblems,
  secretLeaks,
  sstEnvProblems,
  stateMachineDefinitionProblems,
} from "./checks";
import type { RecordedResource } from "./sst-harness";

const FUNCTION_ARNS = Object.fromEntries(
  Object.keys(CONNECTOR_TASKS).map((name) => [
    name,
    `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
  ]),
) as Record<ConnectorTaskName, string>;

/** A JSON copy of the real definition, free to break. */
function definitionCopy(): {
  States: Record<string, Record<string, unknown>>;
} {
  return JSON.parse(JSON.stringify(buildConnectorRunDefinition({ functionArns: FUNCTION_ARNS })));
}

function callbackStateOf(definition: ReturnType<typeof definitionCopy>) {
  const found = Object.values(definition.States).find((state) =>
    String(state.Resource).endsWith(".waitForTaskToken"),
  );
  if (!found) throw new Error("the definition has no callback task");
  return found;
}

describe("stateMachineDefinitionProblems", () => {
  it("accepts the shared connector-run definition", () => {
    expect(stateMachineDefinitionProblems(definitionCopy())).toEqual([]);
  });

  it("rejects a task with a 'Timeout' field, as SST's StepFunctions component writes it", () => {
    const definition = definitionCopy();
    const callback = callbackStateOf(definition);
    callback.Timeout = callback.TimeoutSeconds;
    delete callback.TimeoutSeconds;
    const problems = stateMachineDefinitionProblems(definition);
    expect(problems).toContainEqual(expect.stringMatching(/has a "Timeout" field/));
    // AWS's own rule, as asl-validator knows it, says the same.
    expect(problems).toContainEqual(expect.stringMatching(/^asl-validator: /));
  });

  it("rejects a callback task without TimeoutSeconds", () => {
    const definition = definitionCopy();
    delete callbackStateOf(definition).TimeoutSeconds;
    expect(stateMachineDefinitionProblems(definition)).toContainEqual(
      expect.stringMatching(/waits for a task token with no TimeoutSeconds/),
    );
  });

  it("finds a 'Timeout' field inside a Parallel branch", () => {
    const definition = {
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          End: true,
          Branches: [
            {
              StartAt: "Wait",
              States: {
                Wait: {
                  Type: "Task",
                  Resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  Parameters: { FunctionName: FUNCTION_ARNS.Login, "token.$": "$$.Task.Token" },
                  Timeout: 60,
                  End: true,
                },
              },
            },
          ],
        },
      },
    };
    expect(stateMachineDefinitionProblems(definition)).toContainEqual(
      expect.stringMatching(/^Both\/Wait has a "Timeout" field/),
    );
  });

  it("leaves the definition it checks unchanged", () => {
    const definition = definitionCopy();
    const before = JSON.stringify(definition);
    stateMachineDefinitionProblems(definition);
    expect(JSON.stringify(definition)).toBe(before);
  });
});

describe("runtimeProblems", () => {
  it("accepts nodejs22.x and newer with 256 MB or more", () => {
    expect(runtimeProblems({ name: "f", runtime: "nodejs22.x", memorySize: 256 })).toEqual([]);
    expect(runtimeProblems({ name: "f", runtime: "nodejs24.x", memorySize: 1024 })).toEqual([]);
  });

  it("rejects an older runtime, a non-Node runtime and too little memory", () => {
    expect(runtimeProblems({ name: "f", runtime: "nodejs20.x", memorySize: 256 })).toHaveLength(1);
    expect(runtimeProblems({ name: "f", runtime: "python3.12", memorySize: 256 })).toHaveLength(1);
    expect(runtimeProblems({ name: "f", runtime: "nodejs22.x", memorySize: 128 })).toHaveLength(1);
  });
});

describe("grant checks", () => {
  const table = "arn:aws:dynamodb:us-east-1:123456789012:table/t";
  const needed = [{ action: "dynamodb:*", resource: table }];

  it("reads Action and Resource given as a string or a list", () => {
    const json = JSON.stringify({
      Statement: { Effect: "Allow", Action: "sns:Publish", Resource: ["*", "arn:x"] },
    });
    expect(grantsOfPolicy(json)).toEqual([
      { action: "sns:Publish", resource: "*" },
      { action: "sns:Publish", resource: "arn:x" },
    ]);
  });

  it("reports a grant beyond what is needed", () => {
    const granted = [...needed, { action: "states:SendTaskSuccess", resource: "*" }];
    expect(grantProblems("f", granted, needed)).toEqual([
      "f is granted states:SendTaskSuccess on *, which it does not need",
    ]);
  });

  it("reports a needed grant that is missing", () => {
    expect(grantProblems("f", [], needed)).toEqual([
      `f lacks dynamodb:* on ${table}, which it needs`,
    ]);
  });

  it("counts a service wildcard as allowing the action", () => {
    expect(allows([{ action: "sns:*", resource: "*" }], "sns:Publish", "*")).toBe(true);
    expect(allows([{ action: "sns:*", resource: "arn:topic" }], "sns:Publish", "*")).toBe(false);
    expect(allows([{ action: "ses:SendEmail", resource: "*" }], "sns:Publish")).toBe(false);
  });
});

describe("secretLeaks", () => {
  const secrets = { SigningKey: "k3y-value-that-is-secret" };
  const SIG = "4dabf18193072939515e22adb298388d";
  const wrapped = (value: unknown) => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
  const resource = (type: string, inputs: Record<string, unknown>): RecordedResource => ({
    type,
    name: "R",
    inputs,
    state: {},
    options: {},
  });

  it("finds a secret in a Lambda environment variable, even inside a longer string", () => {
    const fn = resource("aws:lambda/function:Function", {
      environment: { variables: { KEY: `base64:${secrets.SigningKey}` } },
    });
    expect(secretLeaks([fn], secrets)).toEqual([
      "aws:lambda/function:Function R: SigningKey at environment.variables.KEY",
    ]);
  });

  it("finds a secret sent to AWS even when Pulumi marks it secret", () => {
    const fn = resource("aws:lambda/function:Function", {
      environment: wrapped({ variables: { KEY: secrets.SigningKey } }),
    });
    expect(secretLeaks([fn], secrets)).toHaveLength(1);
  });

  it("allows a secret kept encrypted in SST's state, and only encrypted", () => {
    const ref = (value: unknown) => resource("sst:sst:LinkRef", { properties: { value } });
    expect(secretLeaks([ref(wrapped(secrets.SigningKey))], secrets)).toEqual([]);
    expect(secretLeaks([ref(secrets.SigningKey)], secrets)).toHaveLength(1);
  });
});

describe("sst-env.d.ts checks", () => {
  const declared = parseSstEnv(
    readFileSync(path.resolve(import.meta.dirname, "../../sst-env.d.ts"), "utf8"),
  );

  it("reads the committed file's entries", () => {
    expect(declared.Table).toEqual({ name: "string", type: '"sst.aws.Dynamo"' });
  });

  it("reports a linked property or resource the file does not declare", () => {
    expect(
      sstEnvProblems(declared, {
        Table: { name: "t", type: "sst.aws.Dynamo", arn: "arn:x" },
        Bucket: { name: "b", type: "sst.aws.Bucket" },
      }),
    ).toEqual([
      "Table.arn is declared nowhere, linked as string",
      "sst-env.d.ts does not declare Bucket",
    ]);
  });

  it("reports a wrong type and a declared property that is never linked", () => {
    expect(sstEnvProblems(declared, { Events: { type: "sst.aws.Queue" } })).toEqual([
      'Events.type is declared "sst.aws.SnsTopic", linked as "sst.aws.Queue"',
      "Events.arn is declared but never linked",
    ]);
  });
});
