/** The two ways a message leaves the service: SMS through SNS, email through SES. */
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { PublishCommand } from "@aws-sdk/client-sns";
import type { MessageSender } from "../core/notifications.js";
import { snsClient } from "./event-publisher.js";

let ses: SESClient | undefined;

export function awsMessageSender(emailSender: string): MessageSender {
  return {
    async sendSms(to, text) {
      const { MessageId } = await snsClient().send(
        new PublishCommand({
          PhoneNumber: to,
          Message: text,
          MessageAttributes: {
            // Codes are time-critical: transactional routing, not promotional.
            "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
          },
        }),
      );
      return MessageId ?? "";
    },
    async sendEmail(to, subject, text) {
      ses ??= new SESClient({});
      const { MessageId } = await ses.send(
        new SendEmailCommand({
          Source: emailSender,
          Destination: { ToAddresses: [to] },
          Message: {
            Subject: { Data: subject, Charset: "UTF-8" },
            Body: { Text: { Data: text, Charset: "UTF-8" } },
          },
        }),
      );
      return MessageId ?? "";
    },
  };
}
