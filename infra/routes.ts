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
  { method: "PATCH", path: "/v1/user", handler: "functions/api/update-user", link: AUTH },
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
];
