/**
 * `GET /api/2.0/settings/tfaappcodes` (DocSpace): the backup codes as `[{isUsed, code}]`.
 * `code` is the code itself on the first read after the app was linked, null afterwards.
 */
import { composeAuthenticate, composeAuthenticatorAppSetupDeps } from "../adapters/compose.js";
import { resources } from "../adapters/config.js";
import { dynamoUserStore } from "../adapters/user-store.js";
import { listBackupCodes } from "../core/authenticator-app.js";
import { signedInUser } from "../core/users.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppSetupDeps();
const users = dynamoUserStore(resources.tableName());

export const handler = apiHandler(
  { authenticate: composeAuthenticate(), errorEnvelope: docspaceEnvelope },
  async ({ userId }) => {
    const user = await signedInUser(users, userId);
    return docspace(await listBackupCodes(deps, user));
  },
);
