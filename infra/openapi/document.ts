/**
 * Builds the OpenAPI 3.1 document from the route table, the handlers' valibot request schemas
 * (converted by `@valibot/to-json-schema`), the response declarations of `operations.ts` and
 * the error catalogue. `npm run openapi` writes it to `docs/openapi.json`.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { ROUTES, type Route, routeKey } from "../routes.js";
import { docspaceError, type JsonSchema, oauthError, SCHEMAS } from "./components.js";
import { type ErrorCode, statusOf } from "./errors.js";
import { OPERATIONS, type OperationDeclaration, TAGS } from "./operations.js";

/** Codes the shared middleware may answer on any route: body size, media type, JSON syntax. */
const EVERY_ROUTE: readonly ErrorCode[] = [
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
];

const TAG_NAMES: Record<keyof typeof TAGS, string> = {
  tokens: "Tokens",
  verification: "Verification codes",
  users: "Users",
  signIns: "Sign-ins",
  sessions: "Sessions",
  authenticatorApps: "Authenticator apps",
  passkeys: "Passkeys",
  connectors: "Connectors",
  meta: "API description",
  admin: "Admin",
};

/** Headers some error codes carry; a status's response requires one only if all its codes do. */
const ERROR_HEADERS: Partial<Record<ErrorCode, Record<string, JsonSchema>>> = {
  invalid_token: {
    "WWW-Authenticate": {
      description: "RFC 6750's challenge.",
      schema: { type: "string", pattern: "^Bearer" },
    },
  },
  otp_required: {
    "X-OTP": {
      description: "`required; auth_method=<method>`: which second factor to send.",
      schema: { type: "string", pattern: "^required; auth_method=" },
    },
  },
};
const RETRY_AFTER: JsonSchema = {
  description: "Seconds until the caller may try again.",
  schema: { type: "string", pattern: "^[0-9]+$" },
};

export interface BuildOptions {
  readonly routes?: readonly Route[];
  readonly version: string;
}

function isValibot(schema: unknown): schema is v.GenericSchema {
  return typeof schema === "object" && schema !== null && "kind" in schema && "~standard" in schema;
}

/** A valibot schema as JSON Schema 2020-12, without its `$schema` (the document sets it). */
function jsonSchemaOf(schema: v.GenericSchema | JsonSchema): JsonSchema {
  if (!isValibot(schema)) return schema;
  const { $schema: _dialect, ...converted } = toJsonSchema(schema, {
    target: "draft-2020-12",
    typeMode: "input",
    errorMode: "throw",
    // `trim` runs before the length checks; the documented lengths are those of the input.
    // `check` is a rule JSON Schema cannot say (a username's length once NFKC-normalized):
    // the input's own bound is documented, the rest answers 400 `invalid_request`.
    ignoreActions: ["trim", "check"],
  }) as Record<string, unknown>;
  if (Array.isArray(converted.required) && converted.required.length === 0) {
    delete converted.required;
  }
  return converted;
}

function requestBody(op: OperationDeclaration, components: Record<string, JsonSchema>) {
  if (!op.body) return undefined;
  components[op.body.name] = jsonSchemaOf(op.body.schema);
  const media = {
    schema: { $ref: `#/components/schemas/${op.body.name}` },
    ...(op.body.examples ? { examples: op.body.examples } : {}),
  };
  return {
    required: true,
    content: {
      "application/json": media,
      ...(op.body.form ? { "application/x-www-form-urlencoded": { schema: media.schema } } : {}),
    },
  };
}

function parameters(route: Route, op: OperationDeclaration) {
  const list: unknown[] = [];
  if (route.path.includes("{id}")) {
    if (!op.pathId) throw new Error(`${routeKey(route)}: {id} has no declared schema`);
    list.push({
      name: "id",
      in: "path",
      required: true,
      description: op.pathId.description,
      schema: jsonSchemaOf(op.pathId.schema),
    });
  }
  for (const query of op.query ?? []) {
    list.push({ ...query, in: "query", required: false });
  }
  if (op.otpHeader) {
    list.push({
      name: "X-OTP",
      in: "header",
      required: false,
      description: "The one-time password, instead of the `otp` field.",
      schema: { type: "string", maxLength: 64 },
    });
  }
  if (op.deviceTokenHeader) {
    list.push({
      name: "X-Device-Token",
      in: "header",
      required: false,
      description: "A remembered device's token, instead of the body field.",
      schema: { type: "string", maxLength: 256 },
    });
  }
  return list;
}

function errorResponses(op: OperationDeclaration) {
  const codes = new Set<ErrorCode>([
    ...EVERY_ROUTE,
    ...(op.body ? (["invalid_request"] as const) : []),
    ...(op.bearer ? (["invalid_token"] as const) : []),
    ...op.errors,
  ]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Record<string, JsonSchema> = {};
    for (const code of list) {
      for (const [name, declaration] of Object.entries(ERROR_HEADERS[code] ?? {})) {
        const required = list.every((other) => ERROR_HEADERS[other]?.[name] !== undefined);
        headers[name] = { ...declaration, required };
      }
    }
    if (status === 429 || list.includes("user_locked")) {
      headers["Retry-After"] = { ...RETRY_AFTER, required: false };
    }
    responses[String(status)] = {
      description: `Error: ${list.map((code) => `\`${code}\``).join(", ")}.`,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: {
        "application/json": {
          schema: op.docspace ? docspaceError(list, status) : oauthError(list),
        },
      },
    };
  }
  return responses;
}

function operation(route: Route, components: Record<string, JsonSchema>) {
  const op = OPERATIONS[routeKey(route)];
  if (!op) throw new Error(`${routeKey(route)} has no declaration in infra/openapi/operations.ts`);
  const success = op.success;
  const body = requestBody(op, components);
  const params = parameters(route, op);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [TAG_NAMES[op.tag]],
    security: op.bearer ? [{ bearer: [] }] : [],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      [String(success.status)]: {
        description: success.description,
        ...(success.headers ? { headers: success.headers } : {}),
        ...(success.body
          ? {
              content: {
                "application/json": {
                  schema: success.body,
                  ...(success.examples ? { examples: success.examples } : {}),
                },
              },
            }
          : {}),
      },
      ...errorResponses(op),
    },
  };
}

/** The OpenAPI 3.1 document of the routes (all of `ROUTES` unless told). */
export function buildDocument(options: BuildOptions) {
  const components: Record<string, JsonSchema> = { ...SCHEMAS };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of options.routes ?? ROUTES) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(
      route,
      components,
    );
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Two-factor authentication service",
      version: options.version,
      description:
        "OTP token issuance (Freshcom), verification codes, Clerk-style sign-ins, TOTP authenticator apps (ONLYOFFICE DocSpace) and connector runs that wait for a 2FA code (Cozy). Errors are `{error, error_description}` with a stable snake_case `error`, except under `/api/2.0`, which keeps DocSpace's envelopes.",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: "http://127.0.0.1:3000", description: "The local stack (`npm start`)" }],
    tags: Object.entries(TAGS).map(([key, description]) => ({
      name: TAG_NAMES[key as keyof typeof TAGS],
      description,
    })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(components).sort(([a], [b]) => a.localeCompare(b)),
      ),
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "An access token from `POST /v1/token` or a completed sign-in.",
        },
      },
    },
  };
}
