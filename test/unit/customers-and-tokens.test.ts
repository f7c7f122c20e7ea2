import { describe, expect, it } from "vitest";
import {
  requestEmailVerificationCode,
  requestPhoneVerificationCode,
} from "../../functions/core/contact-verification.js";
import { open } from "../../functions/core/crypto.js";
import {
  type AccountSettings,
  registerCustomer,
  updateUser,
} from "../../functions/core/customers.js";
import {
  DEFAULT_CODE_POLICY,
  DEFAULT_LOCKOUT_POLICY,
  DEFAULT_PASSWORD_POLICY,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  DEFAULT_REGISTRATION_POLICY,
} from "../../functions/core/policy.js";
import type { SecondFactorDeps } from "../../functions/core/second-factor.js";
import { passwordGrant, refreshGrant, type TokenDeps } from "../../functions/core/tokens.js";
import {
  FakeClock,
  fakeSigner,
  MemoryAttemptGuard,
  MemoryCodeStore,
  MemoryEvents,
  MemoryRateLimiter,
  MemoryRefreshTokens,
  MemoryUserStore,
  memoryDevices,
  plainPasswords,
  SeededRandom,
} from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PASSWORD = "long enough password";
/** The address most registrations here come from; the registration limit has its own test. */
const LAN = "192.0.2.1";

/** The plain test hasher, counting every hash and every check it makes. */
function countingPasswords() {
  let hashes = 0;
  return {
    passwords: {
      ...plainPasswords,
      hash: async (password: string) => {
        hashes++;
        return plainPasswords.hash(password);
      },
      verify: async (hash: string, password: string) => {
        hashes++;
        return plainPasswords.verify(hash, password);
      },
    },
    hashes: () => hashes,
  };
}

function world(settings: AccountSettings = { defaultAuthMethod: "simple", requireTfa: false }) {
  const clock = new FakeClock();
  const random = new SeededRandom(11);
  const codeStore = new MemoryCodeStore();
  const events = new MemoryEvents();
  const codes = {
    clock,
    random,
    store: codeStore,
    limiter: new MemoryRateLimiter(),
    events,
    policy: { ...DEFAULT_CODE_POLICY, resendCooldownSeconds: 1 },
    codeHashKey: new Uint8Array(32).fill(5),
    encryptionKey: new Uint8Array(32).fill(6),
  };
  const secondFactor: SecondFactorDeps = {
    clock,
    random,
    guard: new MemoryAttemptGuard(),
    lockout: DEFAULT_LOCKOUT_POLICY,
    events,
    codes,
  };
  const users = new MemoryUserStore(codeStore);
  users.outbox = events; // events saved with a change, as the adapter saves them
  const refreshTokens = new MemoryRefreshTokens();
  const devices = memoryDevices();
  const passwordLimiter = new MemoryRateLimiter();
  const tokens: TokenDeps = {
    limiter: passwordLimiter,
    passwordPolicy: DEFAULT_PASSWORD_POLICY,
    clock,
    random,
    users,
    passwords: plainPasswords,
    signer: fakeSigner,
    refreshTokens,
    hashKey: new Uint8Array(32).fill(7),
    refreshTokenLifetime: DEFAULT_REFRESH_TOKEN_LIFETIME,
    events,
    secondFactor,
    requireTfa: settings.requireTfa,
    devices,
  };
  const customers = {
    users,
    passwords: plainPasswords,
    secondFactor,
    settings,
    registrationPolicy: { ...DEFAULT_REGISTRATION_POLICY, maxPerIp: 1000 },
    sessions: { clock, random, events, refreshTokens, devices },
  };
  const lastCode = () => {
    const event = events.published.at(-1);
    if (!event?.sealedCode) throw new Error("no code sent");
    return open(codes.encryptionKey, event.sealedCode, event.id);
  };
  const verifiedPhone = async (phoneNumber: string) => {
    await requestPhoneVerificationCode(codes, { phoneNumber, locale: "en" });
    return lastCode();
  };
  const verifiedEmail = async (email: string) => {
    await requestEmailVerificationCode(codes, { email, locale: "en" });
    return lastCode();
  };
  return {
    clock,
    events,
    users,
    refreshTokens,
    tokens,
    customers,
    lastCode,
    verifiedPhone,
    verifiedEmail,
  };
}

describe("registration (core)", () => {
  it("refuses a customer without TFA when the account requires it", async () => {
    const w = world({ defaultAuthMethod: "tfa_sms", requireTfa: true });
    const error = await refusal(
      registerCustomer(w.customers, {
        sourceIp: LAN,
        username: "joe",
        password: PASSWORD,
        authMethod: "simple",
        locale: "en",
      }),
    );
    expect(error.code).toBe("tfa_required");
    expect(error.options.field).toBe("authMethod");
  });

  it("gives new customers the account's default method", async () => {
    const w = world({ defaultAuthMethod: "tfa_sms", requireTfa: false });
    const code = await w.verifiedPhone("+33612345678");
    const user = await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "ann",
      password: PASSWORD,
      phoneNumber: "+33612345678",
      phoneVerificationCode: code,
      locale: "en",
    });
    expect(user.authMethod).toBe("tfa_sms");
  });

  it("needs the phone's verification code for tfa_sms, and consumes it", async () => {
    const w = world();
    expect(
      (
        await refusal(
          registerCustomer(w.customers, {
            sourceIp: LAN,
            username: "bob",
            password: PASSWORD,
            authMethod: "tfa_sms",
            locale: "en",
          }),
        )
      ).options.field,
    ).toBe("phoneNumber");
    const code = await w.verifiedPhone("+33612345670");
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "bob",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345670",
      phoneVerificationCode: code,
      locale: "en",
    });
    const again = await refusal(
      registerCustomer(w.customers, {
        sourceIp: LAN,
        username: "bob2",
        password: PASSWORD,
        authMethod: "tfa_sms",
        phoneNumber: "+33612345670",
        phoneVerificationCode: code,
        locale: "en",
      }),
    );
    expect(again.code).toBe("invalid_verification_code");
  });

  it("bounds guesses at a phone's verification code across new codes", async () => {
    const w = world();
    const phone = "+33612345675";
    let lastError = "";
    for (let round = 0; round < 3 && lastError !== "too_many_attempts"; round++) {
      w.clock.advanceSeconds(2);
      const code = await w.verifiedPhone(phone);
      const wrong = code === "000000" ? "111111" : "000000";
      for (let i = 0; i < 5; i++) {
        const error = await refusal(
          registerCustomer(w.customers, {
            sourceIp: LAN,
            username: `guess${round}${i}`,
            password: PASSWORD,
            phoneNumber: phone,
            phoneVerificationCode: wrong,
            locale: "en",
          }),
        );
        lastError = error.code;
        if (lastError === "too_many_attempts" && round === 2) break;
      }
    }
    const code = w.lastCode();
    const error = await refusal(
      registerCustomer(w.customers, {
        sourceIp: LAN,
        username: "guessright",
        password: PASSWORD,
        phoneNumber: phone,
        phoneVerificationCode: code,
        locale: "en",
      }),
    );
    expect(error.code).toBe("too_many_attempts");
    expect(error.options.field).toBe("phoneVerificationCode");
  });

  it("150 registrations from one address: refused past the per-IP limit before any hash", async () => {
    const w = world();
    const counting = countingPasswords();
    const deps = {
      ...w.customers,
      passwords: counting.passwords,
      registrationPolicy: DEFAULT_REGISTRATION_POLICY,
    };
    const ip = "198.51.100.150";
    const limit = DEFAULT_REGISTRATION_POLICY.maxPerIp;
    const outcomes: string[] = [];
    for (let i = 0; i < 150; i++) {
      const attempt = registerCustomer(deps, {
        username: `bulk${i}`,
        password: PASSWORD,
        locale: "en",
        sourceIp: ip,
      });
      outcomes.push(
        await attempt.then(
          () => "created",
          (e: { code: string }) => e.code,
        ),
      );
    }
    expect(outcomes.filter((o) => o === "created")).toHaveLength(limit);
    expect(outcomes.slice(limit)).toEqual(Array(150 - limit).fill("too_many_requests"));
    expect(counting.hashes()).toBe(limit);
    // An existing username is rate-limited like the rest: past the limit, not `username_taken`.
    const taken = await refusal(
      registerCustomer(deps, { username: "bulk0", password: PASSWORD, locale: "en", sourceIp: ip }),
    );
    expect(taken.code).toBe("too_many_requests");
    expect(taken.options.retryAfterSeconds).toBeGreaterThan(0);
    // Another address still registers, and still learns that a username is taken.
    const elsewhere = { password: PASSWORD, locale: "en", sourceIp: "192.0.2.44" } as const;
    expect((await registerCustomer(deps, { ...elsewhere, username: "newcomer" })).username).toBe(
      "newcomer",
    );
    expect((await refusal(registerCustomer(deps, { ...elsewhere, username: "bulk0" }))).code).toBe(
      "username_taken",
    );
    w.clock.advanceSeconds(DEFAULT_REGISTRATION_POLICY.windowSeconds);
    const later = { username: "later", password: PASSWORD, locale: "en", sourceIp: ip } as const;
    expect((await registerCustomer(deps, later)).username).toBe("later");
  });

  it("stores a password hash, never the password", async () => {
    const w = world();
    const user = await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "cat",
      password: PASSWORD,
      locale: "en",
    });
    expect(JSON.stringify(user)).not.toContain(`"${PASSWORD}"`);
    expect(user.passwordHash).not.toBe(PASSWORD);
  });

  it("refuses short passwords and odd usernames with their field", async () => {
    const w = world();
    expect(
      (
        await refusal(
          registerCustomer(w.customers, {
            sourceIp: LAN,
            username: "dan",
            password: "short",
            locale: "en",
          }),
        )
      ).options.field,
    ).toBe("password");
    expect(
      (
        await refusal(
          registerCustomer(w.customers, {
            sourceIp: LAN,
            username: "a b",
            password: PASSWORD,
            locale: "en",
          }),
        )
      ).options.field,
    ).toBe("username");
  });
});

describe("token grants (core)", () => {
  it("issues a TFA user's tokens only with the login code, which serves once", async () => {
    const w = world();
    const code = await w.verifiedPhone("+33612345671");
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "eve",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345671",
      phoneVerificationCode: code,
      locale: "en",
    });
    w.clock.advanceSeconds(2);
    const required = await refusal(
      passwordGrant(w.tokens, { username: "eve", password: PASSWORD, locale: "en" }),
    );
    expect(required.code).toBe("otp_required");
    expect(required.options.extra).toMatchObject({
      auth_method: "tfa_sms",
      otp_destination: "+*******5671",
    });
    const otp = w.lastCode();
    expect(w.events.published.at(-1)?.type).toBe("user.tfa_code.created");
    const tokens = await passwordGrant(w.tokens, {
      username: "eve",
      password: PASSWORD,
      otp,
      locale: "en",
    });
    expect(tokens).toMatchObject({
      token_type: "bearer",
      expires_in: 900,
      access_token: expect.stringMatching(/^at\./),
    });
    expect(
      (
        await refusal(
          passwordGrant(w.tokens, { username: "eve", password: PASSWORD, otp, locale: "en" }),
        )
      ).code,
    ).toBe("invalid_otp");
  });

  it("a login right after a successful one gets a new code: a consumed code leaves no cooldown", async () => {
    const w = world();
    w.tokens.secondFactor.codes.policy = { ...DEFAULT_CODE_POLICY, resendCooldownSeconds: 30 };
    const code = await w.verifiedPhone("+33612345672");
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "ivy",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345672",
      phoneVerificationCode: code,
      locale: "en",
    });
    const login = { username: "ivy", password: PASSWORD, locale: "en" } as const;
    w.clock.advanceSeconds(31);
    expect((await refusal(passwordGrant(w.tokens, login))).code).toBe("otp_required");
    const first = w.lastCode();
    expect((await passwordGrant(w.tokens, { ...login, otp: first })).token_type).toBe("bearer");
    // A connector run started a few seconds later logs in again: a new code must arrive.
    w.clock.advanceSeconds(3);
    const sentBefore = w.events.published.length;
    expect((await refusal(passwordGrant(w.tokens, login))).code).toBe("otp_required");
    expect(w.events.published.length).toBe(sentBefore + 1);
    expect(w.events.published.at(-1)?.type).toBe("user.tfa_code.created");
    const second = w.lastCode();
    expect((await passwordGrant(w.tokens, { ...login, otp: second })).token_type).toBe("bearer");
    // While an unconsumed code is live, the cooldown still holds: nothing more is sent.
    w.clock.advanceSeconds(3);
    expect((await refusal(passwordGrant(w.tokens, login))).code).toBe("otp_required");
    const live = w.events.published.length;
    w.clock.advanceSeconds(3);
    expect((await refusal(passwordGrant(w.tokens, login))).code).toBe("otp_required");
    expect(w.events.published.length).toBe(live);
  });

  it("a NAT of 50 users logs in from one address: successes count against no one", async () => {
    const w = world();
    const nat = "203.0.113.50";
    const people = Array.from({ length: 50 }, (_, i) => `office${i}`);
    for (const username of people) {
      await registerCustomer(w.customers, {
        sourceIp: LAN,
        username,
        password: PASSWORD,
        locale: "en",
      });
    }
    // Two password checks per login with a second factor: the otp_required round and the OTP.
    for (let round = 0; round < 3; round++) {
      for (const username of people) {
        const login = { username, password: PASSWORD, locale: "en", sourceIp: nat } as const;
        expect((await passwordGrant(w.tokens, login)).token_type).toBe("bearer");
      }
    }
    // A mistyped password still counts, and is answered as one, not refused.
    const typo = {
      username: "office1",
      password: "typo typo typo",
      locale: "en",
      sourceIp: nat,
    } as const;
    expect((await refusal(passwordGrant(w.tokens, typo))).code).toBe("invalid_grant");
  });

  it("a stranger cannot keep a known username refused: the owner logs in from elsewhere", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "kim",
      password: PASSWORD,
      locale: "en",
    });
    const counting = countingPasswords();
    const deps = { ...w.tokens, passwords: counting.passwords };
    const stranger = "198.51.100.66";
    const perPair = DEFAULT_PASSWORD_POLICY.maxAttemptsPerUsernameAndIp;
    for (let i = 0; i < perPair; i++) {
      const guess = {
        username: "kim",
        password: `guess ${i} nope`,
        locale: "en",
        sourceIp: stranger,
      } as const;
      expect((await refusal(passwordGrant(deps, guess))).code).toBe("invalid_grant");
    }
    // The stranger's next guess is refused before any hash is computed...
    const limited = await refusal(
      passwordGrant(deps, {
        username: "KIM",
        password: PASSWORD,
        locale: "en",
        sourceIp: stranger,
      }),
    );
    expect(limited.code).toBe("too_many_requests");
    expect(limited.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(counting.hashes()).toBe(perPair);
    // ...while the owner, from their own address, is not.
    const owner = {
      username: "kim",
      password: PASSWORD,
      locale: "en",
      sourceIp: "192.0.2.10",
    } as const;
    expect((await passwordGrant(deps, owner)).token_type).toBe("bearer");
  });

  it("refuses password failures past the username-wide ceiling, from any address, before any hash", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "lea",
      password: PASSWORD,
      locale: "en",
    });
    const counting = countingPasswords();
    const deps = { ...w.tokens, passwords: counting.passwords };
    const ceiling = DEFAULT_PASSWORD_POLICY.maxAttemptsPerUsername;
    expect(ceiling).toBeGreaterThanOrEqual(5 * DEFAULT_PASSWORD_POLICY.maxAttemptsPerUsernameAndIp);
    for (let i = 0; i < ceiling; i++) {
      const ip = `10.0.${i >> 8}.${i & 255}`;
      await refusal(
        passwordGrant(deps, { username: "lea", password: "nope nope", locale: "en", sourceIp: ip }),
      );
    }
    const limited = await refusal(
      passwordGrant(deps, {
        username: "LEA",
        password: PASSWORD,
        locale: "en",
        sourceIp: "192.0.2.9",
      }),
    );
    expect(limited.code).toBe("too_many_requests");
    expect(counting.hashes()).toBe(ceiling);
    w.clock.advanceSeconds(DEFAULT_PASSWORD_POLICY.windowSeconds);
    const later = {
      username: "lea",
      password: PASSWORD,
      locale: "en",
      sourceIp: "192.0.2.9",
    } as const;
    expect((await passwordGrant(deps, later)).token_type).toBe("bearer");
  });

  it("refuses password attempts past the per-IP limit, whatever the usernames", async () => {
    const w = world();
    const ip = "192.0.2.7";
    for (let i = 0; i < DEFAULT_PASSWORD_POLICY.maxAttemptsPerIp; i++) {
      await refusal(
        passwordGrant(w.tokens, {
          username: `user${i}`,
          password: "whatever it is",
          locale: "en",
          sourceIp: ip,
        }),
      );
    }
    const limited = await refusal(
      passwordGrant(w.tokens, {
        username: "someone",
        password: "whatever it is",
        locale: "en",
        sourceIp: ip,
      }),
    );
    expect(limited.code).toBe("too_many_requests");
    const other = await refusal(
      passwordGrant(w.tokens, {
        username: "someone",
        password: "whatever it is",
        locale: "en",
        sourceIp: "192.0.2.8",
      }),
    );
    expect(other.code).toBe("invalid_grant");
  });

  it("answers wrong passwords and unknown users with the same error", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "fay",
      password: PASSWORD,
      locale: "en",
    });
    const wrong = await refusal(
      passwordGrant(w.tokens, { username: "fay", password: "nope nope nope", locale: "en" }),
    );
    const unknown = await refusal(
      passwordGrant(w.tokens, { username: "nobody", password: "nope nope nope", locale: "en" }),
    );
    expect([wrong.code, wrong.description]).toEqual([unknown.code, unknown.description]);
    expect(wrong.code).toBe("invalid_grant");
  });

  it("locks a user after 10 failures across codes, and refuses the right code then", async () => {
    const w = world();
    const code = await w.verifiedPhone("+33612345672");
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "gus",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345672",
      phoneVerificationCode: code,
      locale: "en",
    });
    let failures = 0;
    let otp = "";
    while (failures < 10) {
      w.clock.advanceSeconds(2);
      await refusal(passwordGrant(w.tokens, { username: "gus", password: PASSWORD, locale: "en" }));
      otp = w.lastCode();
      for (let i = 0; i < 3 && failures < 10; i++, failures++) {
        const wrong = otp === "000000" ? "111111" : "000000";
        expect(
          (
            await refusal(
              passwordGrant(w.tokens, {
                username: "gus",
                password: PASSWORD,
                otp: wrong,
                locale: "en",
              }),
            )
          ).code,
        ).toBe("invalid_otp");
      }
    }
    const locked = await refusal(
      passwordGrant(w.tokens, { username: "gus", password: PASSWORD, otp, locale: "en" }),
    );
    expect(locked.code).toBe("too_many_attempts");
    expect(w.events.published.some((e) => e.type === "user.locked")).toBe(true);
    w.clock.advanceSeconds(DEFAULT_LOCKOUT_POLICY.lockSeconds + 1);
    await refusal(passwordGrant(w.tokens, { username: "gus", password: PASSWORD, locale: "en" }));
    const fresh = w.lastCode();
    expect(
      (
        await passwordGrant(w.tokens, {
          username: "gus",
          password: PASSWORD,
          otp: fresh,
          locale: "en",
        })
      ).token_type,
    ).toBe("bearer");
  });

  it("rotates refresh tokens and revokes the family when a rotated one comes back", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "hal",
      password: PASSWORD,
      locale: "en",
    });
    const first = await passwordGrant(w.tokens, {
      username: "hal",
      password: PASSWORD,
      locale: "en",
    });
    const second = await refreshGrant(w.tokens, first.refresh_token);
    expect((await refusal(refreshGrant(w.tokens, first.refresh_token))).code).toBe("invalid_grant");
    expect((await refusal(refreshGrant(w.tokens, second.refresh_token))).code).toBe(
      "invalid_grant",
    );
  });

  it("refuses a refresh token left unused past the idle timeout", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      username: "ida",
      password: PASSWORD,
      locale: "en",
      sourceIp: LAN,
    });
    const login = await passwordGrant(w.tokens, {
      username: "ida",
      password: PASSWORD,
      locale: "en",
    });
    const idle = w.tokens.refreshTokenLifetime.idleSeconds;
    w.clock.advanceSeconds(idle - 60);
    const renewed = await refreshGrant(w.tokens, login.refresh_token);
    w.clock.advanceSeconds(idle);
    expect((await refusal(refreshGrant(w.tokens, renewed.refresh_token))).code).toBe(
      "invalid_grant",
    );
  });

  it("ends a session at its absolute lifetime from login, however often it is refreshed", async () => {
    const w = world();
    await registerCustomer(w.customers, {
      username: "abe",
      password: PASSWORD,
      locale: "en",
      sourceIp: LAN,
    });
    let token = (
      await passwordGrant(w.tokens, { username: "abe", password: PASSWORD, locale: "en" })
    ).refresh_token;
    const { absoluteSeconds, idleSeconds } = w.tokens.refreshTokenLifetime;
    const step = Math.floor(idleSeconds / 2);
    let elapsed = 0;
    while (elapsed + step < absoluteSeconds) {
      w.clock.advanceSeconds(step);
      elapsed += step;
      token = (await refreshGrant(w.tokens, token)).refresh_token;
    }
    w.clock.advanceSeconds(absoluteSeconds - elapsed);
    expect((await refusal(refreshGrant(w.tokens, token))).code).toBe("invalid_grant");
  });
});

describe("changing the second factor (core)", () => {
  it("turning TFA off needs the current second factor and tells the user on the old channel", async () => {
    const w = world();
    const code = await w.verifiedPhone("+33612345673");
    const user = await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "ivy",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345673",
      phoneVerificationCode: code,
      locale: "fr",
    });
    w.clock.advanceSeconds(2);
    expect(
      (await refusal(updateUser(w.customers, user, { authMethod: "simple", locale: "fr" }))).code,
    ).toBe("otp_required");
    const otp = w.lastCode();
    expect(
      (
        await refusal(
          updateUser(w.customers, user, {
            authMethod: "simple",
            otp: otp === "000000" ? "111111" : "000000",
            locale: "fr",
          }),
        )
      ).code,
    ).toBe("invalid_otp");
    const updated = await updateUser(w.customers, user, {
      authMethod: "simple",
      otp,
      locale: "fr",
    });
    expect(updated.authMethod).toBe("simple");
    const told = w.events.published.at(-1);
    expect(told).toMatchObject({
      type: "user.tfa.disabled",
      recipient: { channel: "sms", to: "+33612345673" },
      locale: "fr",
    });
  });

  it("a login code does not serve as a step-up code, nor the reverse", async () => {
    const w = world();
    const code = await w.verifiedPhone("+33612345676");
    const user = await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "lou",
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: "+33612345676",
      phoneVerificationCode: code,
      locale: "en",
    });
    w.clock.advanceSeconds(2);
    await refusal(passwordGrant(w.tokens, { username: "lou", password: PASSWORD, locale: "en" }));
    const loginCode = w.lastCode();
    await refusal(updateUser(w.customers, user, { authMethod: "simple", locale: "en" }));
    const stepUpCode = w.lastCode();
    expect(w.events.published.at(-1)?.type).toBe("user.step_up_code.created");
    if (loginCode !== stepUpCode) {
      expect(
        (
          await refusal(
            updateUser(w.customers, user, { authMethod: "simple", otp: loginCode, locale: "en" }),
          )
        ).code,
      ).toBe("invalid_otp");
      expect(
        (
          await refusal(
            passwordGrant(w.tokens, {
              username: "lou",
              password: PASSWORD,
              otp: stepUpCode,
              locale: "en",
            }),
          )
        ).code,
      ).toBe("invalid_otp");
    }
    expect(
      (await updateUser(w.customers, user, { authMethod: "simple", otp: stepUpCode, locale: "en" }))
        .authMethod,
    ).toBe("simple");
  });

  it("refuses turning TFA off when the account requires it", async () => {
    const w = world({ defaultAuthMethod: "tfa_sms", requireTfa: true });
    const code = await w.verifiedPhone("+33612345674");
    const user = await registerCustomer(w.customers, {
      sourceIp: LAN,
      username: "jay",
      password: PASSWORD,
      phoneNumber: "+33612345674",
      phoneVerificationCode: code,
      locale: "en",
    });
    expect(
      (await refusal(updateUser(w.customers, user, { authMethod: "simple", locale: "en" }))).code,
    ).toBe("tfa_required");
  });
});

describe("changing a contact that receives security notices (core)", () => {
  async function smsUser(w: ReturnType<typeof world>, phone: string, email?: string) {
    const phoneCode = await w.verifiedPhone(phone);
    w.clock.advanceSeconds(2);
    const emailCode = email ? await w.verifiedEmail(email) : undefined;
    const user = await registerCustomer(w.customers, {
      username: `u${phone.slice(-4)}`,
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: phone,
      phoneVerificationCode: phoneCode,
      ...(email ? { email, emailVerificationCode: emailCode } : {}),
      locale: "en",
      sourceIp: LAN,
    });
    w.clock.advanceSeconds(2);
    return user;
  }

  it("an SMS-TFA user's new email needs a current second factor, and the old email is told", async () => {
    const w = world();
    const user = await smsUser(w, "+33612340001", "old@example.com");
    const emailCode = await w.verifiedEmail("new@example.com");
    w.clock.advanceSeconds(2);
    const change = {
      email: "new@example.com",
      emailVerificationCode: emailCode,
      locale: "en" as const,
    };
    expect((await refusal(updateUser(w.customers, user, change))).code).toBe("otp_required");
    const stepUp = w.events.published.at(-1);
    expect(stepUp).toMatchObject({
      type: "user.step_up_code.created",
      recipient: { channel: "sms", to: "+33612340001" },
    });
    expect((await w.users.get(user.id))?.email).toBe("old@example.com");
    const updated = await updateUser(w.customers, user, { ...change, otp: w.lastCode() });
    expect(updated.email).toBe("new@example.com");
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.contact.changed",
      recipient: { channel: "email", to: "old@example.com" },
      data: { what: "email" },
    });
  });

  it("adding an email (which would receive lockout notices) needs step-up; the phone is told", async () => {
    const w = world();
    const user = await smsUser(w, "+33612340002");
    const emailCode = await w.verifiedEmail("added@example.com");
    w.clock.advanceSeconds(2);
    const change = {
      email: "added@example.com",
      emailVerificationCode: emailCode,
      locale: "en" as const,
    };
    expect((await refusal(updateUser(w.customers, user, change))).code).toBe("otp_required");
    const updated = await updateUser(w.customers, user, { ...change, otp: w.lastCode() });
    expect(updated.email).toBe("added@example.com");
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.contact.changed",
      recipient: { channel: "sms", to: "+33612340002" },
      data: { what: "email" },
    });
  });

  it("a new phone for an SMS-TFA user tells the old phone once", async () => {
    const w = world();
    const user = await smsUser(w, "+33612340003", "keep@example.com");
    const phoneCode = await w.verifiedPhone("+33612340004");
    w.clock.advanceSeconds(2);
    const change = {
      phoneNumber: "+33612340004",
      phoneVerificationCode: phoneCode,
      locale: "en" as const,
    };
    expect((await refusal(updateUser(w.customers, user, change))).code).toBe("otp_required");
    const before = w.events.published.length;
    await updateUser(w.customers, user, { ...change, otp: w.lastCode() });
    const notices = w.events.published.slice(before);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      type: "user.contact.changed",
      recipient: { channel: "sms", to: "+33612340003" },
      data: { what: "phone" },
    });
  });

  it("without TFA a contact changes with no second factor, and the old contact is still told", async () => {
    const w = world();
    const code = await w.verifiedEmail("first@example.com");
    const user = await registerCustomer(w.customers, {
      username: "sam",
      password: PASSWORD,
      email: "first@example.com",
      emailVerificationCode: code,
      locale: "en",
      sourceIp: LAN,
    });
    w.clock.advanceSeconds(2);
    const next = await w.verifiedEmail("second@example.com");
    const updated = await updateUser(w.customers, user, {
      email: "second@example.com",
      emailVerificationCode: next,
      locale: "en",
    });
    expect(updated.email).toBe("second@example.com");
    expect(w.events.published.at(-1)).toMatchObject({
      type: "user.contact.changed",
      recipient: { channel: "email", to: "first@example.com" },
      data: { what: "email" },
    });
  });
});
