/**
 * The one route table. `infra/api.ts` turns each row into an API Gateway route with its own
 * Lambda function; `infra/local/api-server.ts` serves the same rows locally. A handler file
 * exports `handler`; `link` lists exactly the resources that function may reach.
 */

/** Resources a function can be linked to; each becomes `Resource.<name>` in the handler. */
export const LINKABLES = [
  "Table",
  "Events",
  "Email",
  "ConnectorRuns",
  "SigningKey",
  "CodeHashKey",
  "EncryptionKey",
  "AdminApiKey",
] as const;
export type Linkable = (typeof LINKABLES)[number];

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Route {
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/v1/sign_ins/{id}`. */
  readonly path: string;
  /** Handler module without extension, relative to the project root; it exports `handler`. */
  readonly handler: string;
  readonly link: readonly Linkable[];
}

const CODES = ["Table", "Events", "CodeHashKey", "EncryptionKey"] as const;
/** Everything a login or a factor change touches: codes, users, tokens. */
const AUTH = ["Table", "Events", "SigningKey", "CodeHashKey", "EncryptionKey"] as const;

export const ROUTES: readonly Route[] = [
  {
    method: "POST",
    path: "/v1/phone_verification_codes",
    handler: "functions/api/create-phone-verification-code",
    link: CODES,
  },
  {
    method: "POST",
    path: "/v1/email_verification_codes",
    handler: "functions/api/create-email-verification-code",
    link: CODES,
  },
  {
    method: "GET",
    path: "/v1/deliveries/{id}",
    handler: "functions/api/get-delivery",
    link: ["Table"],
  },
  { method: "POST", path: "/v1/token", handler: "functions/api/token", link: AUTH },
  { method: "POST", path: "/v1/customers", handler: "functions/api/create-customer", link: CODES },
  {
    method: "GET",
    path: "/v1/user",
    handler: "functions/api/get-user",
    link: ["Table", "SigningKey"],
  },
  {
    method: "GET",
    path: "/v1/user/security_events",
    handler: "functions/api/get-security-events",
    link: ["Table", "SigningKey"],
  },
  { method: "PATCH", path: "/v1/user", handler: "functions/api/update-user", link: AUTH },
  // Sessions: each is a refresh-token family; ending one ends its access tokens at once.
  {
    method: "POST",
    path: "/v1/logout",
    handler: "functions/api/logout",
    link: ["Table", "Events", "SigningKey", "CodeHashKey"],
  },
  {
    method: "GET",
    path: "/v1/user/sessions",
    handler: "functions/api/list-sessions",
    link: ["Table", "SigningKey"],
  },
  {
    method: "DELETE",
    path: "/v1/user/sessions/{id}",
    handler: "functions/api/delete-session",
    link: ["Table", "Events", "SigningKey"],
  },
  // Remembered devices: each skips the second factor at login until forgotten or expired.
  {
    method: "GET",
    path: "/v1/user/devices",
    handler: "functions/api/list-devices",
    link: ["Table", "Events", "SigningKey"],
  },
  {
    method: "DELETE",
    path: "/v1/user/devices",
    handler: "functions/api/forget-devices",
    link: ["Table", "Events", "SigningKey"],
  },
  {
    method: "DELETE",
    path: "/v1/user/devices/{id}",
    handler: "functions/api/forget-device",
    link: ["Table", "Events", "SigningKey"],
  },
  {
    method: "PUT",
    path: "/v1/user/password",
    handler: "functions/api/change-password",
    link: AUTH,
  },
  // Sign-ins (Clerk): starting one mints tokens for users without TFA but sends no code;
  // the session it creates goes to the security log (Events).
  {
    method: "POST",
    path: "/v1/sign_ins",
    handler: "functions/api/create-sign-in",
    link: ["Table", "Events", "SigningKey", "CodeHashKey"],
  },
  {
    method: "GET",
    path: "/v1/sign_ins/{id}",
    handler: "functions/api/get-sign-in",
    link: ["Table"],
  },
  {
    method: "POST",
    path: "/v1/sign_ins/{id}/prepare_second_factor",
    handler: "functions/api/prepare-sign-in-second-factor",
    link: CODES,
  },
  {
    method: "POST",
    path: "/v1/sign_ins/{id}/attempt_second_factor",
    handler: "functions/api/attempt-sign-in-second-factor",
    link: AUTH,
  },
  // A sign-in with a passkey alone (started by `POST /v1/sign_ins {strategy: "passkey"}`).
  {
    method: "POST",
    path: "/v1/sign_ins/{id}/attempt_first_factor",
    handler: "functions/api/attempt-sign-in-first-factor",
    link: AUTH,
  },
  // Passkeys (WebAuthn) of the signed-in user; adding and removing one needs a step-up.
  {
    method: "POST",
    path: "/v1/user/passkeys/registration_options",
    handler: "functions/api/passkey-registration-options",
    link: AUTH,
  },
  {
    method: "POST",
    path: "/v1/user/passkeys",
    handler: "functions/api/create-passkey",
    link: AUTH,
  },
  {
    method: "GET",
    path: "/v1/user/passkeys",
    handler: "functions/api/list-passkeys",
    link: ["Table", "SigningKey"],
  },
  {
    method: "PATCH",
    path: "/v1/user/passkeys/{id}",
    handler: "functions/api/rename-passkey",
    link: ["Table", "SigningKey"],
  },
  {
    method: "DELETE",
    path: "/v1/user/passkeys/{id}",
    handler: "functions/api/delete-passkey",
    link: AUTH,
  },
  // Authenticator apps, at DocSpace's paths so that its example clients work unchanged.
  {
    method: "GET",
    path: "/api/2.0/settings/tfaapp/setup",
    handler: "functions/api/tfa-app-setup",
    link: ["Table", "SigningKey", "EncryptionKey"],
  },
  {
    method: "POST",
    path: "/api/2.0/settings/tfaapp/validate",
    handler: "functions/api/tfa-app-validate",
    link: AUTH,
  },
  {
    method: "GET",
    path: "/api/2.0/settings/tfaappcodes",
    handler: "functions/api/tfa-app-codes",
    link: ["Table", "SigningKey", "EncryptionKey"],
  },
  {
    method: "PUT",
    path: "/api/2.0/settings/tfaappnewcodes",
    handler: "functions/api/tfa-app-new-codes",
    link: AUTH,
  },
  {
    method: "PUT",
    path: "/api/2.0/settings/tfaappnewapp",
    handler: "functions/api/tfa-app-new-app",
    link: AUTH,
  },
  // Connector accounts and runs (Cozy konnectors waiting for a 2FA code on Step Functions).
  {
    method: "POST",
    path: "/v1/accounts",
    handler: "functions/api/create-account",
    link: ["Table", "SigningKey", "EncryptionKey"],
  },
  {
    method: "GET",
    path: "/v1/accounts/{id}",
    handler: "functions/api/get-account",
    link: ["Table", "SigningKey"],
  },
  {
    method: "POST",
    path: "/v1/accounts/{id}/runs",
    handler: "functions/api/start-run",
    link: ["Table", "SigningKey", "ConnectorRuns"],
  },
  {
    method: "GET",
    path: "/v1/runs/{id}",
    handler: "functions/api/get-run",
    link: ["Table", "SigningKey", "ConnectorRuns"],
  },
  // Also granted SendTaskSuccess/SendTaskFailure by infra/api.ts: resumes the waiting run.
  {
    method: "POST",
    path: "/v1/accounts/{id}/twofa_code",
    handler: "functions/api/submit-twofa-code",
    link: ["Table", "Events", "SigningKey", "EncryptionKey", "ConnectorRuns"],
  },
  // Also granted SendTaskFailure by infra/api.ts: ends the wait so that the run logs in again.
  {
    method: "POST",
    path: "/v1/accounts/{id}/twofa_code/resend",
    handler: "functions/api/resend-twofa-code",
    link: ["Table", "SigningKey", "EncryptionKey", "ConnectorRuns"],
  },
  // The admin API: `X-Admin-Api-Key` (the AdminApiKey secret) on every request.
  {
    method: "POST",
    path: "/v1/admin/webhook_endpoints",
    handler: "functions/api/admin-create-webhook-endpoint",
    link: ["Table", "EncryptionKey", "AdminApiKey"],
  },
  {
    method: "GET",
    path: "/v1/admin/webhook_endpoints",
    handler: "functions/api/admin-list-webhook-endpoints",
    link: ["Table", "AdminApiKey"],
  },
  {
    method: "DELETE",
    path: "/v1/admin/webhook_endpoints/{id}",
    handler: "functions/api/admin-delete-webhook-endpoint",
    link: ["Table", "AdminApiKey"],
  },
  {
    method: "GET",
    path: "/v1/admin/webhook_endpoints/{id}/deliveries",
    handler: "functions/api/admin-list-webhook-deliveries",
    link: ["Table", "AdminApiKey"],
  },
  // The admin API on users: each action is an event in the user's log and the admin audit log.
  {
    method: "GET",
    path: "/v1/admin/users/{id}",
    handler: "functions/api/admin-get-user",
    link: ["Table", "AdminApiKey"],
  },
  {
    method: "POST",
    path: "/v1/admin/users/{id}/unlock",
    handler: "functions/api/admin-unlock-user",
    link: ["Table", "AdminApiKey"],
  },
  {
    method: "POST",
    path: "/v1/admin/users/{id}/reset_second_factors",
    handler: "functions/api/admin-reset-second-factors",
    link: ["Table", "AdminApiKey"],
  },
  {
    method: "GET",
    path: "/v1/admin/security_events",
    handler: "functions/api/admin-list-security-events",
    link: ["Table", "AdminApiKey"],
  },
  // The API's description (docs/openapi.json, generated from this table by infra/openapi/).
  { method: "GET", path: "/openapi.json", handler: "functions/api/openapi", link: [] },
];

/** `POST /v1/token` → `POST /v1/token`; the key API Gateway gives a route. */
export function routeKey(route: Pick<Route, "method" | "path">): string {
  return `${route.method} ${route.path}`;
}

/** Functions subscribed to an SNS topic (the local SNS endpoint delivers to them as SNS does). */
export interface Subscriber {
  readonly topic: Extract<Linkable, "Events">;
  readonly handler: string;
  readonly link: readonly Linkable[];
  /** Publishes SMS straight to phone numbers (`sns:Publish` on `*`). */
  readonly sendsSms: boolean;
}

export const SUBSCRIBERS: readonly Subscriber[] = [
  {
    topic: "Events",
    handler: "functions/events/notifier",
    link: ["Table", "Email", "EncryptionKey"],
    sendsSms: true,
  },
  // Signed webhooks: each event to the endpoints that want it (their secrets are sealed).
  {
    topic: "Events",
    handler: "functions/events/webhook-dispatcher",
    link: ["Table", "EncryptionKey"],
    sendsSms: false,
  },
];

/** Functions run on a schedule (EventBridge in AWS; a timer of the local stack). */
export interface ScheduledFunction {
  readonly handler: string;
  readonly link: readonly Linkable[];
  /** EventBridge's schedule expression. */
  readonly schedule: `rate(${string})`;
  /** How often the local stack runs it: faster, so that a retry is seen in seconds. */
  readonly localEverySeconds: number;
}

export const SCHEDULED: readonly ScheduledFunction[] = [
  // The webhook retries that are due.
  {
    handler: "functions/events/webhook-retry",
    link: ["Table", "EncryptionKey"],
    schedule: "rate(1 minute)",
    localEverySeconds: 2,
  },
];

/**
 * Functions subscribed to the table's stream, each for the new items whose partition key
 * starts with `pkPrefix` (a filter on the event source in AWS; the same filter locally, in
 * infra/local/streams.ts).
 */
export interface StreamSubscriber {
  readonly handler: string;
  readonly link: readonly Linkable[];
  readonly pkPrefix: string;
}

export const STREAM_SUBSCRIBERS: readonly StreamSubscriber[] = [
  // The outbox relay: each new event item to the topic.
  { handler: "functions/events/outbox-relay", link: ["Events"], pkPrefix: "OUTBOX#" },
];
