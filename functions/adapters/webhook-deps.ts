/** The webhook dispatcher's and the retry's dependencies, once per cold start. */
import type { WebhookDeps } from "../core/webhooks.js";
import { booleanFromEnv, intFromEnv, keyFromSecret, resources } from "./config.js";
import { systemClock, systemRandom } from "./system.js";
import { httpWebhookSender } from "./webhook-sender.js";
import { dynamoWebhookStore } from "./webhook-store.js";

/** `WEBHOOK_ALLOW_LOOPBACK=true` lets webhooks reach 127.0.0.1: the local stack's setting. */
export function readWebhookAllowLoopback(): boolean {
  return booleanFromEnv("WEBHOOK_ALLOW_LOOPBACK", false);
}

export function composeWebhookDeps(): WebhookDeps {
  return {
    clock: systemClock,
    random: systemRandom,
    store: dynamoWebhookStore(resources.tableName()),
    sender: httpWebhookSender({
      encryptionKey: keyFromSecret("EncryptionKey"),
      // A slow endpoint is cut off: it delays neither other endpoints nor the next events.
      timeoutMs: intFromEnv("WEBHOOK_TIMEOUT_SECONDS", 5, [1, 20]) * 1000,
      allowLoopback: readWebhookAllowLoopback(),
    }),
  };
}
