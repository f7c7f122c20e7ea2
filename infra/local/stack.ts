/**
 * The whole service on one machine: DynamoDB Local, SES and SNS stand-ins, then the API server
 * over the same handlers Lambda runs. Only endpoints differ from AWS: the handlers' SDK clients
 * find the local services through `AWS_ENDPOINT_URL_*`, and `Resource.*` through
 * `SST_RESOURCE_*`, both set here in this process's environment.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { SNSEvent } from "aws-lambda";
import { LINKABLES, type Linkable, SCHEDULED, STREAM_SUBSCRIBERS, SUBSCRIBERS } from "../routes.js";
import { type LocalMessage, startApiServer } from "./api-server.js";
import { DEFAULT_TTL_SWEEP, startDynamoLocal, type TtlSweepOptions } from "./dynamodb.js";
import { loadOrCreateKeys, type ServiceKeys } from "./keys.js";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, lazyHandler, localFunctionName } from "./lambda.js";
import { startSchedules } from "./schedules.js";
import { type EmailMessage, startLocalSes } from "./ses.js";
import { type SmsMessage, type SnsSubscriber, startLocalSns } from "./sns.js";
import { startStreamPoller } from "./streams.js";

export type { LocalMessage } from "./api-server.js";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The AWS SDK warns, once per process, that its releases after January 2027 need Node 22. The
 * local stack and every test worker would each print it; the SDK's documented switch turns it
 * off for this process and the ones it starts, and this one line says it once instead
 * (`undefined` when the switch was already set, e.g. in a stack started by the tests).
 */
export const SDK_NODE_VERSION_NOTICE = quietSdkNodeVersionWarning();

function quietSdkNodeVersionWarning(): string | undefined {
  const SWITCH = "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED";
  const major = Number(process.versions.node.split(".")[0]);
  if (major >= 22 || process.env[SWITCH] !== undefined) return undefined;
  process.env[SWITCH] = "true";
  return `note: Node ${process.versions.node}; AWS SDK releases after January 2027 need Node 22 (Lambda runs nodejs22.x)`;
}

/** The local names of the linked resources; fixed, so that tests and tools can rely on them. */
export const LOCAL_RESOURCES = {
  appName: "twofa",
  stage: "local",
  eventsTopicArn: `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:twofa-local-events`,
  emailSender: "no-reply@twofa.local",
  connectorRunsArn: `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:twofa-local-connector-run`,
} as const;

/**
 * Where an SDK client for a service with no local stand-in ends up: a closed loopback port, so
 * it fails at once instead of reaching AWS with dummy credentials.
 */
const NOWHERE_ENDPOINT = "http://127.0.0.1:9";

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly ses: string;
  readonly sns: string;
  /** Set once a Step Functions stand-in is plugged in through `extraServices`. */
  readonly sfn?: string;
}

/**
 * The environment under which the handlers' code reaches the local stack by itself. Without
 * `keys` the secret keys are left out (for test processes that only talk to the services).
 */
export function localAwsEnvironment(
  endpoints: LocalEndpoints,
  tableName: string,
  keys?: ServiceKeys,
): Record<string, string> {
  const resources: Record<Linkable, unknown> = {
    Table: { name: tableName },
    Events: { arn: LOCAL_RESOURCES.eventsTopicArn },
    Email: { sender: LOCAL_RESOURCES.emailSender },
    ConnectorRuns: { arn: LOCAL_RESOURCES.connectorRunsArn },
    SigningKey: keys ? { value: keys.SigningKey } : undefined,
    CodeHashKey: keys ? { value: keys.CodeHashKey } : undefined,
    EncryptionKey: keys ? { value: keys.EncryptionKey } : undefined,
    AdminApiKey: keys ? { value: keys.AdminApiKey } : undefined,
  };
  const environment: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL: NOWHERE_ENDPOINT,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SES: endpoints.ses,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    ...(endpoints.sfn ? { AWS_ENDPOINT_URL_SFN: endpoints.sfn } : {}),
    // SST's `Resource` only consults `App` to word its error for a name that is not linked.
    SST_RESOURCE_App: JSON.stringify({
      name: LOCAL_RESOURCES.appName,
      stage: LOCAL_RESOURCES.stage,
    }),
  };
  for (const name of LINKABLES) {
    const value = resources[name];
    if (value !== undefined) environment[`SST_RESOURCE_${name}`] = JSON.stringify(value);
  }
  return environment;
}

/** What an extra service gets when it starts: the stack so far, environment already set. */
export interface ExtraServiceContext {
  readonly root: string;
  readonly dataDir: string | null;
  readonly tableName: string;
  readonly endpoints: LocalEndpoints;
  readonly log: (line: string) => void;
}

export interface ExtraService {
  /** Short name for logs and the ready line, e.g. `sfn`. */
  readonly name: string;
  readonly endpoint?: string;
  /** Variables to add to the environment, e.g. `{ AWS_ENDPOINT_URL_SFN: endpoint }`. */
  readonly env?: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export type ExtraServiceStarter = (context: ExtraServiceContext) => Promise<ExtraService>;

export interface LocalStackOptions {
  /** Where DynamoDB and the keys persist; `null` keeps everything in memory. */
  readonly dataDir: string | null;
  /** API port; 0 picks a free one. */
  readonly port: number;
  readonly log?: (line: string) => void;
  /** Called for every SMS and email as it is sent (the terminal "phone" of `npm start`). */
  readonly onMessage?: (message: LocalMessage) => void;
  /**
   * HOOK for stand-ins built elsewhere (the Step Functions endpoint of infra/local/stepfunctions/):
   * started in order after DynamoDB, SES, SNS and the environment, before the API server, and
   * stopped in reverse order.
   */
  readonly extraServices?: readonly ExtraServiceStarter[];
  /** Project root; handler modules and `web/` are found from here. */
  readonly root?: string;
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly endpoints: LocalEndpoints & Readonly<Record<string, string>>;
  readonly tableName: string;
  /** The admin API's key (`X-Admin-Api-Key`), printed by `npm start`. */
  readonly adminApiKey: string;
  /** Every SMS and email sent since start, oldest first. */
  messages(): Promise<LocalMessage[]>;
  /** Stops every child and server; safe to call more than once. */
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const root = options.root ?? PROJECT_ROOT;
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir);
  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];

  const stopAll = async () => {
    const failures: string[] = [];
    for (const { name, stop } of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0)
      throw new Error(`Some local services did not stop: ${failures.join("; ")}`);
  };

  try {
    const keys = await loadOrCreateKeys(dataDir);
    const dynamo = await startDynamoLocal({
      dbPath: dataDir === null ? null : join(dataDir, "dynamodb"),
      log,
      ttlSweep: ttlSweepFromEnv(),
    });
    stops.push({ name: "dynamodb", stop: dynamo.stop });

    const onMessage = options.onMessage;
    const ses = await startLocalSes({ log, ...(onMessage ? { onEmail: onMessage } : {}) });
    stops.push({ name: "ses", stop: ses.stop });

    const sns = await startLocalSns({
      subscriptions: { [LOCAL_RESOURCES.eventsTopicArn]: subscribersOf("Events", root) },
      optedOutPhoneNumbers: listFromEnv("LOCAL_SMS_OPTED_OUT"),
      log,
      ...(onMessage ? { onSms: onMessage } : {}),
    });
    stops.push({ name: "sns", stop: sns.stop });

    let endpoints: LocalEndpoints & Record<string, string> = {
      dynamodb: dynamo.endpoint,
      ses: ses.endpoint,
      sns: sns.endpoint,
    };
    setEnvironment(localAwsEnvironment(endpoints, dynamo.tableName, keys));

    // The outbox relay (and any other stream subscriber), as the event source mapping runs it.
    const stream = startStreamPoller({
      endpoint: dynamo.endpoint,
      streamArn: dynamo.streamArn,
      subscribers: STREAM_SUBSCRIBERS,
      root,
      log,
    });
    stops.push({ name: "stream", stop: stream.stop });
    // Webhooks may go to a receiver on this machine: the local stack's setting only (in AWS
    // no private, loopback or link-local address is ever delivered to).
    process.env.WEBHOOK_ALLOW_LOOPBACK ||= "true";
    const schedules = startSchedules({ scheduled: SCHEDULED, root, log });
    stops.push({ name: "schedules", stop: schedules.stop });

    for (const start of options.extraServices ?? []) {
      const service = await start({ root, dataDir, tableName: dynamo.tableName, endpoints, log });
      stops.push({ name: service.name, stop: service.stop });
      if (service.env) setEnvironment(service.env);
      if (service.endpoint) endpoints = { ...endpoints, [service.name]: service.endpoint };
    }

    const messages = async (): Promise<LocalMessage[]> => {
      const all: Array<SmsMessage | EmailMessage> = [...sns.sms(), ...(await ses.emails())];
      // Stable: equal timestamps keep their order of arrival within each channel.
      return all.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
    };

    const api = await startApiServer({ root, port: options.port, messages, log });
    stops.push({ name: "api", stop: api.stop });
    // The demo connector logs into this very API (a Freshcom-style site) unless told otherwise.
    // Its task handlers read the variable at each call, so setting it now, once the port is
    // known, is in time.
    process.env.CONNECTOR_DEMO_TARGET_URL ||= api.url;
    // Passkeys need a domain (WebAuthn refuses IP addresses): the Home page at localhost.
    process.env.WEBAUTHN_ORIGINS ||= api.url.replace("//127.0.0.1:", "//localhost:");

    let stopped: Promise<void> | undefined;
    return {
      apiUrl: api.url,
      endpoints,
      tableName: dynamo.tableName,
      adminApiKey: keys.AdminApiKey,
      messages,
      stop: () => {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll().catch(() => {
      // The start-up error is the one worth reporting.
    });
    throw error;
  }
}

/**
 * `LOCAL_TTL_SWEEP_SECONDS` (how often expired items are looked for; 0 turns deletion off) and
 * `LOCAL_TTL_GRACE_SECONDS` (how long an item outlives its expiry at least).
 */
function ttlSweepFromEnv(): TtlSweepOptions | false {
  const seconds = (name: string, fallback: number) => {
    const raw = process.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`${name} must be a number of seconds, got "${raw}"`);
    }
    return value;
  };
  const interval = seconds("LOCAL_TTL_SWEEP_SECONDS", DEFAULT_TTL_SWEEP.intervalMs / 1000);
  if (interval === 0) return false;
  return {
    intervalMs: interval * 1000,
    graceSeconds: seconds("LOCAL_TTL_GRACE_SECONDS", DEFAULT_TTL_SWEEP.graceSeconds),
  };
}

/** A comma-separated list in an environment variable, e.g. `LOCAL_SMS_OPTED_OUT=+15550100,+15550101`. */
function listFromEnv(name: string): string[] {
  return (process.env[name] ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function setEnvironment(variables: Readonly<Record<string, string>>): void {
  // The first would make the SDK ignore the local endpoints; the second belongs to real
  // credentials and would be sent along with the dummy ones.
  delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, variables);
}

/**
 * The subscribers of a topic as SNS would invoke them. The handler module is imported at the
 * first delivery, so the stack starts while a subscriber is still being written.
 */
function subscribersOf(topic: Linkable, root: string): SnsSubscriber[] {
  return SUBSCRIBERS.filter((subscriber) => subscriber.topic === topic).map((subscriber) => {
    const load = lazyHandler(root, subscriber.handler);
    const deliver: SnsSubscriber = async (event: SNSEvent, context) =>
      (await load())(event as never, context);
    // The local SNS names the function after this in its logs and Lambda context.
    Object.defineProperty(deliver, "name", { value: localFunctionName(subscriber.handler) });
    return deliver;
  });
}
