/**
 * The domain-event topic: the outbox relay publishes each saved event here (see outbox.ts),
 * with its type as a message attribute for filters.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { DomainEvent } from "../core/events.js";

let sns: SNSClient | undefined;
export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}

/** Publishes an event to the topic, with its type as a message attribute for filters. */
export async function publishToTopic(topicArn: string, event: DomainEvent): Promise<void> {
  await snsClient().send(
    new PublishCommand({
      TopicArn: topicArn,
      Message: JSON.stringify(event),
      MessageAttributes: { type: { DataType: "String", StringValue: event.type } },
    }),
  );
}
