/**
 * The verifier of WebAuthn attestations and assertions, done by `@simplewebauthn/server`, for
 * the relying party of `./relying-party.ts`.
 *
 * The library is imported on first use, not with this module: a sign-in handler that never
 * sees a passkey response never evaluates it (its chunk is read on the first passkey), and
 * only the functions that verify passkey responses import this module at all.
 */
import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
  WebAuthnCredential,
} from "@simplewebauthn/server";
import type { WebAuthnVerifier } from "../core/passkeys.js";
import type { RelyingPartyConfig } from "./relying-party.js";

let library: Promise<typeof import("@simplewebauthn/server")> | undefined;

function simpleWebAuthn() {
  library ??= import("@simplewebauthn/server");
  return library;
}

/** The library's reason, bounded: it names what failed (origin, flags, signature), no secret. */
function refusal(error: unknown, fallback: string) {
  const message = error instanceof Error && error.message ? error.message : fallback;
  return { ok: false as const, message: message.slice(0, 300) };
}

export function simpleWebAuthnVerifier(config: RelyingPartyConfig): WebAuthnVerifier {
  const expectedOrigin = [...config.origins];
  return {
    async verifyRegistration({ response, expectedChallenge }) {
      const { verifyRegistrationResponse } = await simpleWebAuthn();
      try {
        const result = await verifyRegistrationResponse({
          response: response as RegistrationResponseJSON,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: config.id,
          requireUserPresence: true,
          requireUserVerification: true,
        });
        if (!result.verified) return refusal(null, "The attestation is not valid.");
        const info = result.registrationInfo;
        if (info.credential.id !== (response as RegistrationResponseJSON).id) {
          return refusal(null, "The credential id is not the attested credential's.");
        }
        return {
          ok: true,
          credential: {
            id: info.credential.id,
            publicKey: Buffer.from(info.credential.publicKey).toString("base64url"),
            signCount: info.credential.counter,
            transports: [
              ...(info.credential.transports ??
                (response as RegistrationResponseJSON).response.transports ??
                []),
            ],
            aaguid: info.aaguid,
            backupEligible: info.credentialDeviceType === "multiDevice",
            backedUp: info.credentialBackedUp,
          },
        };
      } catch (error) {
        return refusal(error, "The attestation is not valid.");
      }
    },

    async verifyAuthentication({ response, expectedChallenge, credential }) {
      const { verifyAuthenticationResponse } = await simpleWebAuthn();
      try {
        const result = await verifyAuthenticationResponse({
          response: response as AuthenticationResponseJSON,
          expectedChallenge,
          expectedOrigin,
          expectedRPID: config.id,
          credential: {
            id: credential.id,
            publicKey: new Uint8Array(Buffer.from(credential.publicKey, "base64url")),
            // Core compares sign counts (a clone is its rule): the library only reads the new one.
            counter: 0,
            transports: credential.transports as WebAuthnCredential["transports"],
          },
          requireUserVerification: true,
        });
        if (!result.verified) return refusal(null, "The signature is not valid.");
        return {
          ok: true,
          signCount: result.authenticationInfo.newCounter,
          backedUp: result.authenticationInfo.credentialBackedUp,
        };
      } catch (error) {
        return refusal(error, "The assertion is not valid.");
      }
    },
  };
}
