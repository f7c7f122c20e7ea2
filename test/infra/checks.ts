/**
 * The checks behind the infra claims, as small functions that return the problems they find
 * (an empty list when all is well). test/infra/checks.test.ts shows each one rejecting a
 * broken input, so a passing infra test means the check looked and found nothing.
 */
import { createRequire } from "node:module";
import type { BuildRequest, RecordedResource } from "./sst-harness";

// --- Reading what the mocks recorded ----------------------------------------------------------

/** Pulumi marks a secret value as `{ [SIG]: SECRET_SIG, value }` in mocked inputs. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** Replaces every Pulumi secret wrapper with the value it wraps. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG_KEY in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

export function inputsOf(resource: RecordedResource): Record<string, unknown> {
  return unwrapSecrets(resource.inputs) as Record<string, unknown>;
}

export function resourcesOfType(
  resources: readonly RecordedResource[],
  type: string,
): RecordedResource[] {
  return resources.filter((r) => r.type === type);
}

export function arnOf(resource: RecordedResource): string {
  const arn = unwrapSecrets(resource.state.arn);
  if (typeof arn !== "string") throw new Error(`${resource.type} ${resource.name} has no ARN`);
  return arn;
}

/** One Lambda function as deployed: its resource, role, build request and handler. */
export interface DeployedFunction {
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
  readonly build: BuildRequest | undefined;
  readonly role: RecordedResource | undefined;
}

export function deployedFunctions(
  resources: readonly RecordedResource[],
  builds: readonly BuildRequest[],
): DeployedFunction[] {
  const roles = resourcesOfType(resources, "aws:iam/role:Role");
  return resourcesOfType(resources, "aws:lambda/function:Function").map((fn) => {
    const inputs = inputsOf(fn);
    // SST names the Lambda resource `<component>Function` and builds it as `<component>`.
    const functionID = fn.name.replace(/Function$/, "");
    const environment = (inputs.environment as { variables?: Record<string, string> } | undefined)
      ?.variables;
    return {
      name: fn.name,
      arn: arnOf(fn),
      handler: String(inputs.handler),
      runtime: String(inputs.runtime),
      memorySize: Number(inputs.memorySize),
      timeoutSeconds: Number(inputs.timeout),
      environment: environment ?? {},
      build: builds.find((b) => b.functionID === functionID),
      role: roles.find((role) => arnOf(role) === inputs.role),
    };
  });
}

// --- Functions -----------------------------------------------------------------------------------

/** The oldest Lambda runtime the service supports (DESIGN.md: nodejs22.x or newer). */
const MIN_NODEJS_MAJOR = 22;
const MIN_MEMORY_MB = 256;

export function runtimeProblems(
  fn: Pick<DeployedFunction, "name" | "runtime" | "memorySize">,
): string[] {
  const problems: string[] = [];
  const major = /^nodejs(\d+)\.x$/.exec(fn.runtime)?.[1];
  if (major === undefined || Number(major) < MIN_NODEJS_MAJOR) {
    problems.push(`${fn.name} runs ${fn.runtime}, not nodejs${MIN_NODEJS_MAJOR}.x or newer`);
  }
  if (!(fn.memorySize >= MIN_MEMORY_MB)) {
    problems.push(`${fn.name} has ${fn.memorySize} MB, under ${MIN_MEMORY_MB} MB`);
  }
  return problems;
}

// --- IAM -----------------------------------------------------------------------------------------

/** One allowed action on one resource: policies are compared grant by grant. */
export interface Grant {
  readonly action: string;
  readonly resource: string;
}

interface IamStatement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every (action, resource) an IAM policy document allows. */
export function grantsOfPolicy(policyJson: string): Grant[] {
  const document = JSON.parse(policyJson) as { Statement?: IamStatement | IamStatement[] };
  const statements = Array.isArray(document.Statement)
    ? document.Statement
    : document.Statement
      ? [document.Statement]
      : [];
  return statements
    .filter((s) => (s.Effect ?? "Allow") === "Allow")
    .flatMap((s) =>
      asList(s.Action).flatMap((action) =>
        asList(s.Resource).map((resource) => ({ action, resource })),
      ),
    );
}

/** Every grant of a role's inline policies (managed policies are listed apart). */
export function grantsOfRole(role: RecordedResource): Grant[] {
  const policies = (inputsOf(role).inlinePolicies ?? []) as { policy?: string }[];
  return policies.flatMap((p) => (p.policy ? grantsOfPolicy(p.policy) : []));
}

export function managedPoliciesOfRole(role: RecordedResource): string[] {
  return ((inputsOf(role).managedPolicyArns ?? []) as string[]).slice();
}

const grantKey = (g: Grant) => `${g.action} on ${g.resource}`;

/** Grants beyond what is expected (too much privilege) and expected ones missing (broken). */
export function grantProblems(
  owner: string,
  granted: readonly Grant[],
  expected: readonly Grant[],
): string[] {
  const grantedKeys = new Set(granted.map(grantKey));
  const expectedKeys = new Set(expected.map(grantKey));
  return [
    ...[...grantedKeys]
      .filter((k) => !expectedKeys.has(k))
      .map((k) => `${owner} is granted ${k}, which it does not need`),
    ...[...expectedKeys]
      .filter((k) => !grantedKeys.has(k))
      .map((k) => `${owner} lacks ${k}, which it needs`),
  ];
}

/** Whether a grant allows `action` (exactly or through a `service:*` wildcard) on `resource`. */
export function allows(grants: readonly Grant[], action: string, resource?: string): boolean {
  const service = action.split(":")[0];
  return grants.some(
    (g) =>
      (g.action === action || g.action === `${service}:*` || g.action === "*") &&
      (resource === undefined || g.resource === resource),
  );
}

// --- Step Functions ------------------------------------------------------------------------------

type AslValidator = (definition: unknown) => {
  isValid: boolean;
  errorsText(separator?: string): string;
};
// asl-validator ships no type declarations.
const aslValidator = createRequire(import.meta.url)("asl-validator") as AslValidator;

const WAIT_FOR_TASK_TOKEN = /\.waitForTaskToken$/;

interface StateLike {
  Type?: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Branches?: { States?: Record<string, StateLike> }[];
  Iterator?: { States?: Record<string, StateLike> };
  ItemProcessor?: { States?: Record<string, StateLike> };
  [field: string]: unknown;
}

/** Every state, those inside Parallel branches and Map iterators included, by path. */
function allStates(states: Record<string, StateLike>, prefix = ""): [string, StateLike][] {
  return Object.entries(states).flatMap(([name, state]) => {
    const path = `${prefix}${name}`;
    const nested = [
      ...(state.Branches ?? []).map((b) => b.States ?? {}),
      state.Iterator?.States ?? {},
      state.ItemProcessor?.States ?? {},
    ];
    return [
      [path, state] as [string, StateLike],
      ...nested.flatMap((inner) => allStates(inner, `${path}/`)),
    ];
  });
}

/**
 * What AWS would reject or what would hang a run: an invalid definition (asl-validator), a
 * `"Timeout"` field (SST issue 6747: not ASL, AWS refuses the state machine), and a callback
 * task without `TimeoutSeconds` (it would wait up to a year for a token nobody sends).
 */
export function stateMachineDefinitionProblems(definition: unknown): string[] {
  const problems: string[] = [];
  // asl-validator writes defaults (`QueryLanguage`) into what it is given: hand it a copy.
  const result = aslValidator(structuredClone(definition));
  if (!result.isValid) problems.push(`asl-validator: ${result.errorsText("; ")}`);
  const states = (definition as { States?: Record<string, StateLike> }).States ?? {};
  for (const [path, state] of allStates(states)) {
    if ("Timeout" in state) {
      problems.push(`${path} has a "Timeout" field, which is not ASL (use TimeoutSeconds)`);
    }
    if (
      state.Type === "Task" &&
      WAIT_FOR_TASK_TOKEN.test(state.Resource ?? "") &&
      state.TimeoutSeconds === undefined &&
      state.TimeoutSecondsPath === undefined
    ) {
      problems.push(`${path} waits for a task token with no TimeoutSeconds`);
    }
  }
  return problems;
}

/** The Task states of a definition with the function each one invokes. */
export function lambdaTasksOf(
  definition: unknown,
): { state: string; resource: string; functionName: string; timeoutSeconds?: number }[] {
  const states = (definition as { States?: Record<string, StateLike> }).States ?? {};
  return allStates(states)
    .filter(([, s]) => s.Type === "Task")
    .map(([state, s]) => ({
      state,
      resource: s.Resource ?? "",
      functionName: String((s.Parameters as Record<string, unknown> | undefined)?.FunctionName),
      timeoutSeconds: s.TimeoutSeconds,
    }));
}

// --- Secrets -------------------------------------------------------------------------------------

/** Where in `value` any of the secret values appears (also inside longer strings). */
function secretOccurrences(
  value: unknown,
  secretValues: Readonly<Record<string, string>>,
  options: { ignoreEncrypted?: boolean } = {},
  path = "",
): string[] {
  const visit = (inner: unknown, innerPath: string) =>
    secretOccurrences(inner, secretValues, options, innerPath);
  if (typeof value === "string") {
    return Object.entries(secretValues)
      .filter(([, secret]) => value.includes(secret))
      .map(([name]) => `${name} at ${path || "(root)"}`);
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => visit(item, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG_KEY in record) {
      // A Pulumi secret: stored encrypted in the stage's state, but sent as it is to AWS.
      return options.ignoreEncrypted ? [] : visit(record.value, path);
    }
    return Object.entries(record).flatMap(([k, v]) => visit(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/**
 * Secret values in the inputs of what a deploy creates. A cloud resource (an `aws:` type) hands
 * every input to AWS, where it shows in the console and API: no secret may be there at all. An
 * SST component's inputs only go to the encrypted state (SST's link references keep the linked
 * values there for `sst shell`), so a secret there is fine if it stays a Pulumi secret.
 */
export function secretLeaks(
  resources: readonly RecordedResource[],
  secretValues: Readonly<Record<string, string>>,
): string[] {
  return resources.flatMap((resource) =>
    secretOccurrences(resource.inputs, secretValues, {
      ignoreEncrypted: /^(sst|pulumi):/.test(resource.type),
    }).map((where) => `${resource.type} ${resource.name}: ${where}`),
  );
}

// --- sst-env.d.ts --------------------------------------------------------------------------------

/** `Resource` entries of an sst-env.d.ts: name → property → declared type text. */
export function parseSstEnv(source: string): Record<string, Record<string, string>> {
  const body = /export interface Resource \{([\s\S]*)\n {2}\}\n\}/.exec(source)?.[1] ?? "";
  const entries: Record<string, Record<string, string>> = {};
  for (const match of body.matchAll(/"([^"]+)": \{([^}]*)\}/g)) {
    const [, name = "", members = ""] = match;
    entries[name] = Object.fromEntries(
      [...members.matchAll(/"([^"]+)": ([^\n]+)/g)].map(([, key = "", type = ""]) => [
        key,
        type.trim(),
      ]),
    );
  }
  return entries;
}

/** Differences between what sst-env.d.ts declares and what the functions are linked with. */
export function sstEnvProblems(
  declared: Record<string, Record<string, string>>,
  linked: Record<string, Record<string, unknown>>,
): string[] {
  const problems: string[] = [];
  for (const [name, properties] of Object.entries(linked)) {
    const entry = declared[name];
    if (!entry) {
      problems.push(`sst-env.d.ts does not declare ${name}`);
      continue;
    }
    for (const [key, value] of Object.entries(properties)) {
      const expected = key === "type" ? JSON.stringify(value) : typeof value;
      if (entry[key] !== expected) {
        problems.push(
          `${name}.${key} is declared ${entry[key] ?? "nowhere"}, linked as ${expected}`,
        );
      }
    }
    for (const key of Object.keys(entry)) {
      if (!(key in properties)) problems.push(`${name}.${key} is declared but never linked`);
    }
  }
  return problems;
}
