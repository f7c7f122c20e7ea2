/**
 * The HTTP API: one API Gateway route and one Lambda function per row of `ROUTES`, each
 * linked only to the resources its row lists.
 */
import { configEnvironment } from "../functions/adapters/config-variables";
import { gateway } from "./gateway";
import { type LinkRegistry, linksFor } from "./links";
import { email, topic } from "./messaging";
import { NATIVE_PACKAGES, NODEJS_BUNDLING } from "./nodejs";
import { ROUTES, routeKey } from "./routes";
import { secrets } from "./secrets";
import { table } from "./storage";
import { connectorRuns } from "./workflow";

const ROUTE_RUNTIME = "nodejs22.x";
/**
 * Lambda gives CPU in proportion to memory: password routes hash with argon2id
 * (m = 19 MiB), which runs several times faster at 512 MB than at 128 MB.
 */
const ROUTE_MEMORY = "512 MB";
/** Below API Gateway's 30 s integration limit, so a slow call ends as our 5xx, not a 503. */
const ROUTE_TIMEOUT = "10 seconds";
/** Bundled as every function is (`./nodejs.ts`), with the argon2 binding installed beside it. */
const ROUTE_NODEJS = { ...NODEJS_BUNDLING, install: [...NATIVE_PACKAGES] };

/**
 * Handlers that answer a waiting connector run with its task token: with the code, or by
 * ending the wait when the user asks for a new code. `SendTaskSuccess` and `SendTaskFailure`
 * act on a task token, not on a resource ARN, so IAM only accepts `*` for them: the grant is
 * kept to these handlers alone. (Linking `ConnectorRuns` grants starting and reading runs
 * only.)
 */
const RESUMES_CONNECTOR_RUNS: ReadonlySet<string> = new Set([
  "functions/api/submit-twofa-code",
  "functions/api/resend-twofa-code",
]);
const RESUME_CONNECTOR_RUN = {
  actions: ["states:SendTaskSuccess", "states:SendTaskFailure"],
  resources: ["*"],
};

const available: LinkRegistry = {
  ...secrets,
  Table: table,
  Events: topic,
  Email: email,
  ConnectorRuns: connectorRuns,
};

export const api = gateway;

for (const route of ROUTES) {
  api.route(routeKey(route), {
    handler: `${route.handler}.handler`,
    link: linksFor(route.link, available, route.handler),
    permissions: RESUMES_CONNECTOR_RUNS.has(route.handler) ? [RESUME_CONNECTOR_RUN] : [],
    runtime: ROUTE_RUNTIME,
    memory: ROUTE_MEMORY,
    timeout: ROUTE_TIMEOUT,
    nodejs: ROUTE_NODEJS,
    // Tunables set when deploying (CODE_TTL_SECONDS=… npx sst deploy) reach every function.
    environment: configEnvironment(process.env),
  });
}
