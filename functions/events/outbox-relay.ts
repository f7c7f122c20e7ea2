/**
 * The outbox relay: subscribed to the table's stream, it publishes each new outbox item's event
 * to the SNS topic. A failed publish is thrown, so the stream hands the batch again (a record
 * stays 24 hours); subscribers claim each event id, so a record relayed twice is delivered
 * once. A record that is not a readable event is logged and skipped: retrying cannot fix it.
 */
import type { DynamoDBStreamEvent } from "aws-lambda";
import { resources } from "../adapters/config.js";
import { publishToTopic } from "../adapters/event-publisher.js";
import { OUTBOX_PREFIX } from "../adapters/keys.js";
import { logger } from "../adapters/logger.js";
import type { DomainEvent } from "../core/events.js";

const topicArn = resources.eventsTopicArn();

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  for (const record of event.Records) {
    if (record.eventName !== "INSERT") continue;
    const image = record.dynamodb?.NewImage;
    if (!image?.pk?.S?.startsWith(OUTBOX_PREFIX)) continue;
    const parsed = parse(image.event?.S);
    if (parsed === null) {
      logger.error("outbox relay skipped an unreadable event", { key: image.pk.S });
      continue;
    }
    await publishToTopic(topicArn, parsed);
  }
}

function parse(text: string | undefined): DomainEvent | null {
  if (text === undefined) return null;
  try {
    const value = JSON.parse(text) as DomainEvent;
    return typeof value?.id === "string" && typeof value.type === "string" ? value : null;
  } catch {
    return null;
  }
}
