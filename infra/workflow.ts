/**
 * The connector run: one Lambda function per task of `CONNECTOR_TASKS`, and a Standard state
 * machine whose definition is the same JSONPath ASL that the local stack runs.
 *
 * It is a raw `aws.sfn.StateMachine` rather than `sst.aws.StepFunctions`: SST's component
 * writes JSONata and puts a task timeout in a `"Timeout"` field that AWS rejects
 * (anomalyco/sst issue 6747), and it could not take the shared definition as it is.
 */
import { configEnvironment } from "../functions/adapters/config-variables";
import {
  DEFAULT_MAX_TWOFA_ATTEMPTS,
  DEFAULT_TWOFA_TIMEOUT_SECONDS,
} from "../functions/core/connectors/contract";
import {
  buildConnectorRunDefinition,
  CONNECTOR_TASKS,
  type ConnectorTaskName,
} from "./connector-run.asl";
import { gateway } from "./gateway";
import { type LinkRegistry, linksFor } from "./links";
import { email, topic } from "./messaging";
import { NODEJS_BUNDLING } from "./nodejs";
import { secrets } from "./secrets";
import { table } from "./storage";

/**
 * How long a run waits for the user's 2FA code, and how many codes it accepts. Deploy-time
 * settings; `buildConnectorRunDefinition` rejects values out of its bounds, failing the deploy.
 */
const TWOFA_TIMEOUT_SECONDS = integerFromEnv(
  "CONNECTOR_TWOFA_TIMEOUT_SECONDS",
  DEFAULT_TWOFA_TIMEOUT_SECONDS,
);
const MAX_TWOFA_ATTEMPTS = integerFromEnv(
  "CONNECTOR_MAX_TWOFA_ATTEMPTS",
  DEFAULT_MAX_TWOFA_ATTEMPTS,
);

const TASK_RUNTIME = "nodejs22.x";
/** The tasks wait on the network (the vendor, DynamoDB), not on the CPU. */
const TASK_MEMORY = "256 MB";
const LOG_RETENTION_DAYS = 30;

const available: LinkRegistry = { ...secrets, Table: table, Events: topic, Email: email };

const taskNames = Object.keys(CONNECTOR_TASKS) as ConnectorTaskName[];

const taskFunctions = Object.fromEntries(
  taskNames.map((taskName) => {
    const task = CONNECTOR_TASKS[taskName];
    const fn = new sst.aws.Function(`ConnectorTask${taskName}`, {
      handler: `${task.handler}.handler`,
      link: linksFor(task.link, available, task.handler),
      runtime: TASK_RUNTIME,
      memory: TASK_MEMORY,
      nodejs: NODEJS_BUNDLING,
      // The definition derives each task's TimeoutSeconds from this same number.
      timeout: `${task.functionTimeoutSeconds} seconds`,
      // The demo connector logs into this service's own API unless told otherwise at deploy.
      environment: { CONNECTOR_DEMO_TARGET_URL: gateway.url, ...configEnvironment(process.env) },
    });
    return [taskName, fn];
  }),
) as Record<ConnectorTaskName, sst.aws.Function>;

const functionArns = taskNames.map((taskName) => taskFunctions[taskName].arn);

const definition = $resolve(functionArns).apply((arns) =>
  JSON.stringify(
    buildConnectorRunDefinition({
      functionArns: Object.fromEntries(taskNames.map((name, i) => [name, arns[i]])) as Record<
        ConnectorTaskName,
        string
      >,
      twoFaTimeoutSeconds: TWOFA_TIMEOUT_SECONDS,
      maxTwoFaAttempts: MAX_TWOFA_ATTEMPTS,
    }),
  ),
);

const accountId = aws.getCallerIdentityOutput().accountId;

const role = new aws.iam.Role("ConnectorRunRole", {
  assumeRolePolicy: $jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        // Only Step Functions acting for this account may assume it (confused deputy).
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  }),
  inlinePolicies: [
    {
      name: "invoke-connector-tasks",
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["lambda:InvokeFunction"],
            // The unqualified ARN and its versions/aliases: the run invokes only its tasks.
            Resource: functionArns.flatMap((arn) => [arn, $interpolate`${arn}:*`]),
          },
        ],
      }),
    },
    {
      name: "deliver-logs",
      policy: $jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            // Step Functions sets up log delivery through these; CloudWatch Logs does not
            // support resource-level permissions for them, so AWS documents `*`.
            Action: [
              "logs:CreateLogDelivery",
              "logs:GetLogDelivery",
              "logs:UpdateLogDelivery",
              "logs:DeleteLogDelivery",
              "logs:ListLogDeliveries",
              "logs:PutResourcePolicy",
              "logs:DescribeResourcePolicies",
              "logs:DescribeLogGroups",
            ],
            Resource: "*",
          },
        ],
      }),
    },
  ],
});

const logGroup = new aws.cloudwatch.LogGroup("ConnectorRunLogs", {
  name: `/aws/vendedlogs/states/${$app.name}-${$app.stage}-connector-run`,
  retentionInDays: LOG_RETENTION_DAYS,
});

const stateMachine = new aws.sfn.StateMachine("ConnectorRun", {
  name: `${$app.name}-${$app.stage}-connector-run`,
  // Express workflows have no task-token callbacks.
  type: "STANDARD",
  roleArn: role.arn,
  definition,
  loggingConfiguration: {
    // Errors only, and without execution data: inputs and outputs carry task tokens and codes.
    level: "ERROR",
    includeExecutionData: false,
    logDestination: $interpolate`${logGroup.arn}:*`,
  },
});

/** `…:stateMachine:<name>` → `…:execution:<name>:*`, the ARNs of its runs. */
const executionsArn = stateMachine.arn.apply(
  (arn) => `${arn.replace(":stateMachine:", ":execution:")}:*`,
);

/**
 * What the API links to start runs and read their status. Not `GetExecutionHistory`: the
 * history carries the wait's task token (`$$.Task.Token` in `TaskScheduled`), and no function
 * needs it. Answering a waiting run (`SendTaskSuccess` / `SendTaskFailure`) is not included
 * either: infra/api.ts grants it to the two handlers that do it.
 */
export const connectorRuns = new sst.Linkable("ConnectorRuns", {
  properties: { arn: stateMachine.arn },
  include: [
    sst.aws.permission({ actions: ["states:StartExecution"], resources: [stateMachine.arn] }),
    sst.aws.permission({
      actions: ["states:DescribeExecution"],
      resources: [executionsArn],
    }),
  ],
});

/** Reads a whole number from the deploy-time environment; anything else fails the deploy. */
function integerFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}
