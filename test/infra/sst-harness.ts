/**
 * Runs the real `sst.config.ts` — SST 4.17's own component sources from `.sst/platform` — under
 * Pulumi mocks, as SST's `platform/test/components/*.test.ts` do, and records what it would
 * deploy: every resource with its inputs, every function build request with its links.
 *
 * What the SST CLI normally provides is stood in for here:
 * - the Pulumi engine: `pulumi.runtime.setMocks`, answering `newResource` with plausible ARNs
 *   and the provider functions (`getRegion`, `getPolicyDocument`, …) with what AWS would;
 * - the CLI's RPC server (function builds, bootstrap bucket): a small JSON-RPC endpoint on
 *   127.0.0.1 that SST's unmodified `rpc.ts` client talks to;
 * - the globals the CLI injects before `run()` (`$app`, `$cli`, `$dev`, the shim's `$…`
 *   helpers, `sst`, `aws`), and `src/auto/run.ts`, which wraps the program as the CLI does.
 *
 * It relies on platform internals: `sst` is pinned exactly, and an upgrade may need this file
 * adjusted. One run per process: Pulumi's runtime state is global, so each test file that
 * calls `runSstConfig` runs it once (vitest gives each test file its own process with
 * `pool: "forks"`).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "../..");
const PLATFORM = path.join(PROJECT_ROOT, ".sst/platform");

/** The mocked account and region every ARN is made in. */
const ACCOUNT_ID = "123456789012";
const REGION = "us-east-1";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as the engine receives them (secrets unwrapped, outputs resolved). */
  readonly inputs: Record<string, unknown>;
  /** What the mock answered: the inputs plus `arn` and friends. */
  readonly state: Record<string, unknown>;
  /** Resource options after SST's stack transformations (its removal policy). */
  readonly options: { readonly retainOnDelete?: boolean; readonly protect?: boolean };
}

/** A `Runtime.Build` request: what SST asks its CLI to bundle for one function. */
export interface BuildRequest {
  readonly functionID: string;
  readonly handler: string;
  readonly runtime: string;
  /** Link name → the properties written into the function's encrypted resource file. */
  readonly links: Record<string, Record<string, unknown>>;
}

export interface SstRun {
  readonly app: { name: string; stage: string; removal: string; protect: boolean };
  readonly outputs: Record<string, unknown>;
  readonly resources: readonly RecordedResource[];
  readonly builds: readonly BuildRequest[];
  /** RPC methods the program called that the stand-in does not know. */
  readonly unknownRpcMethods: readonly string[];
  /** Errors raised while the program ran, including those inside `apply` callbacks. */
  readonly errors: readonly unknown[];
}

/** Makes `.sst/platform` exist (about 30 s the first time, instant afterwards). */
export function ensureSstPlatform(): void {
  execFileSync(path.join(PROJECT_ROOT, "scripts/sst-install.sh"), {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 180_000,
  });
}

interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
interface MockCallArgs {
  token: string;
  inputs: Record<string, unknown>;
}
interface PulumiModule {
  runtime: {
    setMocks(
      mocks: {
        newResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> };
        call(args: MockCallArgs): Record<string, unknown>;
      },
      project: string,
      stack: string,
      preview: boolean,
    ): Promise<void>;
    runInPulumiStack(init: () => Promise<unknown>): Promise<Record<string, unknown> | undefined>;
    registerStackTransformation(
      t: (args: { type: string; name: string; opts: RecordedResource["options"] }) => undefined,
    ): void;
  };
}
interface SstConfig {
  app(input: { stage: string }): { name: string; removal?: string; protect?: boolean };
  run(): Promise<Record<string, unknown> | undefined>;
}

/**
 * Runs `sst.config.ts` for `stage` with the given secret values (as `sst secret set` would
 * have stored them) and resolves once nothing new has been registered for `quietMs`.
 */
export async function runSstConfig(options: {
  stage: string;
  secrets: Readonly<Record<string, string>>;
  /** Deploy-time environment variables (the shell `sst deploy` would run in). */
  env?: Readonly<Record<string, string>>;
  quietMs?: number;
}): Promise<SstRun> {
  // Long enough for a loaded machine: components that subscribe (a table stream, a schedule)
  // register their resources inside `apply` callbacks, late.
  const quietMs = options.quietMs ?? 2000;
  const resources: RecordedResource[] = [];
  const builds: BuildRequest[] = [];
  const unknownRpcMethods: string[] = [];
  const errors: unknown[] = [];
  const resourceOptions = new Map<string, RecordedResource["options"]>();
  let lastActivity = Date.now();

  const onError = (error: unknown) => {
    errors.push(error);
  };
  process.on("unhandledRejection", onError);

  const work = mkdtempSync(path.join(tmpdir(), "twofa-sst-"));
  const rpc = await startRpcStandIn(work, builds, unknownRpcMethods, () => {
    lastActivity = Date.now();
  });
  process.env.SST_SERVER = rpc.url;
  // How the CLI hands stored secrets to the program (`sst.Secret` reads them).
  for (const [name, value] of Object.entries(options.secrets)) {
    process.env[`SST_SECRET_${name}`] = value;
  }
  Object.assign(process.env, options.env);

  try {
    const pulumi = (await importPlatform(
      "node_modules/@pulumi/pulumi/index.js",
    )) as unknown as PulumiModule;
    const globals = globalThis as Record<string, unknown>;
    // The order matters: `sst.config.ts` needs `$config` to load, and the component modules
    // read `$app` as they load, which comes from the config's `app()`.
    const shim = await importPlatform("src/shim/run.js");
    for (const [name, value] of Object.entries(shim)) globals[name] = value;
    // Imported by path so that type-checking the tests does not pull in SST's platform.
    const configModule = (await import(
      /* @vite-ignore */ path.join(PROJECT_ROOT, "sst.config.ts")
    )) as { default: SstConfig };
    const config = configModule.default;
    const appConfig = config.app({ stage: options.stage });
    const app = {
      name: appConfig.name,
      stage: options.stage,
      // SST's defaults when `app()` leaves them out.
      removal: appConfig.removal ?? "retain",
      protect: appConfig.protect ?? false,
    };
    globals.$app = { ...app, providers: { aws: true } };
    globals.$dev = false;
    globals.$cli = {
      command: "deploy",
      dev: false,
      rpc: rpc.url,
      paths: { home: work, root: PROJECT_ROOT, work, platform: PLATFORM },
      state: { version: {} },
    };
    globals.sst = await importPlatform("src/components/index.ts");
    globals.aws = await importPlatform("node_modules/@pulumi/aws/index.js");
    const autoRun = (await importPlatform("src/auto/run.ts")) as unknown as {
      run(program: () => Promise<unknown>): Promise<Record<string, unknown>>;
    };

    await pulumi.runtime.setMocks(
      {
        newResource(args) {
          lastActivity = Date.now();
          const state = mockState(args);
          resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs,
            state,
            options: resourceOptions.get(`${args.type}::${args.name}`) ?? {},
          });
          return { id: `${args.name}-id`, state };
        },
        call(args) {
          lastActivity = Date.now();
          return mockCall(args);
        },
      },
      app.name,
      app.stage,
      false,
    );

    const outputs =
      (await pulumi.runtime.runInPulumiStack(() =>
        autoRun.run(async () => {
          // Registered after SST's own stack transformations, so it sees their result.
          pulumi.runtime.registerStackTransformation((args) => {
            resourceOptions.set(`${args.type}::${args.name}`, {
              retainOnDelete: args.opts.retainOnDelete,
              protect: args.opts.protect,
            });
            return undefined;
          });
          return config.run();
        }),
      )) ?? {};

    // Resources created inside `apply` callbacks keep arriving after `run()` returns.
    while (Date.now() - lastActivity < quietMs) {
      await new Promise((resolve) => setTimeout(resolve, quietMs / 5));
    }
    return { app, outputs, resources, builds, unknownRpcMethods, errors };
  } catch (error) {
    errors.push(error);
    return {
      app: emptyApp(options.stage),
      outputs: {},
      resources,
      builds,
      unknownRpcMethods,
      errors,
    };
  } finally {
    process.off("unhandledRejection", onError);
    await rpc.close();
  }
}

function emptyApp(stage: string): SstRun["app"] {
  return { name: "", stage, removal: "", protect: false };
}

async function importPlatform(relative: string): Promise<Record<string, unknown>> {
  return (await import(/* @vite-ignore */ path.join(PLATFORM, relative))) as Record<
    string,
    unknown
  >;
}

/**
 * The part of the SST CLI's RPC server that deploying AWS functions calls. `Runtime.Build`
 * writes a stand-in bundle (SST zips it); the real build would run esbuild on the handler.
 */
async function startRpcStandIn(
  work: string,
  builds: BuildRequest[],
  unknownMethods: string[],
  touch: () => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      touch();
      const { method, params } = JSON.parse(body) as { method: string; params: [unknown] };
      const reply = (result: unknown, error: string | null = null) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ result, error }));
      };
      switch (method) {
        case "Provider.Aws.Bootstrap":
          return reply({
            asset: "sst-asset-mock",
            assetEcrRegistryId: ACCOUNT_ID,
            assetEcrUrl: `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
            state: "sst-state-mock",
            appsyncHttp: "",
            appsyncRealtime: "",
          });
        case "Runtime.Build": {
          const input = params[0] as BuildRequest;
          builds.push({ ...input, links: withEngineLinkTypes(input.links) });
          const out = path.join(work, "builds", input.functionID);
          const file = path.join(out, `${input.handler.replace(/\.[^./]+$/, "")}.mjs`);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, "export const handler = async () => ({});\n");
          return reply({ handler: input.handler, out, errors: [], sourcemaps: [] });
        }
        case "Runtime.AddTarget":
          return reply(null);
        default:
          unknownMethods.push(method);
          // What the CLI answers; SST treats it as "not supported here".
          return reply(null, `rpc: can't find method ${method}`);
      }
    });
  });
  // Idle keep-alive sockets stay open for the whole run: closing one as the client reuses it
  // resets the client's call ("read ECONNRESET"), which a busy machine deploying many functions
  // runs into with Node's 5 s default.
  server.keepAliveTimeout = 10 * 60_000;
  server.headersTimeout = 10 * 60_000 + 1_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * SST takes a link's `type` from its URN. Pulumi's mock monitor puts the root stack's type in
 * front of a top-level resource's type (`pulumi:pulumi:Stack$sst:aws:Dynamo`), which the real
 * engine leaves out: drop it, so types read as in a deployed function (`sst.aws.Dynamo`).
 */
function withEngineLinkTypes(links: BuildRequest["links"]): BuildRequest["links"] {
  return Object.fromEntries(
    Object.entries(links).map(([name, properties]) => [
      name,
      typeof properties.type === "string"
        ? { ...properties, type: properties.type.replace(/^pulumi\.pulumi\.Stack\$/, "") }
        : properties,
    ]),
  );
}

/** What AWS would report for a new resource: its inputs, plus identifiers and ARNs. */
function mockState(args: MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs;
  const physical = typeof inputs.name === "string" ? inputs.name : `${args.name}-physical`;
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${resource}`;
  const extra: Record<string, unknown> = (() => {
    switch (args.type) {
      case "aws:lambda/function:Function": {
        const fnArn = arn("lambda", `function:${physical}`);
        return {
          arn: fnArn,
          qualifiedArn: `${fnArn}:$LATEST`,
          version: "$LATEST",
          invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${fnArn}/invocations`,
        };
      }
      case "aws:iam/role:Role":
        return { arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}`, name: physical };
      case "aws:dynamodb/table:Table":
        return {
          arn: arn("dynamodb", `table/${physical}`),
          name: physical,
          // AWS labels a stream with the time it was enabled.
          ...(inputs.streamEnabled === true
            ? { streamArn: arn("dynamodb", `table/${physical}/stream/2026-01-01T00:00:00.000`) }
            : {}),
        };
      case "aws:sns/topic:Topic":
        return { arn: arn("sns", physical), name: physical };
      case "aws:sfn/stateMachine:StateMachine":
        return { arn: arn("states", `stateMachine:${physical}`), name: physical };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { arn: arn("logs", `log-group:${physical}`), name: physical };
      case "aws:apigatewayv2/api:Api":
        return {
          apiEndpoint: `https://${args.name.toLowerCase()}.execute-api.${REGION}.amazonaws.com`,
          executionArn: arn("execute-api", `${args.name.toLowerCase()}`),
          arn: `arn:aws:apigateway:${REGION}::/apis/${args.name.toLowerCase()}`,
        };
      case "random:index/randomBytes:RandomBytes":
        return { base64: Buffer.alloc(32, 7).toString("base64"), hex: "07".repeat(32) };
      default:
        return { arn: arn("mock", `${args.type}/${physical}`) };
    }
  })();
  return { ...inputs, ...extra };
}

interface PolicyStatementInput {
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** Provider functions SST calls, answered as AWS would. */
function mockCall(args: MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      return { id: REGION, name: REGION, region: REGION, description: "US East (N. Virginia)" };
    case "aws:index/getPartition:getPartition":
      return {
        id: "aws",
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: ACCOUNT_ID,
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`,
        userId: "AIDAMOCK",
      };
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      // Both fields: SST reads `statements` to decide whether a role gets an inline policy.
      const statements = (args.inputs.statements ?? []) as PolicyStatementInput[];
      const json = JSON.stringify(policyDocumentJson(statements));
      return { id: "policy", statements, json, minifiedJson: json };
    }
    default:
      return args.inputs;
  }
}

/** `getPolicyDocument`'s statements in IAM's JSON shape. */
function policyDocumentJson(statements: readonly PolicyStatementInput[]) {
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      Effect: s.effect ?? "Allow",
      ...(s.actions ? { Action: s.actions } : {}),
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.principals
        ? {
            Principal: Object.fromEntries(s.principals.map((p) => [p.type, p.identifiers])),
          }
        : {}),
      ...(s.conditions
        ? {
            Condition: Object.fromEntries(
              s.conditions.map((c) => [c.test, { [c.variable]: c.values }]),
            ),
          }
        : {}),
    })),
  };
}
