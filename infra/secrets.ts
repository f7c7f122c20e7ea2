/**
 * The service's keys, held as SST secrets: their values live encrypted in the stage's state
 * (set with `npx sst secret set <Name> <value> --stage <stage>`), never in this repository.
 * A linked function reads them as `Resource.<Name>.value`; SST writes them into the function's
 * encrypted resource file, not into its environment variables.
 */
import type { Linkable } from "./routes";

/** The secrets among the route table's linkables; each name is also the SST component name. */
const SECRET_NAMES = [
  "SigningKey",
  "CodeHashKey",
  "EncryptionKey",
  "AdminApiKey",
] as const satisfies readonly Linkable[];
type SecretName = (typeof SECRET_NAMES)[number];

/**
 * No placeholder: a stage whose secret is unset fails at deploy time with SST's
 * "Set a value for SigningKey with `sst secret set …`" instead of running with a guessable key.
 */
export const secrets: Record<SecretName, sst.Secret> = {
  SigningKey: new sst.Secret("SigningKey"),
  CodeHashKey: new sst.Secret("CodeHashKey"),
  EncryptionKey: new sst.Secret("EncryptionKey"),
  // The admin API's key (`X-Admin-Api-Key`), compared in constant time.
  AdminApiKey: new sst.Secret("AdminApiKey"),
};
