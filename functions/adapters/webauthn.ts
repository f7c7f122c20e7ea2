/**
 * The WebAuthn relying party: its configuration, read and checked at cold start, and the
 * verifier of attestations and assertions, done by `@simplewebauthn/server`.
 *
 * The library is imported on first use, not with this module: a sign-in handler that never
 * sees a passkey response never evaluates it, and a function that does not verify passkeys
 * does not reach this import at all (the bundler leaves it out).
 */
import type {
  AuthenticationResponseJSON,
  RegistrationResponseJSON,
  WebAuthnCredential,
} from "@simplewebauthn/server";
import type { RelyingParty, WebAuthnVerifier } from "../core/passkeys.js";
import { ConfigError, stringFromEnv } from "./config.js";

export interface RelyingPartyConfig extends RelyingParty {
  /** The origins a ceremony may come from (`https://app.example.com`, `http://localhost:3000`). */
  origins: readonly string[];
}

const DOMAIN =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * `WEBAUTHN_RP_ID` (a domain: passkeys are bound to it), `WEBAUTHN_RP_NAME` (shown by the
 * authenticator) and `WEBAUTHN_ORIGINS` (comma-separated; each on the RP ID or a subdomain of
 * it, `https` except on `localhost`). Defaults serve `npm start`: `localhost` and
 * `http://localhost:3000`. Anything else wrong fails the cold start.
 */
export function readRelyingParty(): RelyingPartyConfig {
  const id = stringFromEnv("WEBAUTHN_RP_ID", "localhost").trim().toLowerCase();
  if (!DOMAIN.test(id) || IPV4.test(id)) {
    throw new ConfigError(`WEBAUTHN_RP_ID must be a domain name (not an IP address), got "${id}"`);
  }
  const name = stringFromEnv("WEBAUTHN_RP_NAME", stringFromEnv("SERVICE_NAME", "Twofa")).trim();
  if (name === "" || name.length > 64) {
    throw new ConfigError("WEBAUTHN_RP_NAME must have 1 to 64 characters");
  }
  const origins = stringFromEnv("WEBAUTHN_ORIGINS", "http://localhost:3000")
    .split(",")
    .map((origin) => origin.trim())
    .filter((origin) => origin !== "");
  if (origins.length === 0) throw new ConfigError("WEBAUTHN_ORIGINS must list an origin");
  for (const origin of origins) checkOrigin(origin, id);
  return { id, name, origins };
}

function checkOrigin(origin: string, rpId: string): void {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new ConfigError(`WEBAUTHN_ORIGINS: "${origin}" is not a URL`);
  }
  if (url.origin !== origin) {
    throw new ConfigError(`WEBAUTHN_ORIGINS: "${origin}" must be an origin (${url.origin})`);
  }
  const host = url.hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`)) {
    throw new ConfigError(`WEBAUTHN_ORIGINS: "${origin}" is not on WEBAUTHN_RP_ID ${rpId}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && host === "localhost")) {
    throw new ConfigError(`WEBAUTHN_ORIGINS: "${origin}" must use https (http on localhost only)`);
  }
}

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
