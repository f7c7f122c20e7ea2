/** `PATCH /v1/user/passkeys/{id}` `{name}`: renames one of the signed-in user's passkeys. */
import { composePasskeyListDeps, composeSignedInUser } from "../adapters/compose.js";
import { renamePasskey } from "../core/passkeys.js";
import { apiHandler } from "./http.js";
import { PasskeyRenameRequest } from "./schemas.js";

const deps = composePasskeyListDeps();

export const handler = apiHandler(
  { body: PasskeyRenameRequest, authenticate: composeSignedInUser() },
  async ({ body, user, pathParameters }) => ({
    status: 200,
    body: await renamePasskey(deps, user, pathParameters.id ?? "", body.name),
  }),
);
