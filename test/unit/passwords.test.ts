/**
 * The argon2id hasher: an unknown username is checked against a fixed hash made with the same
 * parameters as every user's, so its verify costs the same.
 */
import { describe, expect, it } from "vitest";
import { argon2Hasher } from "../../functions/adapters/passwords.js";

/** `$argon2id$v=19$m=…,t=…,p=…`: what a verify's cost depends on. */
const parameters = (hash: string) => hash.split("$").slice(1, 4).join("$");

describe("argon2Hasher", () => {
  it("checks unknown users against a hash of the parameters it hashes with", async () => {
    const dummy = await argon2Hasher.dummyHash();
    const fresh = await argon2Hasher.hash("correct horse battery staple");
    expect(parameters(dummy)).toBe(parameters(fresh));
    expect(parameters(fresh)).toBe("argon2id$v=19$m=19456,t=2,p=1");
  });

  it("matches no password with the dummy hash, and the right one with a user's", async () => {
    const fresh = await argon2Hasher.hash("correct horse battery staple");
    expect(await argon2Hasher.verify(fresh, "correct horse battery staple")).toBe(true);
    expect(await argon2Hasher.verify(fresh, "wrong")).toBe(false);
    expect(await argon2Hasher.verify(await argon2Hasher.dummyHash(), "")).toBe(false);
    expect(await argon2Hasher.verify("not a hash", "x")).toBe(false);
  });
});
