/**
 * Subscribed to the domain-event topic: each event becomes one delivery per webhook endpoint
 * that asked for its type, attempted at once. A failed attempt is not an error here: the
 * delivery waits for the scheduled retry (`webhook-retry`). Deliveries are created once per
 * endpoint and event, so a topic message handed twice delivers nothing twice.
 */
import type { SNSEvent } from "aws-lambda";
import { logger } from "../adapters/logger.js";
import { composeWebhookDeps } from "../adapters/webhook-deps.js";
import { type DomainEvent, EVENT_TYPES } from "../core/events.js";
import { dispatchEvent } from "../core/webhooks.js";

const deps = composeWebhookDeps();

export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const parsed = parse(record.Sns.Message);
    if (parsed === null) {
      logger.error("webhook dispatcher dropped a malformed event", {
        messageId: record.Sns.MessageId,
      });
      continue;
    }
    await dispatchEvent(deps, parsed);
  }
}

function parse(text: string): DomainEvent | null {
  try {
    const value = JSON.parse(text) as DomainEvent;
    const known = (EVENT_TYPES as readonly string[]).includes(value?.type);
    return known && typeof value.id === "string" && typeof value.occurredAt === "string"
      ? value
      : null;
  } catch {
    return null;
  }
}
