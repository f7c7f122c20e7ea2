/** `GET /v1/user/passkeys`: the signed-in user's passkeys, oldest first. */
import { composePasskeyListDeps, composeSignedInUser } from "../adapters/compose.js";
import { listPasskeys } from "../core/passkeys.js";
import { apiHandler } from "./http.js";

const deps = composePasskeyListDeps();

export const handler = apiHandler({ authenticate: composeSignedInUser() }, async ({ user }) => ({
  status: 200,
  body: await listPasskeys(deps, user),
}));
