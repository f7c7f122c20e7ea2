import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  BACKUP_CODE_COUNT,
  constantTimeEqual,
  generateBackupCodes,
  hashBackupCode,
  normalizeBackupCode,
} from "../../functions/core/backup-codes.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);

/** An independent decoder, to show a code carries exactly the injected bits. */
function decodeCrockford(code: string): Uint8Array {
  let buffer = 0n;
  let bits = 0;
  for (const char of code.replaceAll("-", "")) {
    buffer = (buffer << 5n) | BigInt(CROCKFORD.indexOf(char));
    bits += 5;
  }
  const bytes = new Uint8Array(bits / 8);
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(buffer & 0xffn);
    buffer >>= 8n;
  }
  return bytes;
}

function sequentialRandomness() {
  const drawn: Uint8Array[] = [];
  let counter = 0;
  const source = (n: number) => {
    const bytes = new Uint8Array(n).map((_, i) => (counter * 37 + i * 101 + 13) & 0xff);
    counter++;
    drawn.push(bytes);
    return bytes;
  };
  return { source, drawn };
}

describe("generateBackupCodes", () => {
  it("makes 10 distinct codes of at least 64 bits", () => {
    const codes = generateBackupCodes(randomBytes);
    expect(codes).toHaveLength(BACKUP_CODE_COUNT);
    expect(BACKUP_CODE_COUNT).toBe(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      // 16 symbols of a 32-symbol alphabet: 80 bits.
      expect(code.replaceAll("-", "").length * Math.log2(CROCKFORD.length)).toBeGreaterThanOrEqual(
        64,
      );
    }
  });

  it("each code is 80 bits of the injected randomness", () => {
    const { source, drawn } = sequentialRandomness();
    const codes = generateBackupCodes(source);
    expect(drawn).toHaveLength(10);
    codes.forEach((code, i) => {
      expect(drawn[i]).toHaveLength(10);
      expect(decodeCrockford(code)).toEqual(drawn[i]);
    });
  });

  it("encodes the extremes of the alphabet", () => {
    const fills = [0x00, 0xff, 1, 2, 3, 4, 5, 6, 7, 8];
    let call = 0;
    const codes = generateBackupCodes((n) => new Uint8Array(n).fill(fills[call++] ?? 0));
    expect(codes[0]).toBe("0000-0000-0000-0000");
    expect(codes[1]).toBe("ZZZZ-ZZZZ-ZZZZ-ZZZZ");
  });

  it("redraws a repeated code, and gives up on a source that always repeats", () => {
    let calls = 0;
    const repeatsOnce = (n: number) => new Uint8Array(n).fill(calls++ === 1 ? 0 : calls);
    expect(new Set(generateBackupCodes(repeatsOnce)).size).toBe(10);
    expect(() => generateBackupCodes((n) => new Uint8Array(n))).toThrow();
  });
});

describe("normalizeBackupCode", () => {
  const canonical = "7KQ2-M9XD-4HRT-B0WZ";

  it.each([
    ["the canonical form", "7KQ2-M9XD-4HRT-B0WZ"],
    ["lower case", "7kq2-m9xd-4hrt-b0wz"],
    ["no separators", "7KQ2M9XD4HRTB0WZ"],
    ["spaces", "7KQ2 M9XD 4HRT B0WZ"],
    ["surrounding spaces and a tab", "  7KQ2\tM9XD-4HRT B0WZ "],
    ["a letter O for zero", "7KQ2-M9XD-4HRT-BOWZ"],
  ])("accepts the user's typing: %s", (_label, typed) => {
    expect(normalizeBackupCode(typed)).toBe(canonical);
  });

  it("reads I and L as 1, as Crockford specifies", () => {
    expect(normalizeBackupCode("iL11-0000-0000-0000")).toBe("1111-0000-0000-0000");
  });

  it.each([
    ["too short", "7KQ2-M9XD-4HRT-B0W"],
    ["too long", "7KQ2-M9XD-4HRT-B0WZ1"],
    ["the excluded letter U", "7KQ2-M9XD-4HRT-B0WU"],
    ["punctuation", "7KQ2_M9XD_4HRT_B0WZ"],
    ["a newline inside", "7KQ2\nM9XD4HRTB0WZ"],
    ["full-width characters", "７KQ2-M9XD-4HRT-B0WZ"],
    ["a TOTP code", "287082"],
    ["the empty string", ""],
    ["a very long string", `${"-".repeat(100)}7KQ2M9XD4HRTB0WZ`],
    ["a number", 1234567890123456],
    ["null", null],
    ["an object", { code: "7KQ2-M9XD-4HRT-B0WZ" }],
  ])("rejects garbage: %s", (_label, input) => {
    expect(normalizeBackupCode(input)).toBeNull();
  });

  it("leaves generated codes unchanged", () => {
    for (const code of generateBackupCodes(randomBytes)) {
      expect(normalizeBackupCode(code)).toBe(code);
    }
  });
});

describe("hashBackupCode", () => {
  const [first, second] = generateBackupCodes(randomBytes) as [string, string];

  it("is a 256-bit base64url digest that does not contain the code", () => {
    const hash = hashBackupCode(first, KEY);
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(first.replaceAll("-", ""));
  });

  it("the hash depends on the key", () => {
    expect(hashBackupCode(first, KEY)).not.toBe(hashBackupCode(first, OTHER_KEY));
  });

  it("hashes of different codes differ", () => {
    expect(hashBackupCode(first, KEY)).not.toBe(hashBackupCode(second, KEY));
  });

  it("hashes every typing of a code alike", () => {
    const typed = first.toLowerCase().replaceAll("-", " ");
    expect(hashBackupCode(typed, KEY)).toBe(hashBackupCode(first, KEY));
  });

  it("refuses a short key and a string that is not a code", () => {
    expect(() => hashBackupCode(first, new Uint8Array(16))).toThrow(RangeError);
    expect(() => hashBackupCode("not a code", KEY)).toThrow(RangeError);
  });
});

describe("constantTimeEqual", () => {
  it("constant-time compare works", () => {
    const hash = hashBackupCode("7KQ2-M9XD-4HRT-B0WZ", KEY);
    expect(constantTimeEqual(hash, hashBackupCode("7kq2m9xd4hrtb0wz", KEY))).toBe(true);
    expect(constantTimeEqual(hash, hashBackupCode("7KQ2-M9XD-4HRT-B0WY", KEY))).toBe(false);
    expect(constantTimeEqual(hash, hash.slice(1))).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("é", "e\u0301")).toBe(false);
  });
});
