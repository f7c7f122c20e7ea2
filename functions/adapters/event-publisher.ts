/** Domain events to the SNS topic; the event type also goes as a message attribute for filters. */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { DomainEvent, EventPublisher } from "../core/events.js";

let sns: SNSClient | undefined;
export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}

export function snsEventPublisher(topicArn: string): EventPublisher {
  return {
    async publish(event: DomainEvent) {
      await snsClient().send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(event),
          MessageAttributes: { type: { DataType: "String", StringValue: event.type } },
        }),
      );
    },
  };
}
