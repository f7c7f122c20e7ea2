/**
 * `GET /api/2.0/settings/tfaapp/setup` (DocSpace): a pending authenticator-app enrollment —
 * the account label, the key to type by hand and the QR code as a PNG data URL. The only
 * handler that imports the QR encoder.
 */
import { composeAuthenticate, composeAuthenticatorAppSetupDeps } from "../adapters/compose.js";
import { resources } from "../adapters/config.js";
import { dynamoUserStore } from "../adapters/user-store.js";
import { setupAuthenticatorApp } from "../core/authenticator-app.js";
import { renderQrCodeDataUrl } from "../core/qr-code.js";
import { signedInUser } from "../core/users.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppSetupDeps();
const users = dynamoUserStore(resources.tableName());

export const handler = apiHandler(
  { authenticate: composeAuthenticate(), errorEnvelope: docspaceEnvelope },
  async ({ userId }) => {
    const user = await signedInUser(users, userId);
    const setup = await setupAuthenticatorApp(deps, user);
    return docspace({
      account: setup.account,
      manualEntryKey: setup.manualEntryKey,
      qrCodeSetupImageUrl: await renderQrCodeDataUrl(setup.keyUri),
    });
  },
);
