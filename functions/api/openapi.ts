/**
 * `GET /openapi.json`: the API's OpenAPI 3.1 description, as committed in `docs/openapi.json`
 * (`npm run openapi` writes it). The only handler that carries the document.
 */
import document from "../../docs/openapi.json" with { type: "json" };
import { apiHandler } from "./http.js";

export const handler = apiHandler({}, async () => ({ status: 200, body: document }));
