/**
 * One-time codes sent by SMS or email: phone and email verification, login (TFA) codes and
 * sign-in second factors. A code is stored only as a keyed hash bound to its purpose, its
 * subject and its challenge; every check spends one attempt before it is evaluated, and a code
 * is consumed by one conditional write, so concurrent checks cannot beat the budget or use a
 * code twice.
 */
import { constantTimeEqual, keyedHash, randomDigits, randomId, seal } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { DomainEvent, EventPublisher, EventType, Locale, Recipient } from "./events.js";
import type { CodePolicy } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";

export type CodePurpose =
  | "phone_verification"
  | "email_verification"
  | "login"
  | "step_up"
  | "sign_in";

export interface StoredCode {
  purpose: CodePurpose;
  subject: string;
  challengeId: string;
  codeHash: string;
  /** Checks counted: by the holder of the code's handle, or by anyone for a user's own codes. */
  attempts: number;
  maxAttempts: number;
  expiresAtEpochSeconds: number;
  /**
   * Verification codes only: the keyed hash of the handle (`verificationId`) that only their
   * requester received, and the separate budget of checks sent without it.
   */
  handleHash?: string;
  anonymousAttempts?: number;
  maxAnonymousAttempts?: number;
}

/**
 * Whose budget a check spends: the handle holder's (`attempts`, if the handle is the code's),
 * or the anonymous one of a verification code (`anonymousAttempts`). Without one, `attempts`.
 */
export type AttemptBudget = { handleHash: string } | "anonymous";

export type ReserveOutcome =
  | { ok: true; code: StoredCode }
  /** `other_handle`: the code is not the one this handle was given for; nothing was counted. */
  | { ok: false; reason: "missing" | "expired" | "exhausted" | "other_handle" };

export interface CodeStore {
  /** Stores a code, replacing any earlier one of the same purpose and subject. */
  put(code: StoredCode): Promise<void>;
  /**
   * Counts one attempt, atomically, if the code exists, is unexpired and under its budget;
   * answers the code as it is after the increment.
   */
  reserveAttempt(
    purpose: CodePurpose,
    subject: string,
    nowEpochSeconds: number,
    budget?: AttemptBudget,
  ): Promise<ReserveOutcome>;
  /** Deletes the code if it is still `challengeId` and live: true for exactly one caller. */
  consume(
    purpose: CodePurpose,
    subject: string,
    challengeId: string,
    nowEpochSeconds: number,
  ): Promise<boolean>;
}

export type LimitOutcome =
  | { ok: true }
  | { ok: false; reason: "cooldown" | "limit"; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Counts one hit of `key` in a fixed window, aligned to its index (`floor(now / window)`):
   * refuses over `limit`, or within `cooldownSeconds` of the key's last hit (across windows).
   */
  hit(input: {
    key: string;
    limit: number;
    windowSeconds: number;
    cooldownSeconds?: number;
    nowEpochSeconds: number;
  }): Promise<LimitOutcome>;
  /**
   * Takes back one hit of `key` counted in the window of `nowEpochSeconds` (none if it holds no
   * hits), and with `cooldownSeconds` ends the key's cooldown: what a hit reserved a slot for
   * turned out not to count.
   */
  refund(input: {
    key: string;
    windowSeconds: number;
    cooldownSeconds?: number;
    nowEpochSeconds: number;
  }): Promise<void>;
}

export interface CodeDeps {
  clock: Clock;
  random: Random;
  store: CodeStore;
  limiter: RateLimiter;
  events: EventPublisher;
  policy: CodePolicy;
  codeHashKey: Uint8Array;
  encryptionKey: Uint8Array;
}

/** A verified code not yet consumed: its consumption is one conditional delete. */
export interface CodeConsumption {
  purpose: CodePurpose;
  subject: string;
  challengeId: string;
}

export type CheckOutcome =
  | { ok: true; consumption: CodeConsumption }
  | {
      ok: false;
      reason: "malformed" | "missing" | "expired" | "exhausted" | "incorrect" | "other_handle";
      attemptsLeft?: number;
    };

interface IssueCodeCommon {
  subject: string;
  recipient: Recipient;
  eventType: EventType;
  locale: Locale;
  sourceIp?: string;
  data?: Record<string, string | number>;
  /** Use this code instead of a fresh one (a verification code turned into a login code). */
  presetCode?: string;
  expiresAtEpochSeconds?: number;
}

/**
 * What to send. A sign-in code's subject is the sign-in, so it names its user; a login or
 * step-up code's subject is the user.
 */
export type IssueCodeInput = IssueCodeCommon &
  (
    | { purpose: "phone_verification" | "email_verification" | "login" | "step_up"; userId?: never }
    | { purpose: "sign_in"; userId: string }
  );

export type IssueOutcome =
  | {
      sent: true;
      expiresAtEpochSeconds: number;
      eventId: string;
      /** Verification codes: the handle only the requester gets (`vrf_` + 128 random bits). */
      verificationId?: string;
    }
  | { sent: false; reason: "cooldown" | "limit"; retryAfterSeconds: number };

function hashCode(deps: Pick<CodeDeps, "codeHashKey">, c: CodeConsumption, code: string): string {
  return keyedHash(deps.codeHashKey, "code", c.purpose, c.subject, c.challengeId, code);
}

const VERIFICATION_ID_PREFIX = "vrf_";
/** `vrf_` + 128 random bits in base64url (22 characters). */
const VERIFICATION_ID_PATTERN = /^vrf_[A-Za-z0-9_-]{22}$/;

/**
 * Codes anyone may ask for to any phone or mailbox: each gets a handle for its requester, and
 * checks sent without it spend a budget of their own.
 */
function isVerification(purpose: CodePurpose): boolean {
  return purpose === "phone_verification" || purpose === "email_verification";
}

function handleHash(
  deps: Pick<CodeDeps, "codeHashKey">,
  purpose: CodePurpose,
  subject: string,
  verificationId: string,
): string {
  return keyedHash(deps.codeHashKey, "handle", purpose, subject, verificationId);
}

/** The day's SMS budget is spread over this many counters, so that no one item takes every send. */
export const SMS_BUDGET_SHARDS = 10;

const DAY_SECONDS = 24 * 60 * 60;

export type SmsBudgetOutcome =
  /** `key`: the counter charged, for a refund. */
  { ok: true; key: string } | Exclude<LimitOutcome, { ok: true }>;

/**
 * Counts one SMS against the day's budget (UTC): the one for numbers being verified, or the
 * one for users' verified phones. The budget is split over `SMS_BUDGET_SHARDS` counters whose
 * limits sum to it exactly; a send starts at the counter its recipient picks and falls through
 * the others in order when that one is full, so it is refused only once the day's total is
 * spent, and the extra rounds are paid only near the end of the budget.
 */
export async function hitSmsBudget(
  deps: {
    limiter: RateLimiter;
    policy: Pick<CodePolicy, "smsDailyBudget" | "smsDailyBudgetUnverified">;
  },
  nowEpochSeconds: number,
  unverified: boolean,
  recipient = "",
): Promise<SmsBudgetOutcome> {
  const budget = unverified ? deps.policy.smsDailyBudgetUnverified : deps.policy.smsDailyBudget;
  const shards = Math.max(1, Math.min(SMS_BUDGET_SHARDS, budget));
  const first = spread(recipient) % shards;
  let refused: LimitOutcome = { ok: false, reason: "limit", retryAfterSeconds: DAY_SECONDS };
  for (let i = 0; i < shards; i++) {
    const shard = (first + i) % shards;
    const key = smsBudgetKey(nowEpochSeconds, unverified, shard);
    refused = await deps.limiter.hit({
      key,
      // Limits that sum to the budget: the first `budget % shards` counters take one more.
      limit: Math.floor(budget / shards) + (shard < budget % shards ? 1 : 0),
      windowSeconds: DAY_SECONDS,
      nowEpochSeconds,
    });
    if (refused.ok) return { ok: true, key };
  }
  return refused as Exclude<LimitOutcome, { ok: true }>;
}

function smsBudgetKey(nowEpochSeconds: number, unverified: boolean, shard: number): string {
  const day = new Date(nowEpochSeconds * 1000).toISOString().slice(0, 10);
  return `sms-budget#${unverified ? "unverified" : "verified"}#${day}#${shard}`;
}

/** A stable, evenly spread number for a string (FNV-1a): which budget counter a send starts at. */
function spread(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function resendKey(purpose: CodePurpose, subject: string) {
  return `resend#${purpose}#${subject}`;
}

/**
 * Ends the resend cooldown of (purpose, subject) once its code is consumed: the cooldown stands
 * for "the code sent moments ago is still valid", which a used code no longer is, so the next
 * request gets a new code at once.
 */
export function endResendCooldown(
  deps: Pick<CodeDeps, "clock" | "limiter" | "policy">,
  purpose: CodePurpose,
  subject: string,
): Promise<void> {
  return deps.limiter.refund({
    key: resendKey(purpose, subject),
    windowSeconds: deps.policy.resendCooldownSeconds,
    cooldownSeconds: deps.policy.resendCooldownSeconds,
    nowEpochSeconds: nowEpochSeconds(deps.clock),
  });
}

export function isWellFormedCode(code: unknown, digits: number): code is string {
  return typeof code === "string" && code.length === digits && /^[0-9]+$/.test(code);
}

/** The user whose own factor a code is (login, step-up, sign-in); none for verification codes. */
function codeOwner(input: IssueCodeInput): string | undefined {
  switch (input.purpose) {
    case "phone_verification":
    case "email_verification":
      return undefined;
    case "login":
    case "step_up":
      return input.subject;
    case "sign_in":
      return input.userId;
  }
}

/**
 * The send window a code counts in. Verification codes, which anyone may ask for to any phone
 * or mailbox, count per recipient; a user's own codes count per user, in a window no one else
 * can fill, so that strangers filling a phone's public window never block its owner's logins.
 */
function sendWindow(
  input: IssueCodeInput,
  owner: string | undefined,
  policy: CodePolicy,
): { key: string; limit: number } {
  return owner === undefined
    ? {
        key: `to#${input.recipient.channel}#${input.recipient.to}`,
        limit: policy.maxSendsPerRecipient,
      }
    : { key: `user-codes#${owner}`, limit: policy.maxSendsPerUser };
}

/** A hit counted for a send, to take back if nothing is sent after all. */
interface Charge {
  key: string;
  windowSeconds: number;
  cooldownSeconds?: number;
}

async function refundCharges(
  deps: Pick<CodeDeps, "limiter">,
  charged: readonly Charge[],
  now: number,
): Promise<void> {
  await Promise.all(charged.map((c) => deps.limiter.refund({ ...c, nowEpochSeconds: now })));
}

type Hit = Parameters<RateLimiter["hit"]>[0];

/**
 * A user's SMS codes per UTC day, per user and per phone, counted with the day's shared
 * budget: one account (or several on one phone) cannot spend what everybody's logins need.
 */
function dailySmsShare(deps: Pick<CodeDeps, "policy">, owner: string, to: string, now: number) {
  const day = new Date(now * 1000).toISOString().slice(0, 10);
  const window = { windowSeconds: DAY_SECONDS, nowEpochSeconds: now };
  return [
    { key: `sms-day#user#${owner}#${day}`, limit: deps.policy.smsDailyPerUser, ...window },
    { key: `sms-day#to#${to}#${day}`, limit: deps.policy.smsDailyPerPhone, ...window },
  ];
}

/**
 * Creates, stores and sends a code, within the send limits: per source IP, per code (cooldown),
 * per recipient for verification codes or per user for a user's own codes, and, for SMS, a
 * user's daily share (per user and per phone) and the day's budget. The code is never returned.
 * The limits are independent: they are counted at once, in one round.
 *
 * Nothing stays charged for a code that is not sent: a send refused by one limit takes back
 * the hits the others counted (the source IP's excepted, unless the IP's is the refusal:
 * refusals are counted against their source), and a failed publish takes back every hit and
 * deletes the code, then answers `delivery_unavailable` (503): a retry sends at once.
 */
export async function issueCode(deps: CodeDeps, input: IssueCodeInput): Promise<IssueOutcome> {
  const now = nowEpochSeconds(deps.clock);
  const { policy } = deps;
  const owner = codeOwner(input);
  const sms = input.recipient.channel === "sms";
  const byIp: Hit | undefined =
    input.sourceIp === undefined
      ? undefined
      : {
          key: `ip#${input.sourceIp}`,
          limit: policy.maxSendsPerIp,
          windowSeconds: policy.sendWindowSeconds,
          nowEpochSeconds: now,
        };
  const limits: Hit[] = [
    // The cooldown is per code (purpose and subject): a login code may follow the phone's
    // verification code at once, but the same code is not re-sent within the cooldown. It
    // lasts while that code is unconsumed: `endResendCooldown` ends it when the code is used.
    {
      key: resendKey(input.purpose, input.subject),
      limit: 1,
      windowSeconds: policy.resendCooldownSeconds,
      cooldownSeconds: policy.resendCooldownSeconds,
      nowEpochSeconds: now,
    },
    {
      ...sendWindow(input, owner, policy),
      windowSeconds: policy.sendWindowSeconds,
      nowEpochSeconds: now,
    },
    ...(sms && owner !== undefined ? dailySmsShare(deps, owner, input.recipient.to, now) : []),
  ];
  const unverified = input.purpose === "phone_verification";
  const [ipOutcome, budget, ...outcomes] = await Promise.all([
    byIp === undefined ? undefined : deps.limiter.hit(byIp),
    sms ? hitSmsBudget(deps, now, unverified, input.recipient.to) : undefined,
    ...limits.map((hit) => deps.limiter.hit(hit)),
  ]);
  const charge = ({ key, windowSeconds, cooldownSeconds }: Hit): Charge => ({
    key,
    windowSeconds,
    ...(cooldownSeconds === undefined ? {} : { cooldownSeconds }),
  });
  const byIpCharge: Charge[] = byIp !== undefined && ipOutcome?.ok ? [charge(byIp)] : [];
  const charged: Charge[] = limits.flatMap((hit, i) => (outcomes[i]?.ok ? [charge(hit)] : []));
  if (budget?.ok) charged.push({ key: budget.key, windowSeconds: DAY_SECONDS });
  // The first refusal, in the order the limits were once counted one after another, answers.
  if (ipOutcome !== undefined && !ipOutcome.ok) {
    await refundCharges(deps, charged, now);
    return { sent: false, reason: "limit", retryAfterSeconds: ipOutcome.retryAfterSeconds };
  }
  const refusal = outcomes.findIndex((o) => !o.ok);
  const refused = outcomes[refusal];
  if (refused !== undefined && !refused.ok) {
    await refundCharges(deps, charged, now);
    // The first limit is the code's resend cooldown.
    const reason = refusal === 0 ? "cooldown" : refused.reason;
    return { sent: false, reason, retryAfterSeconds: refused.retryAfterSeconds };
  }
  if (budget !== undefined && !budget.ok) {
    await refundCharges(deps, charged, now);
    throw new DomainError("sms_budget_exceeded", "SMS sending is paused; try email or later.");
  }

  const code = input.presetCode ?? randomDigits(deps.random, policy.digits);
  const challengeId = randomId(deps.random);
  const expiresAtEpochSeconds = input.expiresAtEpochSeconds ?? now + policy.ttlSeconds;
  const target: CodeConsumption = {
    purpose: input.purpose,
    subject: input.subject,
    challengeId,
  };
  const verificationId = isVerification(input.purpose)
    ? randomId(deps.random, VERIFICATION_ID_PREFIX)
    : undefined;
  await deps.store.put({
    ...target,
    codeHash: hashCode(deps, target, code),
    attempts: 0,
    maxAttempts: policy.maxAttemptsPerCode,
    expiresAtEpochSeconds,
    ...(verificationId === undefined
      ? {}
      : {
          handleHash: handleHash(deps, input.purpose, input.subject, verificationId),
          anonymousAttempts: 0,
          maxAnonymousAttempts: policy.maxAttemptsPerCode,
        }),
  });
  const eventId = randomId(deps.random, "evt_");
  const event: DomainEvent = {
    id: eventId,
    type: input.eventType,
    occurredAt: new Date(deps.clock.nowMs()).toISOString(),
    locale: input.locale,
    ...(owner === undefined ? {} : { userId: owner }),
    recipient: input.recipient,
    sealedCode: seal(deps.encryptionKey, code, eventId, deps.random),
    data: { minutes: Math.round((expiresAtEpochSeconds - now) / 60), ...input.data },
  };
  try {
    await deps.events.publish(event);
  } catch {
    // Nobody can have received this code: it goes, and so do the hits it took.
    await deps.store.consume(target.purpose, target.subject, challengeId, now);
    await refundCharges(deps, [...byIpCharge, ...charged], now);
    throw new DomainError("delivery_unavailable");
  }
  return {
    sent: true,
    expiresAtEpochSeconds,
    eventId,
    ...(verificationId === undefined ? {} : { verificationId }),
  };
}

/**
 * Checks `code` for (purpose, subject) without consuming it: one attempt is spent first, then
 * the code is compared in constant time. A malformed code spends nothing. The caller consumes
 * the code with `consumeCode` or inside its own transaction.
 *
 * A verification code's check spends its handle holder's budget when `verificationId` is the
 * code's handle (another handle: `other_handle`, nothing spent), else the anonymous budget.
 */
export async function verifyCode(
  deps: Pick<CodeDeps, "clock" | "store" | "codeHashKey" | "policy">,
  purpose: CodePurpose,
  subject: string,
  code: unknown,
  verificationId?: string,
): Promise<CheckOutcome> {
  if (!isWellFormedCode(code, deps.policy.digits)) return { ok: false, reason: "malformed" };
  let budget: AttemptBudget | undefined;
  if (isVerification(purpose)) {
    budget =
      verificationId !== undefined && VERIFICATION_ID_PATTERN.test(verificationId)
        ? { handleHash: handleHash(deps, purpose, subject, verificationId) }
        : "anonymous";
    if (verificationId !== undefined && budget === "anonymous") {
      return { ok: false, reason: "other_handle" };
    }
  }
  const reserved = await deps.store.reserveAttempt(
    purpose,
    subject,
    nowEpochSeconds(deps.clock),
    budget,
  );
  if (!reserved.ok) return { ok: false, reason: reserved.reason };
  const stored = reserved.code;
  const consumption = { purpose, subject, challengeId: stored.challengeId };
  if (!constantTimeEqual(stored.codeHash, hashCode(deps, consumption, code))) {
    const attemptsLeft =
      budget === "anonymous"
        ? (stored.maxAnonymousAttempts ?? 0) - (stored.anonymousAttempts ?? 0)
        : stored.maxAttempts - stored.attempts;
    return { ok: false, reason: "incorrect", attemptsLeft };
  }
  return { ok: true, consumption };
}

/**
 * Checks the verification code of a phone or email being proven (registration, a contact
 * change). With the handle its requester received, the check spends that code's own budget,
 * which nobody else can reach; without it (or with another code's), the anonymous budgets:
 * the code's, and one per phone or email across codes, since anyone may ask for new codes.
 * Guesses by others never spend the requester's checks, and a code allows at most
 * `maxAttemptsPerCode` checks of each kind.
 */
export async function checkContactCode(
  deps: Pick<CodeDeps, "clock" | "store" | "codeHashKey" | "policy" | "limiter">,
  kind: "phone" | "email",
  value: string,
  code: string,
  verificationId: string | undefined,
  field: string,
): Promise<Extract<CheckOutcome, { ok: true }>> {
  const purpose = kind === "phone" ? "phone_verification" : "email_verification";
  if (verificationId !== undefined) {
    const held = await verifyCode(deps, purpose, value, code, verificationId);
    if (held.ok) return held;
    if (held.reason !== "other_handle") throw verificationCodeError(held, field);
  }
  if (isWellFormedCode(code, deps.policy.digits)) {
    const budget = await deps.limiter.hit({
      key: `verify#${purpose}#${value}`,
      limit: 2 * deps.policy.maxAttemptsPerCode,
      windowSeconds: deps.policy.sendWindowSeconds,
      nowEpochSeconds: nowEpochSeconds(deps.clock),
    });
    if (!budget.ok) {
      throw new DomainError("too_many_attempts", "Too many codes were tried for this contact.", {
        field,
        retryAfterSeconds: Math.max(1, budget.retryAfterSeconds),
      });
    }
  }
  const anonymous = await verifyCode(deps, purpose, value, code);
  if (!anonymous.ok) throw verificationCodeError(anonymous, field);
  return anonymous;
}

/** Verifies and consumes: true for exactly one caller holding the right code. */
export async function checkAndConsumeCode(
  deps: Pick<CodeDeps, "clock" | "store" | "codeHashKey" | "policy">,
  purpose: CodePurpose,
  subject: string,
  code: unknown,
): Promise<CheckOutcome> {
  const outcome = await verifyCode(deps, purpose, subject, code);
  if (!outcome.ok) return outcome;
  const { consumption } = outcome;
  const consumed = await deps.store.consume(
    consumption.purpose,
    consumption.subject,
    consumption.challengeId,
    nowEpochSeconds(deps.clock),
  );
  // Lost the race to a concurrent holder of the same code: it is gone for this caller.
  return consumed ? outcome : { ok: false, reason: "missing" };
}

/** Maps a failed check of a submitted verification code to the error a client sees. */
function verificationCodeError(
  outcome: Exclude<CheckOutcome, { ok: true }>,
  field: string,
): DomainError {
  if (outcome.reason === "exhausted") {
    return new DomainError(
      "too_many_attempts",
      "This code was tried too many times; request a new one.",
      {
        field,
      },
    );
  }
  return new DomainError("invalid_verification_code", "The verification code is not valid.", {
    field,
  });
}
