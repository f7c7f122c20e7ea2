/**
 * In-memory fakes of core's ports, with the same atomicity as the DynamoDB adapters (each
 * method is one synchronous step, as a conditional write is), a pinned clock and a scripted
 * random source.
 */
import type { DomainEvent, EventPublisher } from "../../functions/core/events.js";
import type { Clock, Random } from "../../functions/core/ports.js";
import type {
  CodeStore,
  LimitOutcome,
  RateLimiter,
  StoredCode,
} from "../../functions/core/verification-codes.js";

export class FakeClock implements Clock {
  constructor(public ms = Date.UTC(2026, 10, 22, 12, 0, 0)) {}
  nowMs() {
    return this.ms;
  }
  advanceSeconds(seconds: number) {
    this.ms += seconds * 1000;
  }
}

/** Deterministic bytes: a counter run through a simple mixer, reproducible per seed. */
export class SeededRandom implements Random {
  private state: number;
  constructor(seed = 1) {
    this.state = seed;
  }
  bytes(n: number) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
      out[i] = this.state >>> 24;
    }
    return out;
  }
}

export class MemoryCodeStore implements CodeStore {
  readonly items = new Map<string, StoredCode>();
  private key(purpose: string, subject: string) {
    return `${purpose}#${subject}`;
  }
  async put(code: StoredCode) {
    this.items.set(this.key(code.purpose, code.subject), { ...code });
  }
  async reserveAttempt(purpose: StoredCode["purpose"], subject: string, now: number) {
    const item = this.items.get(this.key(purpose, subject));
    if (!item) return { ok: false as const, reason: "missing" as const };
    if (item.expiresAtEpochSeconds <= now)
      return { ok: false as const, reason: "expired" as const };
    if (item.attempts >= item.maxAttempts)
      return { ok: false as const, reason: "exhausted" as const };
    item.attempts += 1;
    return { ok: true as const, code: { ...item } };
  }
  async consume(purpose: StoredCode["purpose"], subject: string, challengeId: string) {
    const key = this.key(purpose, subject);
    if (this.items.get(key)?.challengeId !== challengeId) return false;
    this.items.delete(key);
    return true;
  }
}

export class MemoryRateLimiter implements RateLimiter {
  readonly windows = new Map<string, { start: number; hits: number; last: number }>();
  async hit(input: Parameters<RateLimiter["hit"]>[0]): Promise<LimitOutcome> {
    const { key, limit, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now } = input;
    if (limit <= 0) return { ok: false, reason: "limit", retryAfterSeconds: windowSeconds };
    const w = this.windows.get(key);
    if (!w || w.start <= now - windowSeconds) {
      this.windows.set(key, { start: now, hits: 1, last: now });
      return { ok: true };
    }
    if (w.hits >= limit) {
      return { ok: false, reason: "limit", retryAfterSeconds: w.start + windowSeconds - now };
    }
    if (w.last > now - cooldownSeconds) {
      return { ok: false, reason: "cooldown", retryAfterSeconds: w.last + cooldownSeconds - now };
    }
    w.hits += 1;
    w.last = now;
    return { ok: true };
  }
}

export class MemoryEvents implements EventPublisher {
  readonly published: DomainEvent[] = [];
  async publish(event: DomainEvent) {
    this.published.push(event);
  }
}
