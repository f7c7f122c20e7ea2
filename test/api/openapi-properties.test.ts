/**
 * Hostile input from the document: for every operation of `docs/openapi.json`, requests built
 * from its request schemas — valid ones and broken ones (missing or mistyped fields, strings
 * past their bounds, bodies that are not objects or not JSON, wrong media types, odd path ids,
 * no or bad tokens). No answer may be a 5xx; every answer must conform to the document (which
 * `call` checks: declared status, body schema, required headers), so every 4xx is the error
 * envelope with a code declared for that operation and status.
 *
 * Bounded in count and time per operation, and seeded: a failure names the seed and the path
 * to replay it (`OPENAPI_PROPERTIES_SEED=<seed>`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../infra/local/stack.js";
import { call, freshUsername, post } from "../support/http.js";

const SEED = Number(process.env.OPENAPI_PROPERTIES_SEED ?? 20_261_202);
const RUNS_PER_OPERATION = 12;
/** Past this, an operation's run stops where it is (a busy machine runs fewer cases). */
const TIME_LIMIT_PER_OPERATION_MS = 10_000;
const TEST_TIMEOUT_MS = 60_000;
/** The handlers refuse bodies over 16 KB; one case goes past that. */
const OVERSIZED = 17 * 1024;

type Schema = { [key: string]: unknown };
interface Operation {
  operationId: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: {
    content: Record<string, { schema: Schema; examples?: Record<string, { value: unknown }> }>;
  };
}

const DOCUMENT = JSON.parse(readFileSync(join(PROJECT_ROOT, "docs", "openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/components/schemas/", "");
  const target = DOCUMENT.components.schemas[name];
  if (!target) throw new Error(`unknown component ${ref}`);
  return resolve(target);
}

/** Values the schema accepts (strings kept short, except some at their maximum length). */
function valid(schemaOrRef: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(schemaOrRef);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ("const" in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case "string": {
      if (typeof schema.pattern === "string") return fc.stringMatching(new RegExp(schema.pattern));
      const min = Number(schema.minLength ?? 0);
      const max = Number(schema.maxLength ?? 64);
      return fc.oneof(
        { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 24) }) },
        { weight: 1, arbitrary: fc.string({ minLength: max, maxLength: max }) },
      );
    }
    case "boolean":
      return fc.boolean();
    case "object": {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = valid(property);
      return fc.record(record, { requiredKeys: (schema.required ?? []) as string[] });
    }
    default:
      return fc.jsonValue();
  }
}

/** Values the schema refuses, or that stress what it accepts. */
function invalid(schemaOrRef: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(schemaOrRef);
  const wrongType = fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  );
  if (schema.type !== "object") return wrongType;
  const properties = Object.entries((schema.properties ?? {}) as Record<string, Schema>);
  const required = (schema.required ?? []) as string[];
  const base = valid(schema) as fc.Arbitrary<Record<string, unknown>>;
  const cases: fc.Arbitrary<unknown>[] = [wrongType, fc.jsonValue({ maxDepth: 2 })];
  if (required.length > 0) {
    cases.push(
      fc.tuple(base, fc.constantFrom(...required)).map(([body, name]) => {
        const { [name]: _dropped, ...rest } = body;
        return rest;
      }),
    );
  }
  if (properties.length > 0) {
    const names = properties.map(([name]) => name);
    cases.push(
      fc
        .tuple(base, fc.constantFrom(...names), wrongType)
        .map(([body, name, value]) => ({ ...body, [name]: value })),
      fc
        .tuple(base, fc.constantFrom(...names), fc.integer({ min: 1, max: 40 }))
        .map(([body, name, extra]) => {
          const limit = Number(resolve(Object.fromEntries(properties)[name] ?? {}).maxLength ?? 64);
          return { ...body, [name]: "x".repeat(limit + extra) };
        }),
      base.map((body) => ({ ...body, padding: "x".repeat(OVERSIZED) })),
    );
  }
  return fc.oneof(...cases);
}

interface RequestCase {
  id: string;
  token: "valid" | "none" | "garbage";
  /** The raw body and its media type; undefined sends none. */
  body?: { text: string; contentType: string };
}

const ID_LIKE = /^[A-Za-z0-9_-]{1,64}$/;

function pathIds(operation: Operation): fc.Arbitrary<string> {
  const parameter = operation.parameters?.find((p) => p.in === "path" && p.name === "id");
  if (!parameter) return fc.constant("");
  const documented = resolve(parameter.schema);
  const shaped =
    typeof documented.pattern === "string"
      ? fc.stringMatching(new RegExp(documented.pattern))
      : fc.stringMatching(ID_LIKE);
  // `.` and `..` are dot segments: the URL would name another path.
  const anything = fc
    .string({ minLength: 1, maxLength: 80 })
    .filter((s) => s !== "." && s !== "..");
  return fc.oneof(shaped, anything);
}

function bodies(operation: Operation): fc.Arbitrary<RequestCase["body"]> {
  const media = operation.requestBody?.content["application/json"];
  const schema = media?.schema;
  if (!schema) return fc.constant(undefined);
  const json = (value: unknown) => ({
    text: JSON.stringify(value),
    contentType: "application/json",
  });
  // The document's examples reach further than random strings (a real phone number, a grant).
  const examples = Object.values(media.examples ?? {}).map((example) => example.value);
  const documented = examples.length > 0 ? fc.constantFrom(...examples) : valid(schema);
  return fc.oneof(
    { weight: 3, arbitrary: valid(schema).map(json) },
    { weight: 1, arbitrary: documented.map(json) },
    { weight: 3, arbitrary: invalid(schema).map(json) },
    {
      weight: 1,
      arbitrary: fc
        .string({ maxLength: 40 })
        .map((text) => ({ text: `{${text}`, contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid(schema),
          fc.constantFrom("text/plain", "application/xml", "multipart/form-data"),
        )
        .map(([value, contentType]) => ({ text: JSON.stringify(value), contentType })),
    },
  );
}

function requests(operation: Operation): fc.Arbitrary<RequestCase> {
  const bearer = (operation.security ?? []).length > 0;
  return fc.record({
    id: pathIds(operation),
    token: bearer ? fc.constantFrom("valid", "none", "garbage") : fc.constant("none"),
    body: bodies(operation),
  }) as fc.Arbitrary<RequestCase>;
}

const OPERATIONS = Object.entries(DOCUMENT.paths).flatMap(([template, item]) =>
  Object.entries(item).map(([method, operation]) => ({
    method: method.toUpperCase(),
    template,
    operation,
  })),
);

let accessToken = "";

beforeAll(async () => {
  const username = freshUsername();
  const password = "correct horse battery staple";
  expect((await post("/v1/customers", { username, password })).status).toBe(201);
  const tokens = await post("/v1/token", { grant_type: "password", username, password });
  expect(tokens.status).toBe(200);
  accessToken = String(tokens.body.access_token);
});

describe("every operation, under generated input", () => {
  for (const [index, { method, template, operation }] of OPERATIONS.entries()) {
    it(
      `${method} ${template}: no 5xx, and every answer as the document declares it`,
      async () => {
        const seed = SEED + index;
        const property = fc.asyncProperty(requests(operation), async (request) => {
          const path = template.replace("{id}", encodeURIComponent(request.id));
          const token =
            request.token === "valid"
              ? accessToken
              : request.token === "garbage"
                ? "a.b.c"
                : undefined;
          // `call` throws when the answer departs from the document.
          const res = await call(method, path, {
            ...(token ? { token } : {}),
            ...(request.body
              ? { raw: request.body.text, headers: { "content-type": request.body.contentType } }
              : {}),
          });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            const code = path.startsWith("/api/2.0/")
              ? (res.body.error as { type?: unknown } | undefined)?.type
              : res.body.error;
            expect(code).toEqual(expect.any(String));
          }
        });
        try {
          await fc.assert(property, {
            seed,
            numRuns: RUNS_PER_OPERATION,
            interruptAfterTimeLimit: TIME_LIMIT_PER_OPERATION_MS,
            markInterruptAsFailure: false,
          });
        } catch (error) {
          throw new Error(
            `${method} ${template} failed with seed ${seed} (replay: OPENAPI_PROPERTIES_SEED=${SEED}).\n${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
      TEST_TIMEOUT_MS,
    );
  }
});
