/**
 * Run on a schedule (every minute in AWS, every few seconds locally): attempts each webhook
 * delivery whose next attempt is due, side by side, each with the sender's timeout.
 */
import { logger } from "../adapters/logger.js";
import { composeWebhookDeps } from "../adapters/webhook-deps.js";
import { retryDueDeliveries } from "../core/webhooks.js";

const deps = composeWebhookDeps();

export async function handler(): Promise<{ attempted: number }> {
  const attempted = await retryDueDeliveries(deps);
  if (attempted > 0) logger.info("webhook retries", { attempted });
  return { attempted };
}
