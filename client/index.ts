/**
 * A typed client of the API: `openapi-fetch` over the types `openapi-typescript` generates from
 * `docs/openapi.json` (`npm run openapi`). Paths, bodies and answers are checked by the
 * TypeScript compiler, so a change to the API that breaks callers breaks their build.
 */
import createFetchClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema.js";

export type { components, Middleware, operations, paths };
export type TwoFaClient = Client<paths>;
export type Schemas = components["schemas"];

export interface TwoFaClientOptions {
  /** Where the API is: `http://127.0.0.1:3000` for `npm start`. */
  readonly baseUrl: string;
  /** An access token from `/v1/token` or a completed sign-in, sent as `Bearer`. */
  readonly accessToken?: string;
  /** Runs around every request, in order (logging, retries, checks). */
  readonly middleware?: readonly Middleware[];
  readonly fetch?: typeof globalThis.fetch;
}

export function createTwoFaClient(options: TwoFaClientOptions): TwoFaClient {
  const client = createFetchClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.accessToken ? { headers: { authorization: `Bearer ${options.accessToken}` } } : {}),
  });
  for (const middleware of options.middleware ?? []) client.use(middleware);
  return client;
}
