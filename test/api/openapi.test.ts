/**
 * The API description: generated from the route table and the handlers' schemas, committed up
 * to date with the client's types, served at `/openapi.json`, and a conformance check that
 * refuses what the document does not declare.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../infra/openapi/document.js";
import { OPERATIONS } from "../../infra/openapi/operations.js";
import { ROUTES, routeKey } from "../../infra/routes.js";
import {
  CLIENT_TYPES_PATH,
  DOCUMENT_PATH,
  renderClientTypes,
  renderDocument,
} from "../../scripts/openapi.js";
import { call } from "../support/http.js";
import { nonConformities } from "../support/openapi.js";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers({ "content-type": "application/json; charset=utf-8", ...headers }),
  text: JSON.stringify(body),
});

describe("docs/openapi.json", () => {
  it("declares every route of the table, and nothing else", () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it("cannot be built for a route without a declaration", () => {
    const route = {
      method: "GET",
      path: "/v1/nothing",
      handler: "functions/api/none",
      link: [],
    } as const;
    expect(() => buildDocument({ version: "0", routes: [route] })).toThrow(
      "GET /v1/nothing has no declaration",
    );
  });

  it("is up to date with the code (run `npm run openapi` to rewrite it)", async () => {
    const committed = await readFile(DOCUMENT_PATH, "utf8");
    expect(committed).toBe(await renderDocument());
  });

  it("gives the client types that are up to date (run `npm run openapi`)", async () => {
    const committed = await readFile(CLIENT_TYPES_PATH, "utf8");
    expect(committed).toBe(await renderClientTypes(await readFile(DOCUMENT_PATH, "utf8")));
  });

  it("is served at GET /openapi.json", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(await readFile(DOCUMENT_PATH, "utf8")));
  });
});

describe("the conformance check of the API tests", () => {
  const tokens = {
    access_token: "a.b.c",
    token_type: "bearer",
    expires_in: 900,
    refresh_token: "r".repeat(43),
  };

  it("accepts a declared answer", () => {
    const ok = json(200, tokens, { "cache-control": "no-store" });
    expect(nonConformities({ method: "POST", path: "/v1/token", ...ok })).toEqual([]);
  });

  it("refuses an undeclared status", () => {
    const teapot = json(418, { error: "invalid_grant", error_description: "…" });
    expect(nonConformities({ method: "POST", path: "/v1/token", ...teapot })).toEqual([
      expect.stringContaining("status 418 is not declared"),
    ]);
  });

  it("refuses a body of the wrong shape and a code the operation does not declare", () => {
    const shape = json(200, { ...tokens, token_type: "mac" }, { "cache-control": "no-store" });
    expect(nonConformities({ method: "POST", path: "/v1/token", ...shape })).toEqual([
      expect.stringContaining("body/token_type"),
    ]);
    const code = json(404, { error: "no_run_waiting", error_description: "…" });
    expect(nonConformities({ method: "GET", path: "/v1/sign_ins/sia_x", ...code })).toEqual([
      expect.stringContaining("body/error must be equal to one of the allowed values"),
    ]);
  });

  it("refuses a missing required header and a body where none is declared", () => {
    const noStore = json(200, tokens);
    expect(nonConformities({ method: "POST", path: "/v1/token", ...noStore })).toEqual([
      "required header Cache-Control is missing",
    ]);
    const withBody = json(204, {}, { "x-delivery-id": `evt_${"a".repeat(22)}` });
    expect(
      nonConformities({ method: "POST", path: "/v1/email_verification_codes", ...withBody }),
    ).toEqual(["a body was sent where none is declared"]);
  });

  it("leaves alone what is not an operation of the API", () => {
    const page = json(200, [], {});
    expect(nonConformities({ method: "GET", path: "/_local/messages", ...page })).toEqual([]);
  });
});
