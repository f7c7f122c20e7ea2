/**
 * A reading of one recorded SST run in the project's own terms: which Lambda function serves
 * each route, subscriber and connector task (found through the real wiring — API route →
 * integration → function, SNS subscription → function), and the ARNs that policies refer to.
 */
import { CONNECTOR_TASKS, type ConnectorTaskName } from "../../infra/connector-run.asl";
import {
  type Linkable,
  ROUTES,
  routeKey,
  SCHEDULED,
  STREAM_SUBSCRIBERS,
  SUBSCRIBERS,
} from "../../infra/routes";
import {
  arnOf,
  type DeployedFunction,
  deployedFunctions,
  type Grant,
  inputsOf,
  resourcesOfType,
} from "./checks";
import type { RecordedResource, SstRun } from "./sst-harness";

/** A row of one of the tables that declare functions, with the function deployed for it. */
export interface FunctionRow {
  readonly kind: "route" | "subscriber" | "stream subscriber" | "scheduled" | "connector task";
  /** `POST /v1/token`, the subscriber's handler, or the task name. */
  readonly label: string;
  readonly handler: string;
  readonly link: readonly Linkable[];
  readonly sendsSms: boolean;
  readonly fn: DeployedFunction | undefined;
}

/**
 * Routes that answer a waiting connector run (`SendTaskSuccess` / `SendTaskFailure`): the
 * code DESIGN.md gives that job, and the request for a new code, which ends the wait.
 */
export const RESUMING_ROUTE_KEYS: ReadonlySet<string> = new Set([
  "POST /v1/accounts/{id}/twofa_code",
  "POST /v1/accounts/{id}/twofa_code/resend",
]);

export interface Deployment {
  readonly functions: DeployedFunction[];
  readonly rows: FunctionRow[];
  readonly routeKeys: string[];
  readonly table: RecordedResource | undefined;
  /** The Lambda event source mappings on the table's stream. */
  readonly streamMappings: RecordedResource[];
  readonly stateMachine: RecordedResource | undefined;
  readonly stateMachineRole: RecordedResource | undefined;
  readonly stateMachineDefinition: unknown;
  /** The ARNs SST's link permissions point at. */
  readonly arns: {
    table: string;
    tableStream: string;
    topic: string;
    emailIdentity: string;
    emailConfigurationSet: string;
    stateMachine: string;
    executions: string;
  };
}

function single(resources: readonly RecordedResource[], type: string) {
  const found = resourcesOfType(resources, type);
  return found.length === 1 ? found[0] : undefined;
}

const arnOrEmpty = (r: RecordedResource | undefined) => (r ? arnOf(r) : "");

export function describeDeployment(run: SstRun): Deployment {
  const { resources } = run;
  const functions = deployedFunctions(resources, run.builds);
  const byArn = (arn: unknown) => functions.find((f) => f.arn === arn);

  const routes = resourcesOfType(resources, "aws:apigatewayv2/route:Route");
  const integrations = resourcesOfType(resources, "aws:apigatewayv2/integration:Integration");
  const routeFunction = (key: string) => {
    const route = routes.find((r) => inputsOf(r).routeKey === key);
    const target = route ? String(inputsOf(route).target) : "";
    // The mock gives every resource the id `<name>-id`; a route targets `integrations/<id>`.
    const integration = integrations.find((i) => target === `integrations/${i.name}-id`);
    return integration ? byArn(inputsOf(integration).integrationUri) : undefined;
  };

  const subscriptions = resourcesOfType(resources, "aws:sns/topicSubscription:TopicSubscription");
  const subscribed = subscriptions
    .map((s) => byArn(inputsOf(s).endpoint))
    .filter((f) => f !== undefined);

  const streamMappings = resourcesOfType(
    resources,
    "aws:lambda/eventSourceMapping:EventSourceMapping",
  );
  const streamFunctions = streamMappings
    .map((mapping) => byArn(inputsOf(mapping).functionName))
    .filter((f) => f !== undefined);

  const scheduleTargets = resourcesOfType(resources, "aws:cloudwatch/eventTarget:EventTarget");
  const scheduledFunctions = scheduleTargets
    .map((target) => byArn(inputsOf(target).arn))
    .filter((f) => f !== undefined);

  const rows: FunctionRow[] = [
    ...ROUTES.map((route) => ({
      kind: "route" as const,
      label: routeKey(route),
      handler: route.handler,
      link: route.link,
      sendsSms: false,
      fn: routeFunction(routeKey(route)),
    })),
    ...SUBSCRIBERS.map((subscriber) => ({
      kind: "subscriber" as const,
      label: subscriber.handler,
      handler: subscriber.handler,
      link: subscriber.link,
      sendsSms: subscriber.sendsSms,
      fn: subscribed.find((f) => f.handler === `${subscriber.handler}.handler`),
    })),
    ...STREAM_SUBSCRIBERS.map((subscriber) => ({
      kind: "stream subscriber" as const,
      label: subscriber.handler,
      handler: subscriber.handler,
      link: subscriber.link,
      sendsSms: false,
      fn: streamFunctions.find((f) => f.handler === `${subscriber.handler}.handler`),
    })),
    ...SCHEDULED.map((scheduled) => ({
      kind: "scheduled" as const,
      label: scheduled.handler,
      handler: scheduled.handler,
      link: scheduled.link,
      sendsSms: false,
      fn: scheduledFunctions.find((f) => f.handler === `${scheduled.handler}.handler`),
    })),
    ...(Object.keys(CONNECTOR_TASKS) as ConnectorTaskName[]).map((name) => {
      const task = CONNECTOR_TASKS[name];
      return {
        kind: "connector task" as const,
        label: name,
        handler: task.handler,
        link: task.link,
        sendsSms: false,
        fn: functions.find(
          (f) =>
            f.handler === `${task.handler}.handler` &&
            !subscribed.includes(f) &&
            !streamFunctions.includes(f) &&
            !scheduledFunctions.includes(f),
        ),
      };
    }),
  ];

  const stateMachine = single(resources, "aws:sfn/stateMachine:StateMachine");
  const stateMachineInputs = stateMachine ? inputsOf(stateMachine) : {};
  const stateMachineRole = resourcesOfType(resources, "aws:iam/role:Role").find(
    (role) => arnOf(role) === stateMachineInputs.roleArn,
  );
  const definitionJson = stateMachineInputs.definition;
  const stateMachineArn = arnOrEmpty(stateMachine);

  return {
    functions,
    rows,
    routeKeys: routes.map((r) => String(inputsOf(r).routeKey)),
    table: single(resources, "aws:dynamodb/table:Table"),
    streamMappings,
    stateMachine,
    stateMachineRole,
    stateMachineDefinition: typeof definitionJson === "string" ? JSON.parse(definitionJson) : null,
    arns: {
      table: arnOrEmpty(single(resources, "aws:dynamodb/table:Table")),
      tableStream: String(single(resources, "aws:dynamodb/table:Table")?.state.streamArn ?? ""),
      topic: arnOrEmpty(single(resources, "aws:sns/topic:Topic")),
      emailIdentity: arnOrEmpty(single(resources, "aws:sesv2/emailIdentity:EmailIdentity")),
      emailConfigurationSet: arnOrEmpty(
        single(resources, "aws:sesv2/configurationSet:ConfigurationSet"),
      ),
      stateMachine: stateMachineArn,
      executions: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:*`,
    },
  };
}

const grants = (actions: readonly string[], resources: readonly string[]): Grant[] =>
  actions.flatMap((action) => resources.map((resource) => ({ action, resource })));

/**
 * The privilege a function needs: what each linked resource needs (SST's link permissions,
 * scoped to that resource), plus the two unscoped grants that only some rows may have.
 */
export function expectedGrants(row: FunctionRow, arns: Deployment["arns"]): Grant[] {
  const byLink: Record<Linkable, Grant[]> = {
    Table: grants(["dynamodb:*"], [arns.table, `${arns.table}/*`]),
    Events: grants(["sns:*"], [arns.topic]),
    Email: [
      ...grants(["ses:*"], [arns.emailIdentity, arns.emailConfigurationSet]),
      // SES checks sending against recipients too, so SST grants it on `*`.
      ...grants(["ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail"], ["*"]),
    ],
    ConnectorRuns: [
      ...grants(["states:StartExecution"], [arns.stateMachine]),
      // Not GetExecutionHistory: the history carries the waiting task's token.
      ...grants(["states:DescribeExecution"], [arns.executions]),
    ],
    // Secrets travel in the function's encrypted resource file: no IAM needed.
    SigningKey: [],
    CodeHashKey: [],
    EncryptionKey: [],
    AdminApiKey: [],
  };
  return [
    ...row.link.flatMap((name) => byLink[name]),
    ...(row.sendsSms ? grants(["sns:Publish"], ["*"]) : []),
    // A stream subscriber reads the table's stream, and nothing else of the table.
    ...(row.kind === "stream subscriber"
      ? grants(
          [
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
          ],
          [arns.tableStream],
        )
      : []),
    ...(row.kind === "route" && RESUMING_ROUTE_KEYS.has(row.label)
      ? grants(["states:SendTaskSuccess", "states:SendTaskFailure"], ["*"])
      : []),
  ];
}

/** The ARN of each connector task's deployed function, as the definition builder takes them. */
export function taskFunctionArns(deployment: Deployment): Record<ConnectorTaskName, string> {
  return Object.fromEntries(
    deployment.rows
      .filter((row) => row.kind === "connector task")
      .map((row) => [row.label, row.fn?.arn ?? `(no function for ${row.label})`]),
  ) as Record<ConnectorTaskName, string>;
}
