/**
 * `POST /v1/user/passkeys` `{credential, name?}`: verifies the attestation against the user's
 * registration options and stores the passkey (201); passkeys are then a second factor, and
 * the user is told.
 */
import { composePasskeyDeps, composeSignedInUser } from "../adapters/compose.js";
import { simpleWebAuthnVerifier } from "../adapters/webauthn.js";
import { addPasskey } from "../core/passkeys.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";
import { PasskeyCreateRequest } from "./schemas.js";

const deps = composePasskeyDeps(simpleWebAuthnVerifier);

export const handler = apiHandler(
  { body: PasskeyCreateRequest, authenticate: composeSignedInUser() },
  async ({ body, user, sessionId, sourceIp, userAgent }) => {
    const passkey = await addPasskey(deps, user, {
      credential: body.credential,
      name: body.name,
      source: requestSource({ sourceIp, userAgent }),
      sessionId,
    });
    return { status: 201, body: passkey };
  },
);
