/**
 * `GET /api/2.0/settings/tfaappcodes` (DocSpace): the backup codes as `[{isUsed, code}]`.
 * `code` is the code itself on the first read after the app was linked, null afterwards.
 */
import { composeAuthenticatorAppSetupDeps, composeSignedInUser } from "../adapters/compose.js";
import { listBackupCodes } from "../core/authenticator-app.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppSetupDeps();
export const handler = apiHandler(
  { authenticate: composeSignedInUser(), errorEnvelope: docspaceEnvelope },
  async ({ user }) => docspace(await listBackupCodes(deps, user)),
);
