/**
 * What `sst deploy --stage production` would create, with deploy-time settings: run apart
 * from sst.test.ts because Pulumi's runtime allows one program per process.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { buildConnectorRunDefinition } from "../../infra/connector-run.asl";
import { inputsOf, lambdaTasksOf, resourcesOfType } from "./checks";
import { type Deployment, describeDeployment, taskFunctionArns } from "./deployment";
import { ensureSstPlatform, runSstConfig, type SstRun } from "./sst-harness";

const SETTINGS = {
  CONNECTOR_TWOFA_TIMEOUT_SECONDS: "240",
  CONNECTOR_MAX_TWOFA_ATTEMPTS: "5",
  TWOFA_EMAIL_SENDER: "auth@twofa.example",
  CORS_ALLOWED_ORIGINS: "https://app.twofa.example,https://admin.twofa.example",
  WEBAUTHN_RP_ID: "twofa.example",
  WEBAUTHN_RP_NAME: "Twofa",
  WEBAUTHN_ORIGINS: "https://app.twofa.example",
};

let run: SstRun;
let deployment: Deployment;

beforeAll(async () => {
  ensureSstPlatform();
  run = await runSstConfig({
    stage: "production",
    secrets: {
      SigningKey: randomBytes(32).toString("base64url"),
      AdminApiKey: randomBytes(32).toString("base64url"),
      CodeHashKey: randomBytes(32).toString("base64url"),
      EncryptionKey: randomBytes(32).toString("base64url"),
    },
    env: SETTINGS,
  });
  deployment = describeDeployment(run);
}, 180_000);

describe("the production stage", () => {
  it("runs without errors", () => {
    expect(run.errors).toEqual([]);
  });

  it("refuses `sst remove` and retains data on removal", () => {
    expect(run.app).toMatchObject({ stage: "production", removal: "retain", protect: true });
  });

  it("the table has TTL on expiresAt and deletion protection on production", () => {
    const [table] = resourcesOfType(run.resources, "aws:dynamodb/table:Table");
    expect(table && inputsOf(table)).toMatchObject({
      ttl: { attributeName: "expiresAt", enabled: true },
      deletionProtectionEnabled: true,
      pointInTimeRecovery: { enabled: true },
    });
    // SST's removal policy "retain": `sst remove` would leave the table in the account.
    expect(table?.options.retainOnDelete).toBe(true);
  });
});

describe("deploy-time settings", () => {
  it("CONNECTOR_TWOFA_TIMEOUT_SECONDS sets how long a run waits for the 2FA code", () => {
    const callbacks = lambdaTasksOf(deployment.stateMachineDefinition).filter((t) =>
      t.resource.endsWith(".waitForTaskToken"),
    );
    expect(callbacks.map((t) => t.timeoutSeconds)).toEqual(
      callbacks.map(() => Number(SETTINGS.CONNECTOR_TWOFA_TIMEOUT_SECONDS)),
    );
    expect(callbacks.length).toBeGreaterThan(0);
  });

  it("the deployed definition is the shared ASL built with CONNECTOR_TWOFA_TIMEOUT_SECONDS and CONNECTOR_MAX_TWOFA_ATTEMPTS", () => {
    expect(deployment.stateMachineDefinition).toEqual(
      buildConnectorRunDefinition({
        functionArns: taskFunctionArns(deployment),
        twoFaTimeoutSeconds: Number(SETTINGS.CONNECTOR_TWOFA_TIMEOUT_SECONDS),
        maxTwoFaAttempts: Number(SETTINGS.CONNECTOR_MAX_TWOFA_ATTEMPTS),
      }),
    );
  });

  it("CORS_ALLOWED_ORIGINS are exactly the origins API Gateway lets read the API", () => {
    const [api] = resourcesOfType(run.resources, "aws:apigatewayv2/api:Api");
    expect(api && inputsOf(api).corsConfiguration).toMatchObject({
      allowOrigins: SETTINGS.CORS_ALLOWED_ORIGINS.split(","),
      allowCredentials: false,
    });
  });

  it("TWOFA_EMAIL_SENDER is the SES identity and the sender functions are linked to", () => {
    const [identity] = resourcesOfType(run.resources, "aws:sesv2/emailIdentity:EmailIdentity");
    expect(identity && inputsOf(identity).emailIdentity).toBe(SETTINGS.TWOFA_EMAIL_SENDER);
    const senders = deployment.functions.filter((f) => f.build?.links.Email);
    expect(senders.length).toBeGreaterThan(0);
    for (const fn of senders)
      expect(fn.build?.links.Email?.sender).toBe(SETTINGS.TWOFA_EMAIL_SENDER);
  });

  it("WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS reach every API function", () => {
    const routes = deployment.rows.filter((row) => row.kind === "route");
    expect(routes.length).toBeGreaterThan(0);
    for (const row of routes) {
      expect(row.fn?.environment).toMatchObject({
        WEBAUTHN_RP_ID: SETTINGS.WEBAUTHN_RP_ID,
        WEBAUTHN_RP_NAME: SETTINGS.WEBAUTHN_RP_NAME,
        WEBAUTHN_ORIGINS: SETTINGS.WEBAUTHN_ORIGINS,
      });
    }
  });
});
