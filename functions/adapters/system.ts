/** The real clock and CSPRNG, for the composition of each function. */
import { randomBytes } from "node:crypto";
import type { Clock, Random } from "../core/ports.js";

export const systemClock: Clock = { nowMs: () => Date.now() };
export const systemRandom: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };
