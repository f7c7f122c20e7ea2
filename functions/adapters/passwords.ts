/**
 * argon2id through @node-rs/argon2: a prebuilt native binding (no node-gyp at install, 10–30 ms
 * per hash here) with OWASP's parameters for argon2id: m = 19 MiB, t = 2, p = 1.
 *
 * The binding is imported on first use, not with this module: a function that never hashes or
 * checks a password never loads it, and the ones that check passwords load it during their cold
 * start (`passwordCheckingHasher`).
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

let dummy: Promise<string> | undefined;

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
  // Made once per cold start, lazily: unknown users then cost one verify, like known ones.
  dummyHash: () => {
    dummy ??= argon2().then(({ hash }) =>
      hash(`no user has this password ${Math.random()}`, OPTIONS),
    );
    return dummy;
  },
};

/**
 * The hasher for functions that answer unknown users: the binding is loaded and the dummy hash
 * started during the cold start, so the first unknown username is not the one request that
 * pays for making it.
 */
export function passwordCheckingHasher(): PasswordHasher {
  void argon2Hasher.dummyHash();
  return argon2Hasher;
}
