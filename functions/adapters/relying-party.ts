/**
 * The WebAuthn relying party's configuration, read and checked at cold start. A module of its
 * own so that the functions that only issue options or store passkeys read it without bundling
 * the verifier (`./webauthn.ts`) or the library it imports.
 */
import type { RelyingParty } from "../core/passkeys.js";
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
