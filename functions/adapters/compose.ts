/**
 * Composition: builds core's dependencies from the adapters, once per cold start. Each handler
 * calls only the builders it needs, so it reads only the configuration it is linked to.
 */
import type { CodeDeps } from "../core/verification-codes.js";
import { dynamoCodeStore } from "./code-store.js";
import { keyFromSecret, readCodePolicy, resources } from "./config.js";
import { snsEventPublisher } from "./event-publisher.js";
import { dynamoRateLimiter } from "./rate-limiter.js";
import { systemClock, systemRandom } from "./system.js";

export function composeCodeDeps(): CodeDeps {
  const table = resources.tableName();
  return {
    clock: systemClock,
    random: systemRandom,
    codes: dynamoCodeStore(table),
    limiter: dynamoRateLimiter(table),
    events: snsEventPublisher(resources.eventsTopicArn()),
    policy: readCodePolicy(),
    codeHashKey: keyFromSecret("CodeHashKey"),
    encryptionKey: keyFromSecret("EncryptionKey"),
  };
}
