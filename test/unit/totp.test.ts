import { describe, expect, it } from "vitest";
import { renderQrCodeDataUrl } from "../../functions/core/qr-code.js";
import {
  createTotpKeyUri,
  createTotpSecret,
  formatManualEntryKey,
  isWellFormedOtp,
  TOTP_PERIOD_SECONDS,
  TOTP_SECRET_BYTES,
  totpStepAt,
  verifyTotp,
} from "../../functions/core/totp.js";

/** RFC 6238 Appendix B / RFC 4226 Appendix D seed: the ASCII bytes of "12345678901234567890". */
const RFC_SEED_ASCII = "12345678901234567890";
const RFC_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** RFC 6238 Appendix B, SHA-1 rows: the 8-digit values' last six digits are the 6-digit codes. */
const RFC6238_SHA1_VECTORS = [
  { epochSeconds: 59, eightDigits: "94287082", code: "287082" },
  { epochSeconds: 1111111109, eightDigits: "07081804", code: "081804" },
  { epochSeconds: 1111111111, eightDigits: "14050471", code: "050471" },
  { epochSeconds: 1234567890, eightDigits: "89005924", code: "005924" },
  { epochSeconds: 2000000000, eightDigits: "69279037", code: "279037" },
  { epochSeconds: 20000000000, eightDigits: "65353130", code: "353130" },
] as const;

/** RFC 4226 Appendix D: HOTP values for counters 0–9. */
const RFC4226_HOTP_VALUES = [
  "755224",
  "287082",
  "359152",
  "969429",
  "338314",
  "254676",
  "287922",
  "162583",
  "399871",
  "520489",
] as const;

const seedBytes = new TextEncoder().encode(RFC_SEED_ASCII);

function verifyRfcCode(code: unknown, nowEpochSeconds: number, lastUsedStep: number | null = null) {
  return verifyTotp({ secretBase32: RFC_SECRET_BASE32, code, nowEpochSeconds, lastUsedStep });
}

describe("RFC 6238 Appendix B (SHA-1, 30 s, last six digits)", () => {
  it("the vectors' 6-digit codes are the last six digits of the 8-digit values", () => {
    for (const vector of RFC6238_SHA1_VECTORS) {
      expect(vector.code).toBe(vector.eightDigits.slice(-6));
    }
  });

  it.each(RFC6238_SHA1_VECTORS)(
    "accepts the RFC 6238 code at its own step and at ±1 step (t = $epochSeconds)",
    async ({ epochSeconds, code }) => {
      const step = totpStepAt(epochSeconds);
      for (const offsetSeconds of [0, -TOTP_PERIOD_SECONDS, TOTP_PERIOD_SECONDS]) {
        const nowEpochSeconds = epochSeconds + offsetSeconds;
        await expect(verifyRfcCode(code, nowEpochSeconds)).resolves.toEqual({ ok: true, step });
      }
    },
  );

  it.each(RFC6238_SHA1_VECTORS)(
    "refuses it at ±2 steps (t = $epochSeconds)",
    async ({ epochSeconds, code }) => {
      const offsets = [2 * TOTP_PERIOD_SECONDS, -2 * TOTP_PERIOD_SECONDS].filter(
        (offset) => epochSeconds + offset >= 0,
      );
      for (const offsetSeconds of offsets) {
        await expect(verifyRfcCode(code, epochSeconds + offsetSeconds)).resolves.toEqual({
          ok: false,
          reason: "invalid",
        });
      }
    },
  );

  it("refuses a well-formed wrong code as invalid", async () => {
    await expect(verifyRfcCode("000000", 59)).resolves.toEqual({ ok: false, reason: "invalid" });
  });
});

describe("RFC 4226 Appendix D (HOTP, via the TOTP step = counter)", () => {
  it.each(RFC4226_HOTP_VALUES.map((code, counter) => ({ code, counter })))(
    "accepts HOTP value $code at step $counter",
    async ({ code, counter }) => {
      await expect(verifyRfcCode(code, counter * TOTP_PERIOD_SECONDS)).resolves.toEqual({
        ok: true,
        step: counter,
      });
    },
  );
});

describe("replay guard", () => {
  it("a code accepted once is refused on its second use, and so is any earlier step", async () => {
    // 1111111109 and 1111111111 fall in adjacent steps 37037036 and 37037037.
    const now = 1111111111;
    const earlier = await verifyRfcCode("081804", now);
    expect(earlier).toEqual({ ok: true, step: 37037036 });

    await expect(verifyRfcCode("081804", now, 37037036)).resolves.toEqual({
      ok: false,
      reason: "replayed",
    });

    const later = await verifyRfcCode("050471", now, 37037036);
    expect(later).toEqual({ ok: true, step: 37037037 });

    await expect(verifyRfcCode("050471", now, 37037037)).resolves.toEqual({
      ok: false,
      reason: "replayed",
    });
    await expect(verifyRfcCode("081804", now, 37037037)).resolves.toEqual({
      ok: false,
      reason: "replayed",
    });
  });

  it("a wrong code after a used step is invalid, not replayed", async () => {
    await expect(verifyRfcCode("000000", 1111111111, 37037036)).resolves.toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("a stored step beyond the window (clock ran back) refuses every code without throwing", async () => {
    const beyondWindow = totpStepAt(1111111111) + 5;
    await expect(verifyRfcCode("050471", 1111111111, beyondWindow)).resolves.toEqual({
      ok: false,
      reason: "replayed",
    });
    await expect(verifyRfcCode("000000", 1111111111, beyondWindow)).resolves.toEqual({
      ok: false,
      reason: "invalid",
    });
  });

  it("refuses a lastUsedStep that is not a non-negative integer", async () => {
    await expect(verifyRfcCode("050471", 1111111111, -1)).rejects.toThrow(RangeError);
    await expect(verifyRfcCode("050471", 1111111111, 1.5)).rejects.toThrow(RangeError);
  });
});

describe("malformed codes", () => {
  const malformed: Array<[string, unknown]> = [
    ["a leading space", " 287082"],
    ["a trailing space", "287082 "],
    ["an inner space", "287 082"],
    ["full-width digits", "２８７０８２"],
    ["Arabic-Indic digits", "٢٨٧٠٨٢"],
    ["5 digits", "28708"],
    ["7 digits", "2870820"],
    ["a leading +", "+87082"],
    ["a letter", "28708a"],
    ["the empty string", ""],
    ["a number", 287082],
    ["null", null],
    ["undefined", undefined],
  ];

  it.each(malformed)("malformed codes are refused without evaluation: %s", async (_label, code) => {
    expect(isWellFormedOtp(code)).toBe(false);
    // A secret that otplib could not decode proves the code was refused before evaluation.
    await expect(
      verifyTotp({ secretBase32: "not base32!", code, nowEpochSeconds: 59, lastUsedStep: null }),
    ).resolves.toEqual({ ok: false, reason: "malformed" });
  });

  it("accepts exactly six ASCII digits as well formed, leading zeros included", () => {
    expect(isWellFormedOtp("005924")).toBe(true);
    expect(isWellFormedOtp("94287082", 8)).toBe(true);
  });
});

describe("setup", () => {
  it("the secret is 160 bits of the injected randomness in base32", () => {
    const requested: number[] = [];
    const secret = createTotpSecret((n) => {
      requested.push(n);
      return seedBytes;
    });
    expect(requested).toEqual([20]);
    expect(TOTP_SECRET_BYTES * 8).toBe(160);
    expect(secret).toBe(RFC_SECRET_BASE32);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it("refuses randomness of the wrong length", () => {
    expect(() => createTotpSecret(() => new Uint8Array(16))).toThrow(RangeError);
  });

  it("the key URI carries issuer, account, SHA1, 6 digits, 30 s", () => {
    const uri = createTotpKeyUri({
      secretBase32: RFC_SECRET_BASE32,
      issuer: "Acme Co",
      accountName: "ana@example.com",
    });
    expect(uri).toBe(
      "otpauth://totp/Acme%20Co:ana%40example.com" +
        `?secret=${RFC_SECRET_BASE32}&issuer=Acme%20Co&algorithm=SHA1&digits=6&period=30`,
    );

    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.host).toBe("totp");
    expect(decodeURIComponent(parsed.pathname)).toBe("/Acme Co:ana@example.com");
    expect(Object.fromEntries(parsed.searchParams)).toEqual({
      secret: RFC_SECRET_BASE32,
      issuer: "Acme Co",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });

  it("the key URI percent-encodes a colon in the account so only the separator is literal", () => {
    const uri = createTotpKeyUri({
      secretBase32: RFC_SECRET_BASE32,
      issuer: "Acme",
      accountName: "a:b/c?d",
    });
    expect(uri.startsWith("otpauth://totp/Acme:a%3Ab%2Fc%3Fd?")).toBe(true);
    expect(() =>
      createTotpKeyUri({ secretBase32: RFC_SECRET_BASE32, issuer: "A:B", accountName: "x" }),
    ).toThrow(RangeError);
  });

  it("the manual key is grouped by four", () => {
    expect(formatManualEntryKey(RFC_SECRET_BASE32)).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    expect(formatManualEntryKey("abcdefghij")).toBe("ABCD EFGH IJ");
  });

  it("the QR code is a PNG data URL that decodes to a PNG signature", async () => {
    const uri = createTotpKeyUri({
      secretBase32: RFC_SECRET_BASE32,
      issuer: "Acme",
      accountName: "ana@example.com",
    });
    const dataUrl = await renderQrCodeDataUrl(uri);
    const prefix = "data:image/png;base64,";
    expect(dataUrl.startsWith(prefix)).toBe(true);
    const png = Buffer.from(dataUrl.slice(prefix.length), "base64");
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});

describe("totpStepAt", () => {
  it("counts 30-second steps from the Unix epoch", () => {
    expect(totpStepAt(0)).toBe(0);
    expect(totpStepAt(29.999)).toBe(0);
    expect(totpStepAt(30)).toBe(1);
    expect(totpStepAt(1111111109)).toBe(37037036);
  });

  it("refuses a negative or non-finite time", () => {
    expect(() => totpStepAt(-1)).toThrow(RangeError);
    expect(() => totpStepAt(Number.NaN)).toThrow(RangeError);
  });
});
