/**
 * What `sst deploy` would create for a development stage, read from SST's real components run
 * under Pulumi mocks (see sst-harness.ts). No AWS account is involved.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_TWOFA_TIMEOUT_SECONDS } from "../../functions/core/connectors/contract";
import { buildConnectorRunDefinition } from "../../infra/connector-run.asl";
import { LINKABLES, ROUTES, routeKey, STREAM_SUBSCRIBERS } from "../../infra/routes";
import { TABLE_SCHEMA } from "../../infra/table-schema";
import {
  allows,
  grantProblems,
  grantsOfRole,
  inputsOf,
  lambdaTasksOf,
  managedPoliciesOfRole,
  parseSstEnv,
  resourcesOfType,
  runtimeProblems,
  secretLeaks,
  sstEnvProblems,
  stateMachineDefinitionProblems,
} from "./checks";
import {
  type Deployment,
  describeDeployment,
  expectedGrants,
  RESUMING_ROUTE_KEYS,
  taskFunctionArns,
} from "./deployment";
import { ensureSstPlatform, PROJECT_ROOT, runSstConfig, type SstRun } from "./sst-harness";

/** Values as `sst secret set` would store them: random, so any copy of one is a leak. */
const SECRET_VALUES = {
  SigningKey: randomBytes(32).toString("base64url"),
  AdminApiKey: randomBytes(32).toString("base64url"),
  CodeHashKey: randomBytes(32).toString("base64url"),
  EncryptionKey: randomBytes(32).toString("base64url"),
};

const BASIC_EXECUTION_ROLE = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

let run: SstRun;
let deployment: Deployment;

beforeAll(async () => {
  ensureSstPlatform();
  run = await runSstConfig({ stage: "ci", secrets: SECRET_VALUES });
  deployment = describeDeployment(run);
}, 180_000);

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what} was deployed`);
  return value;
}

const handlerFileExists = (handler: string) =>
  [".ts", ".mts", ".js", ".mjs"].some((ext) => existsSync(path.join(PROJECT_ROOT, handler + ext)));

describe("the SST program", () => {
  it("runs without errors and calls no CLI service the stand-in lacks", () => {
    expect(run.errors).toEqual([]);
    expect(run.unknownRpcMethods).toEqual([]);
  });

  it("outputs the API's URL", () => {
    expect(run.outputs.api).toMatch(/^https:\/\/.+\.execute-api\./);
  });

  it("makes a non-production stage removable", () => {
    expect(run.app).toMatchObject({ name: "twofa", removal: "remove", protect: false });
  });
});

describe("functions", () => {
  it("every route of the table has a Lambda function whose handler file exists", () => {
    // Exactly the table's routes: none missing, none extra, none twice.
    expect([...deployment.routeKeys].sort()).toEqual(ROUTES.map(routeKey).sort());
    const problems = deployment.rows
      .filter((row) => row.kind === "route")
      .flatMap((row) => [
        ...(row.fn?.handler === `${row.handler}.handler`
          ? []
          : [`${row.label} is not served by ${row.handler}.handler`]),
        ...(handlerFileExists(row.handler) ? [] : [`${row.label}: ${row.handler}.ts is missing`]),
      ]);
    expect(problems).toEqual([]);
  });

  it("every subscriber and connector task has a Lambda function whose handler file exists", () => {
    const problems = deployment.rows
      .filter((row) => row.kind !== "route")
      .flatMap((row) => [
        ...(row.fn ? [] : [`${row.kind} ${row.label} has no function`]),
        ...(handlerFileExists(row.handler)
          ? []
          : [`${row.kind} ${row.label}: ${row.handler}.ts is missing`]),
      ]);
    expect(problems).toEqual([]);
  });

  it("gives the connector tasks the API's own URL as the demo connector's target", () => {
    const tasks = deployment.rows.filter((row) => row.kind === "connector task");
    expect(tasks.length).toBeGreaterThan(0);
    for (const row of tasks) {
      expect(row.fn?.environment.CONNECTOR_DEMO_TARGET_URL).toBe(run.outputs.api);
    }
  });

  it("deploys no function that no table declares", () => {
    const declared = new Set(deployment.rows.map((row) => row.fn?.name));
    expect(deployment.functions.map((f) => f.name).filter((name) => !declared.has(name))).toEqual(
      [],
    );
  });

  it("every function runs nodejs22.x or newer with at least 256 MB", () => {
    expect(deployment.functions.length).toBeGreaterThan(0);
    expect(deployment.functions.flatMap(runtimeProblems)).toEqual([]);
  });

  it("each function is linked to exactly the resources its row lists", () => {
    const mismatches = deployment.rows
      .filter((row) => row.fn !== undefined)
      .map((row) => ({
        row: `${row.kind} ${row.label}`,
        linked: Object.keys(row.fn?.build?.links ?? {}).sort(),
        listed: [...new Set(row.link)].sort(),
      }))
      .filter(({ linked, listed }) => JSON.stringify(linked) !== JSON.stringify(listed));
    expect(mismatches).toEqual([]);
  });
});

describe("permissions", () => {
  it("each function's role grants exactly what its links and its row need", () => {
    const problems = deployment.rows.flatMap((row) => {
      const owner = `${row.kind} ${row.label}`;
      if (!row.fn?.role) return [`${owner} has no role`];
      return [
        ...grantProblems(owner, grantsOfRole(row.fn.role), expectedGrants(row, deployment.arns)),
        // Writing its own logs, nothing else: no VPC, no broad managed policy.
        ...(JSON.stringify(managedPoliciesOfRole(row.fn.role)) ===
        JSON.stringify([BASIC_EXECUTION_ROLE])
          ? []
          : [`${owner} has managed policies ${managedPoliciesOfRole(row.fn.role).join(", ")}`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it("only the twofa_code routes' functions may resume a waiting connector run", () => {
    const mayResume = (action: string) =>
      deployment.rows
        .filter((row) => row.fn?.role && allows(grantsOfRole(row.fn.role), action))
        .map((row) => row.label);
    const resumingRoutes = ROUTES.map(routeKey).filter((key) => RESUMING_ROUTE_KEYS.has(key));
    expect(mayResume("states:SendTaskSuccess")).toEqual(resumingRoutes);
    expect(mayResume("states:SendTaskFailure")).toEqual(resumingRoutes);
  });

  it("only SMS-sending subscribers may publish to phone numbers", () => {
    const publishers = deployment.rows
      .filter((row) => row.fn?.role && allows(grantsOfRole(row.fn.role), "sns:Publish", "*"))
      .map((row) => row.label);
    expect(publishers).toEqual(deployment.rows.filter((row) => row.sendsSms).map((r) => r.label));
  });

  it("the admin API's routes, and only they, hold the admin key; they reach the table alone", () => {
    const adminRoutes = [
      "GET /v1/admin/users/{id}",
      "POST /v1/admin/users/{id}/unlock",
      "POST /v1/admin/users/{id}/reset_second_factors",
      "GET /v1/admin/security_events",
      "POST /v1/admin/webhook_endpoints",
      "GET /v1/admin/webhook_endpoints",
      "DELETE /v1/admin/webhook_endpoints/{id}",
      "GET /v1/admin/webhook_endpoints/{id}/deliveries",
    ].sort();
    const holders = deployment.rows
      .filter((row) => Object.keys(row.fn?.build?.links ?? {}).includes("AdminApiKey"))
      .map((row) => row.label)
      .sort();
    expect(holders).toEqual(adminRoutes);
    for (const row of deployment.rows.filter((r) => adminRoutes.includes(r.label))) {
      const grants = row.fn?.role ? grantsOfRole(row.fn.role) : [];
      expect(allows(grants, "dynamodb:TransactWriteItems", deployment.arns.table), row.label).toBe(
        true,
      );
      for (const action of ["sns:Publish", "ses:SendEmail", "states:StartExecution"]) {
        expect(allows(grants, action), `${row.label} ${action}`).toBe(false);
      }
    }
  });

  it("only functions linked to Email may send email", () => {
    const senders = deployment.rows
      .filter((row) => row.fn?.role && allows(grantsOfRole(row.fn.role), "ses:SendEmail"))
      .map((row) => row.label);
    expect(senders).toEqual(
      deployment.rows.filter((row) => row.link.includes("Email")).map((r) => r.label),
    );
  });
});

describe("the connector-run state machine", () => {
  it("the state machine is STANDARD, its definition passes asl-validator, every callback task has TimeoutSeconds and no task has a 'Timeout' field", () => {
    expect(inputsOf(required(deployment.stateMachine, "state machine")).type).toBe("STANDARD");
    expect(deployment.stateMachineDefinition).not.toBeNull();
    expect(stateMachineDefinitionProblems(deployment.stateMachineDefinition)).toEqual([]);
  });

  it("runs the very definition the local stack runs (the shared ASL with default settings)", () => {
    expect(deployment.stateMachineDefinition).toEqual(
      buildConnectorRunDefinition({ functionArns: taskFunctionArns(deployment) }),
    );
  });

  it("waits for the 2FA code as long as configured (180 s by default)", () => {
    const callbacks = lambdaTasksOf(deployment.stateMachineDefinition).filter((t) =>
      t.resource.endsWith(".waitForTaskToken"),
    );
    expect(callbacks.length).toBeGreaterThan(0);
    for (const task of callbacks) expect(task.timeoutSeconds).toBe(DEFAULT_TWOFA_TIMEOUT_SECONDS);
  });

  it("invokes only the connector task functions, each within a state timeout longer than the function's", () => {
    const taskFunctions = deployment.rows.filter((row) => row.kind === "connector task");
    const invoked = lambdaTasksOf(deployment.stateMachineDefinition);
    for (const task of invoked) {
      const fn = taskFunctions.find((row) => row.fn?.arn === task.functionName)?.fn;
      expect(fn, `${task.state} invokes ${task.functionName}`).toBeDefined();
      if (!task.resource.endsWith(".waitForTaskToken")) {
        expect(task.timeoutSeconds, task.state).toBeGreaterThan(fn?.timeoutSeconds ?? Infinity);
      }
    }
    // Every task function is used by some state.
    expect(
      taskFunctions.filter((row) => !invoked.some((t) => t.functionName === row.fn?.arn)),
    ).toEqual([]);
  });

  it("its role may invoke only those functions, and deliver its logs", () => {
    const role = required(deployment.stateMachineRole, "state machine role");
    const arns = deployment.rows
      .filter((row) => row.kind === "connector task")
      .flatMap((row) => (row.fn ? [row.fn.arn, `${row.fn.arn}:*`] : []));
    const logDelivery = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ];
    expect(
      grantProblems("the state machine", grantsOfRole(role), [
        ...arns.map((resource) => ({ action: "lambda:InvokeFunction", resource })),
        ...logDelivery.map((action) => ({ action, resource: "*" })),
      ]),
    ).toEqual([]);
    const trust = JSON.parse(String(inputsOf(role).assumeRolePolicy));
    expect(trust.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: "states.amazonaws.com" } }),
    ]);
  });

  it("logs errors without execution data, which holds task tokens", () => {
    expect(
      inputsOf(required(deployment.stateMachine, "state machine")).loggingConfiguration,
    ).toMatchObject({
      level: "ERROR",
      includeExecutionData: false,
    });
  });
});

describe("the HTTP API", () => {
  it("throttles its stage, a ceiling on what a flood can cost", () => {
    const stages = run.resources.filter((r) => r.type === "aws:apigatewayv2/stage:Stage");
    expect(stages).toHaveLength(1);
    const settings = inputsOf(stages[0] as (typeof stages)[number]).defaultRouteSettings as
      | { throttlingRateLimit?: number; throttlingBurstLimit?: number }
      | undefined;
    expect(settings?.throttlingRateLimit).toBeGreaterThan(0);
    expect(settings?.throttlingBurstLimit).toBeGreaterThanOrEqual(
      settings?.throttlingRateLimit ?? 0,
    );
  });
});

describe("the table", () => {
  it("has the schema's keys, TTL on expiresAt and point-in-time recovery", () => {
    const table = inputsOf(required(deployment.table, "table"));
    expect(table).toMatchObject({
      hashKey: TABLE_SCHEMA.partitionKey,
      rangeKey: TABLE_SCHEMA.sortKey,
      ttl: { attributeName: TABLE_SCHEMA.ttlAttribute, enabled: true },
      pointInTimeRecovery: { enabled: true },
      billingMode: "PAY_PER_REQUEST",
      globalSecondaryIndexes: [
        expect.objectContaining({
          name: "gsi1",
          hashKey: TABLE_SCHEMA.globalIndexes.gsi1.partitionKey,
          rangeKey: TABLE_SCHEMA.globalIndexes.gsi1.sortKey,
        }),
      ],
    });
  });

  it("streams new images to the outbox relay, for new outbox items only", () => {
    const table = inputsOf(required(deployment.table, "table"));
    expect(table).toMatchObject({ streamEnabled: true, streamViewType: "NEW_IMAGE" });
    const relay = required(
      deployment.rows.find((row) => row.kind === "stream subscriber"),
      "stream subscriber",
    );
    const mappings = deployment.streamMappings.map(inputsOf);
    expect(mappings).toHaveLength(STREAM_SUBSCRIBERS.length);
    const mapping = required(
      mappings.find((m) => m.functionName === relay.fn?.arn),
      "event source mapping of the relay",
    );
    expect(mapping.eventSourceArn).toBe(deployment.arns.tableStream);
    const filters = (mapping.filterCriteria as { filters: { pattern: string }[] }).filters;
    expect(filters.map((f) => JSON.parse(f.pattern))).toEqual([
      { eventName: ["INSERT"], dynamodb: { Keys: { pk: { S: [{ prefix: "OUTBOX#" }] } } } },
    ]);
  });

  it("has no deletion protection outside production, so the stage can be removed", () => {
    expect(inputsOf(required(deployment.table, "table")).deletionProtectionEnabled).toBe(false);
  });
});

describe("CORS", () => {
  it("allows no cross-origin access when CORS_ALLOWED_ORIGINS is not set", () => {
    const apis = resourcesOfType(run.resources, "aws:apigatewayv2/api:Api");
    expect(apis).toHaveLength(1);
    for (const api of apis) {
      expect(inputsOf(api).corsConfiguration ?? {}).not.toHaveProperty("allowOrigins");
    }
  });
});

describe("secrets", () => {
  it("no secret value appears in any resource input", () => {
    expect(secretLeaks(run.resources, SECRET_VALUES)).toEqual([]);
  });

  it("each secret reaches exactly the functions that link it, through SST's encrypted links", () => {
    // The check above means something only if the values were really set and used.
    for (const [name, value] of Object.entries(SECRET_VALUES)) {
      const reached = deployment.rows.filter((row) => row.fn?.build?.links[name]?.value === value);
      const linking = deployment.rows.filter(
        (row) => row.fn && row.link.includes(name as (typeof LINKABLES)[number]),
      );
      expect(
        reached.map((r) => r.label),
        name,
      ).toEqual(linking.map((r) => r.label));
    }
  });
});

describe("sst-env.d.ts", () => {
  it("declares every linkable with the properties and type SST links", () => {
    const declared = parseSstEnv(readFileSync(path.join(PROJECT_ROOT, "sst-env.d.ts"), "utf8"));
    expect(Object.keys(declared).sort()).toEqual([...LINKABLES].sort());
    const linked = Object.fromEntries(
      deployment.functions.flatMap((f) => Object.entries(f.build?.links ?? {})),
    );
    expect(sstEnvProblems(declared, linked)).toEqual([]);
  });
});
