/**
 * The ports core depends on. Adapters implement them; tests pass fakes. Nothing here performs
 * I/O by itself, so core stays testable with a pinned clock and a scripted random source.
 */

export interface Clock {
  nowMs(): number;
}

export interface Random {
  /** `n` bytes from a CSPRNG. */
  bytes(n: number): Uint8Array;
}

export function nowEpochSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}
