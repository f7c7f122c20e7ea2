/**
 * Holds every response of the API tests to `docs/openapi.json`: the status must be declared for
 * the operation, the body must match its schema (ajv, JSON Schema 2020-12, the document's
 * dialect) and the required headers must be there. An undeclared answer throws, failing the
 * test that received it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { PROJECT_ROOT } from "../../infra/local/stack.js";

type Json = Record<string, unknown>;

interface ResponseObject {
  content?: Record<string, { schema: Json }>;
  headers?: Record<string, { required?: boolean; schema: Json }>;
}
interface OperationObject {
  operationId: string;
  responses: Record<string, ResponseObject>;
}

const DOCUMENT = JSON.parse(readFileSync(join(PROJECT_ROOT, "docs", "openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Json> };
};
const DEFS_ID = "https://twofa.invalid/openapi/components";

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
ajv.addSchema({ $id: DEFS_ID, $defs: rewriteRefs(DOCUMENT.components.schemas) });

/** `#/components/schemas/X` as a reference into the one schema that holds the components. */
function rewriteRefs<T>(schema: T): T {
  return JSON.parse(
    JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${DEFS_ID}#/$defs/`),
  ) as T;
}

const OPERATIONS = Object.entries(DOCUMENT.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    operation,
  })),
);

/** The operation a request names, or undefined for paths outside the API (`/_local`, pages). */
function operationFor(method: string, path: string) {
  const pathname = new URL(path, "http://127.0.0.1").pathname;
  return OPERATIONS.find((op) => op.method === method.toUpperCase() && op.pattern.test(pathname));
}

const validators = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: Json): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(rewriteRefs(schema));
    validators.set(key, validate);
  }
  return validate;
}

export interface ReceivedResponse {
  readonly method: string;
  /** The request path, with its query if any. */
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** The ways a response departs from the document; empty when it conforms. */
export function nonConformities(response: ReceivedResponse): string[] {
  const match = operationFor(response.method, response.path);
  if (!match) return [];
  const { operation } = match;
  const declared = operation.responses[String(response.status)];
  if (!declared) {
    return [
      `status ${response.status} is not declared (declared: ${Object.keys(operation.responses).join(", ")})`,
    ];
  }
  const problems: string[] = [];
  for (const [name, header] of Object.entries(declared.headers ?? {})) {
    const value = response.headers.get(name);
    if (value === null) {
      if (header.required) problems.push(`required header ${name} is missing`);
      continue;
    }
    const validate = validatorFor(
      `${operation.operationId} ${response.status} ${name}`,
      header.schema,
    );
    if (!validate(value)) problems.push(`header ${name}: ${ajv.errorsText(validate.errors)}`);
  }
  const media = declared.content?.["application/json"];
  if (!media) {
    if (response.text !== "") problems.push("a body was sent where none is declared");
    return problems;
  }
  if (!/^application\/json\b/i.test(response.headers.get("content-type") ?? "")) {
    problems.push(`content-type ${response.headers.get("content-type")} is not application/json`);
  }
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    problems.push("the body is not JSON");
    return problems;
  }
  const validate = validatorFor(`${operation.operationId} ${response.status}`, media.schema);
  if (!validate(body)) {
    problems.push(`body: ${ajv.errorsText(validate.errors, { dataVar: "body" })}`);
  }
  return problems;
}

/** Throws when the response departs from the document. */
export function assertConforms(response: ReceivedResponse): void {
  const problems = nonConformities(response);
  if (problems.length > 0) {
    const op = operationFor(response.method, response.path)?.operation.operationId;
    throw new Error(
      `${response.method} ${response.path} → ${response.status} does not conform to docs/openapi.json (${op}):\n  ${problems.join("\n  ")}\n  body: ${response.text.slice(0, 500)}`,
    );
  }
}
