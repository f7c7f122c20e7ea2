/**
 * argon2id through @node-rs/argon2: a prebuilt native binding (no node-gyp at install, 10–30 ms
 * per hash here) with OWASP's parameters for argon2id: m = 19 MiB, t = 2, p = 1.
 *
 * The binding is imported on first use, not with this module: a function that never hashes or
 * checks a password never loads it, and one that does loads it with the first request that
 * needs it (a refresh grant at `/v1/token` never does).
 */
import type { PasswordHasher } from "../core/tokens.js";

// Algorithm.Argon2id is an ambient const enum, which isolated modules cannot read: its value.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

let binding: Promise<typeof import("@node-rs/argon2")> | undefined;

function argon2() {
  binding ??= import("@node-rs/argon2");
  return binding;
}

/**
 * What an unknown username's password is checked against, so that it costs one verify like a
 * known one: an argon2id hash with {@link OPTIONS}, of a random password nobody kept. A verify
 * costs what the parameters in the hash ask, so a fixed hash costs what a user's does, and no
 * cold start spends a hash (or loads the binding) to make one.
 */
const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$sn1lc/Ctkpq3jJzCSVyL5A$G8n++zT5BbIYi6WZ/L4tiMCMZ8HVF/uAcOWF9Y80fkk";

export const argon2Hasher: PasswordHasher = {
  hash: async (password) => (await argon2()).hash(password, OPTIONS),
  verify: async (passwordHash, password) => {
    const { verify } = await argon2();
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  },
  dummyHash: async () => DUMMY_HASH,
};
