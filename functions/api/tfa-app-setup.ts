/**
 * `GET /api/2.0/settings/tfaapp/setup` (DocSpace): a pending authenticator-app enrollment —
 * the account label, the key to type by hand and the QR code as a PNG data URL. The only
 * handler that imports the QR encoder.
 */
import { composeAuthenticatorAppSetupDeps, composeSignedInUser } from "../adapters/compose.js";
import { setupAuthenticatorApp } from "../core/authenticator-app.js";
import { renderQrCodeDataUrl } from "../core/qr-code.js";
import { apiHandler, docspace, docspaceEnvelope } from "./http.js";

const deps = composeAuthenticatorAppSetupDeps();
export const handler = apiHandler(
  { authenticate: composeSignedInUser({ enrollment: true }), errorEnvelope: docspaceEnvelope },
  async ({ user }) => {
    const setup = await setupAuthenticatorApp(deps, user);
    return docspace({
      account: setup.account,
      manualEntryKey: setup.manualEntryKey,
      qrCodeSetupImageUrl: await renderQrCodeDataUrl(setup.keyUri),
    });
  },
);
