/**
 * Subscribed to the domain-event topic: sends the SMS or email each event calls for. A failure
 * is thrown so that Lambda's asynchronous retries try again; the delivery record keeps a retry
 * from sending twice.
 */
import type { SNSEvent } from "aws-lambda";
import * as v from "valibot";
import { keyFromSecret, readCodePolicy, resources, stringFromEnv } from "../adapters/config.js";
import { dynamoDeliveryStore } from "../adapters/delivery-store.js";
import { logger } from "../adapters/logger.js";
import { dynamoRateLimiter } from "../adapters/rate-limiter.js";
import { awsMessageSender } from "../adapters/senders.js";
import { systemClock } from "../adapters/system.js";
import { inWords, readTemplates } from "../adapters/templates.js";
import { EVENT_TYPES, LOCALES } from "../core/events.js";
import { deliverNotification, type NotifierDeps } from "../core/notifications.js";

const EventSchema = v.object({
  id: v.string(),
  type: v.picklist(EVENT_TYPES),
  occurredAt: v.string(),
  locale: v.picklist(LOCALES),
  recipient: v.optional(v.object({ channel: v.picklist(["sms", "email"]), to: v.string() })),
  sealedCode: v.optional(v.string()),
  data: v.record(v.string(), v.union([v.string(), v.number()])),
});

const deps: NotifierDeps = {
  clock: systemClock,
  limiter: dynamoRateLimiter(resources.tableName()),
  policy: readCodePolicy(),
  sender: awsMessageSender(resources.emailSender()),
  deliveries: dynamoDeliveryStore(resources.tableName()),
  templates: readTemplates(),
  encryptionKey: keyFromSecret("EncryptionKey"),
  serviceName: stringFromEnv("SERVICE_NAME", "Twofa"),
};

export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const parsed = v.safeParse(EventSchema, safeJson(record.Sns.Message));
    if (!parsed.success) {
      // Retrying cannot fix a malformed event: record it and move on.
      logger.error("notifier dropped a malformed event", { messageId: record.Sns.MessageId });
      continue;
    }
    const outcome = await deliverNotification(deps, inWords(parsed.output));
    logger.info("notification", { eventId: parsed.output.id, type: parsed.output.type, outcome });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
