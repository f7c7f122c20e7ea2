import { describe, expect, it } from "vitest";
import {
  requestEmailVerificationCode,
  requestPhoneVerificationCode,
} from "../../functions/core/contact-verification.js";
import { open } from "../../functions/core/crypto.js";
import { DEFAULT_CODE_POLICY } from "../../functions/core/policy.js";
import {
  type CodeDeps,
  checkAndConsumeCode,
  checkContactCode,
  hitSmsBudget,
  issueCode,
  SMS_BUDGET_SHARDS,
  verifyCode,
} from "../../functions/core/verification-codes.js";
import {
  FakeClock,
  MemoryCodeStore,
  MemoryEvents,
  MemoryRateLimiter,
  SeededRandom,
} from "../support/fakes.js";
import { refusal } from "../support/refusal.js";

const PHONE = "+33612345678";

function setup(overrides: Partial<CodeDeps["policy"]> = {}) {
  const deps = {
    clock: new FakeClock(),
    random: new SeededRandom(7),
    store: new MemoryCodeStore(),
    limiter: new MemoryRateLimiter(),
    events: new MemoryEvents(),
    policy: { ...DEFAULT_CODE_POLICY, ...overrides },
    codeHashKey: new Uint8Array(32).fill(1),
    encryptionKey: new Uint8Array(32).fill(2),
  };
  /** The code as the recipient reads it: opened from the last event. */
  const lastCode = () => {
    const event = deps.events.published.at(-1);
    if (!event?.sealedCode) throw new Error("no code was sent");
    return open(deps.encryptionKey, event.sealedCode, event.id);
  };
  return { deps, lastCode };
}

describe("verification codes (core)", () => {
  it("sends a 6-digit code in a sealed event and never stores it in plaintext", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "fr" });
    const code = lastCode();
    expect(code).toMatch(/^[0-9]{6}$/);
    const event = deps.events.published[0];
    expect(event?.type).toBe("phone_verification_code.created");
    expect(event?.recipient).toEqual({ channel: "sms", to: PHONE });
    expect(event?.locale).toBe("fr");
    expect(JSON.stringify(event)).not.toContain(code);
    expect(JSON.stringify([...deps.store.items.values()])).not.toContain(code);
  });

  it("accepts the right code once", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const code = lastCode();
    expect((await checkAndConsumeCode(deps, "phone_verification", PHONE, code)).ok).toBe(true);
    expect(await checkAndConsumeCode(deps, "phone_verification", PHONE, code)).toMatchObject({
      ok: false,
      reason: "missing",
    });
  });

  it("refuses a code for another purpose or another recipient", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const code = lastCode();
    expect((await verifyCode(deps, "login", PHONE, code)).ok).toBe(false);
    expect((await verifyCode(deps, "phone_verification", "+33612345679", code)).ok).toBe(false);
  });

  it("allows at most 5 checks of a code, the right one included", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const code = lastCode();
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) {
      expect(await verifyCode(deps, "phone_verification", PHONE, wrong)).toMatchObject({
        reason: "incorrect",
        attemptsLeft: 4 - i,
      });
    }
    expect(await checkAndConsumeCode(deps, "phone_verification", PHONE, code)).toMatchObject({
      ok: false,
      reason: "exhausted",
    });
  });

  it("spends no attempt on a malformed code", async () => {
    const { deps } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    for (const bad of ["12345", "1234567", " 123456", "+12345", "１２３４５６", 123456, null]) {
      expect(await verifyCode(deps, "phone_verification", PHONE, bad)).toMatchObject({
        reason: "malformed",
      });
    }
    expect([...deps.store.items.values()][0]?.attempts).toBe(0);
  });

  it("refuses an expired code", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const code = lastCode();
    deps.clock.advanceSeconds(DEFAULT_CODE_POLICY.ttlSeconds);
    expect(await checkAndConsumeCode(deps, "phone_verification", PHONE, code)).toMatchObject({
      reason: "expired",
    });
  });

  it("a new code replaces the old one", async () => {
    const { deps, lastCode } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const first = lastCode();
    deps.clock.advanceSeconds(31);
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const second = lastCode();
    if (first !== second) {
      expect((await verifyCode(deps, "phone_verification", PHONE, first)).ok).toBe(false);
    }
    expect((await verifyCode(deps, "phone_verification", PHONE, second)).ok).toBe(true);
  });

  it("refuses a resend within the 30 s cooldown with the seconds to wait", async () => {
    const { deps } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    deps.clock.advanceSeconds(10);
    const error = await refusal(
      requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" }),
    );
    expect(error.code).toBe("resend_too_soon");
    expect(error.options.retryAfterSeconds).toBe(20);
    expect(deps.events.published).toHaveLength(1);
  });

  it("sends at most 5 codes per recipient per 10 minutes", async () => {
    const { deps } = setup();
    for (let i = 0; i < 5; i++) {
      await requestEmailVerificationCode(deps, { email: "joe@example.com", locale: "en" });
      deps.clock.advanceSeconds(31);
    }
    const error = await refusal(
      requestEmailVerificationCode(deps, { email: "joe@example.com", locale: "en" }),
    );
    expect(error.code).toBe("too_many_requests");
    deps.clock.advanceSeconds(DEFAULT_CODE_POLICY.sendWindowSeconds);
    await requestEmailVerificationCode(deps, { email: "joe@example.com", locale: "en" });
    expect(deps.events.published).toHaveLength(6);
  });

  it("a stranger who fills a phone's public window does not block its owner's login codes", async () => {
    const { deps } = setup();
    // Anyone may ask for verification codes to any number: five fill its public window.
    for (let i = 0; i < DEFAULT_CODE_POLICY.maxSendsPerRecipient; i++) {
      await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
      deps.clock.advanceSeconds(31);
    }
    const stranger = await refusal(
      requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" }),
    );
    expect(stranger.code).toBe("too_many_requests");
    const recipient = { channel: "sms" as const, to: PHONE };
    const base = { recipient, eventType: "user.tfa_code.created" as const, locale: "en" as const };
    const login = await issueCode(deps, { ...base, purpose: "login", subject: "usr_1" });
    const stepUp = await issueCode(deps, { ...base, purpose: "step_up", subject: "usr_1" });
    const signIn = await issueCode(deps, {
      ...base,
      purpose: "sign_in",
      subject: "sia_1",
      userId: "usr_1",
    });
    expect([login.sent, stepUp.sent, signIn.sent]).toEqual([true, true, true]);
  });

  it("counts a user's login, step-up and sign-in codes in one window of their own", async () => {
    const { deps } = setup({ maxSendsPerUser: 3 });
    const recipient = { channel: "sms" as const, to: PHONE };
    const base = { recipient, eventType: "user.tfa_code.created" as const, locale: "en" as const };
    expect((await issueCode(deps, { ...base, purpose: "login", subject: "usr_1" })).sent).toBe(
      true,
    );
    expect((await issueCode(deps, { ...base, purpose: "step_up", subject: "usr_1" })).sent).toBe(
      true,
    );
    const signIn = (subject: string, userId: string) =>
      issueCode(deps, { ...base, purpose: "sign_in", subject, userId });
    expect((await signIn("sia_1", "usr_1")).sent).toBe(true);
    // Each sign-in has its own cooldown, but all of them are the same user's.
    expect(await signIn("sia_2", "usr_1")).toMatchObject({ sent: false, reason: "limit" });
    // Another user of the same phone, and the phone's public verification, are not affected.
    expect((await signIn("sia_3", "usr_2")).sent).toBe(true);
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    deps.clock.advanceSeconds(DEFAULT_CODE_POLICY.sendWindowSeconds);
    expect((await signIn("sia_4", "usr_1")).sent).toBe(true);
  });

  it("one account cannot spend the day's SMS budget for verified phones: each user and each phone has a daily share", async () => {
    const { deps } = setup({ smsDailyPerUser: 3, smsDailyPerPhone: 4, smsDailyBudget: 100 });
    const base = { eventType: "user.tfa_code.created" as const, locale: "en" as const };
    const login = async (user: string, to: string) => {
      const outcome = await issueCode(deps, {
        ...base,
        purpose: "login",
        subject: user,
        recipient: { channel: "sms", to },
      });
      deps.clock.advanceSeconds(DEFAULT_CODE_POLICY.sendWindowSeconds);
      return outcome.sent;
    };
    // Windows of 10 minutes come and go; the day's share does not.
    expect([await login("usr_1", PHONE), await login("usr_1", PHONE)]).toEqual([true, true]);
    expect(await login("usr_1", PHONE)).toBe(true);
    expect(await login("usr_1", PHONE)).toBe(false);
    // A second account on the same phone gets what is left of the phone's share.
    expect(await login("usr_2", PHONE)).toBe(true);
    expect(await login("usr_2", PHONE)).toBe(false);
    // Everybody else's login codes keep flowing, and email codes are not SMS.
    expect(await login("usr_3", "+33612345679")).toBe(true);
    const email = await issueCode(deps, {
      ...base,
      purpose: "login",
      subject: "usr_1",
      recipient: { channel: "email", to: "joe@example.com" },
    });
    expect(email.sent).toBe(true);
    // The next UTC day brings a new share.
    deps.clock.advanceSeconds(24 * 60 * 60);
    expect(await login("usr_1", PHONE)).toBe(true);
  });

  it("refuses SMS to a country outside the allowlist, and invalid numbers", async () => {
    const { deps } = setup({ smsAllowedCountries: ["FR"] });
    expect(
      (
        await refusal(
          requestPhoneVerificationCode(deps, { phoneNumber: "+14155552671", locale: "en" }),
        )
      ).code,
    ).toBe("country_not_allowed");
    for (const bad of ["0612345678", "+33", "+999123456789", "+33 6 12 34 56 78 99 99", "abc"]) {
      const error = await refusal(
        requestPhoneVerificationCode(deps, { phoneNumber: bad, locale: "en" }),
      );
      expect(error.code).toBe("invalid_phone_number");
      expect(error.options.field).toBe("phoneNumber");
    }
    expect(deps.events.published).toHaveLength(0);
  });

  it("stops SMS to unverified numbers when their daily budget is spent, sparing the logins' budget", async () => {
    const { deps } = setup({ smsDailyBudgetUnverified: 2, smsDailyBudget: 5 });
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    await requestPhoneVerificationCode(deps, { phoneNumber: "+33612345679", locale: "en" });
    const error = await refusal(
      requestPhoneVerificationCode(deps, { phoneNumber: "+33612345670", locale: "en" }),
    );
    expect(error.code).toBe("sms_budget_exceeded");
    const login = await issueCode(deps, {
      purpose: "login",
      subject: "usr_1",
      recipient: { channel: "sms", to: "+33612345671" },
      eventType: "user.tfa_code.created",
      locale: "en",
    });
    expect(login.sent).toBe(true);
  });

  it("spreads the day's SMS budget over counters, refusing only once the whole budget is spent", async () => {
    for (const budget of [1, 7, 25, 1000]) {
      const { deps } = setup({ smsDailyBudget: budget });
      const now = Math.floor(deps.clock.nowMs() / 1000);
      // One recipient, always starting at the same counter, still reaches every other one.
      const outcomes = [];
      for (let i = 0; i <= budget; i++) outcomes.push(await hitSmsBudget(deps, now, false, PHONE));
      expect(outcomes.filter((o) => o.ok)).toHaveLength(budget);
      expect(outcomes.at(-1)).toMatchObject({ ok: false, reason: "limit" });
      const counters = new Set(outcomes.flatMap((o) => (o.ok ? [o.key] : [])));
      expect(counters.size).toBe(Math.min(budget, SMS_BUDGET_SHARDS));
    }
  });

  it("limits code requests per source IP", async () => {
    const { deps } = setup({ maxSendsPerIp: 2 });
    const ask = (n: number) =>
      requestEmailVerificationCode(deps, {
        email: `u${n}@example.com`,
        locale: "en",
        sourceIp: "192.0.2.1",
      });
    await ask(1);
    await ask(2);
    expect((await refusal(ask(3))).code).toBe("too_many_requests");
  });

  it("normalises phone numbers to E.164", async () => {
    const { deps } = setup();
    await requestPhoneVerificationCode(deps, { phoneNumber: "+33 6 12 34 56 78", locale: "en" });
    expect(deps.events.published[0]?.recipient?.to).toBe(PHONE);
  });

  it("counts sends to one mailbox however its address is capitalised", async () => {
    const { deps } = setup();
    const spellings = [
      "joe@example.com",
      "Joe@example.com",
      "JOE@Example.com",
      "jOe@example.COM",
      "joE@example.com",
    ];
    for (const email of spellings) {
      await requestEmailVerificationCode(deps, { email, locale: "en" });
      deps.clock.advanceSeconds(31);
    }
    const error = await refusal(
      requestEmailVerificationCode(deps, { email: "JoE@EXAMPLE.com", locale: "en" }),
    );
    expect(error.code).toBe("too_many_requests");
    expect(new Set(deps.events.published.map((e) => e.recipient?.to))).toEqual(
      new Set(["joe@example.com"]),
    );
  });

  it("refuses invalid email addresses", async () => {
    const { deps } = setup();
    for (const bad of ["joe", "joe@", "@example.com", "joe@example", "jo e@example.com"]) {
      const error = await refusal(requestEmailVerificationCode(deps, { email: bad, locale: "en" }));
      expect(error.code).toBe("invalid_email");
    }
  });
});

/** An event topic that is down for the next `failures` publishes. */
class FlakyEvents extends MemoryEvents {
  constructor(public failures = 1) {
    super();
  }
  override async publish(event: Parameters<MemoryEvents["publish"]>[0]) {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("the topic is unavailable");
    }
    return super.publish(event);
  }
}

describe("a code that is sent, or not charged", () => {
  const cases = [
    { purpose: "login", subject: "usr_1" },
    { purpose: "step_up", subject: "usr_1" },
    { purpose: "sign_in", subject: "sia_1", userId: "usr_1" },
    { purpose: "phone_verification", subject: PHONE },
  ] as const;
  for (const target of cases) {
    it(`a failed publish of a ${target.purpose} code charges nothing and leaves no code: 503 delivery_unavailable, and the retry sends at once`, async () => {
      // Every limit at one: a hit left charged would refuse the retry.
      const { deps, lastCode } = setup({
        maxSendsPerUser: 1,
        maxSendsPerRecipient: 1,
        maxSendsPerIp: 1,
        smsDailyPerUser: 1,
        smsDailyPerPhone: 1,
        smsDailyBudget: 1,
        smsDailyBudgetUnverified: 1,
      });
      const events = new FlakyEvents(1);
      const flaky = { ...deps, events };
      const input = {
        ...target,
        recipient: { channel: "sms" as const, to: PHONE },
        eventType: "user.tfa_code.created" as const,
        locale: "en" as const,
        sourceIp: "203.0.113.9",
      };
      const error = await refusal(issueCode(flaky, input));
      expect(error.code).toBe("delivery_unavailable");
      expect(deps.store.items.size).toBe(0);
      const retried = await issueCode(flaky, input);
      expect(retried.sent).toBe(true);
      deps.events.published.push(...events.published);
      const checked = await checkAndConsumeCode(deps, target.purpose, target.subject, lastCode());
      expect(checked.ok).toBe(true);
    });
  }

  it("a send refused by a later limit leaves no cooldown behind", async () => {
    const { deps } = setup({ smsDailyPerUser: 1 });
    const base = {
      recipient: { channel: "sms" as const, to: PHONE },
      eventType: "user.tfa_code.created" as const,
      locale: "en" as const,
    };
    expect((await issueCode(deps, { ...base, purpose: "login", subject: "usr_1" })).sent).toBe(
      true,
    );
    // The step-up code is over the user's daily share: refused, and its cooldown not started.
    const refused = await issueCode(deps, { ...base, purpose: "step_up", subject: "usr_1" });
    expect(refused).toMatchObject({ sent: false, reason: "limit" });
    expect(deps.limiter.windows.get("resend#step_up#usr_1")?.hits ?? 0).toBe(0);
  });
});

describe("a pending verification code that strangers cannot burn", () => {
  const wrongs = ["000001", "000002", "000003", "000004", "000005", "000006"];
  const check = (deps: CodeDeps, code: string, verificationId?: string) =>
    checkContactCode(deps, "phone", PHONE, code, verificationId, "phoneVerificationCode");

  it("a stranger's guesses without the handle spend none of the requester's checks", async () => {
    const { deps, lastCode } = setup();
    const { verificationId } = await requestPhoneVerificationCode(deps, {
      phoneNumber: PHONE,
      locale: "en",
    });
    expect(verificationId).toMatch(/^vrf_[A-Za-z0-9_-]{22}$/);
    const right = lastCode();
    const codes = [...wrongs, ...wrongs].filter((c) => c !== right);
    const refusals = [];
    for (const code of codes) refusals.push((await refusal(check(deps, code))).code);
    expect(refusals.slice(0, 5)).toEqual(Array(5).fill("invalid_verification_code"));
    expect(new Set(refusals.slice(5))).toEqual(new Set(["too_many_attempts"]));
    // The stranger's own right guess is refused now, but the requester's is not.
    expect((await refusal(check(deps, right))).code).toBe("too_many_attempts");
    expect((await check(deps, right, verificationId)).ok).toBe(true);
  });

  it("each code allows at most 5 checks with its handle and 5 without", async () => {
    const { deps, lastCode } = setup();
    const { verificationId } = await requestPhoneVerificationCode(deps, {
      phoneNumber: PHONE,
      locale: "en",
    });
    const right = lastCode();
    const wrong = wrongs.filter((c) => c !== right).slice(0, 5);
    for (const code of wrong) {
      expect((await refusal(check(deps, code, verificationId))).code).toBe(
        "invalid_verification_code",
      );
    }
    expect((await refusal(check(deps, right, verificationId))).code).toBe("too_many_attempts");
    for (const code of wrong) {
      expect((await refusal(check(deps, code))).code).toBe("invalid_verification_code");
    }
    expect((await refusal(check(deps, right))).code).toBe("too_many_attempts");
    const stored = [...deps.store.items.values()][0];
    expect([stored?.attempts, stored?.anonymousAttempts]).toEqual([5, 5]);
  });

  it("another code's handle, or none, counts on the anonymous checks: clients that send only the code keep working", async () => {
    const { deps, lastCode } = setup();
    const first = await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    deps.clock.advanceSeconds(31);
    await requestPhoneVerificationCode(deps, { phoneNumber: PHONE, locale: "en" });
    const right = lastCode();
    const wrong = wrongs.find((c) => c !== right) as string;
    expect((await refusal(check(deps, wrong, first.verificationId))).code).toBe(
      "invalid_verification_code",
    );
    const stored = [...deps.store.items.values()][0];
    expect([stored?.attempts, stored?.anonymousAttempts]).toEqual([0, 1]);
    expect((await check(deps, right)).ok).toBe(true);
  });
});
