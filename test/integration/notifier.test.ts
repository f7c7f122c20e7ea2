import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_RESOURCES } from "../../infra/local/stack.js";
import { freshEmail, freshPhone, sleep } from "../support/http.js";
import { messagesFor, useLocalAwsEnvironment } from "../support/local.js";

beforeAll(() => {
  useLocalAwsEnvironment();
});

function event(id: string, to: string, channel: "sms" | "email") {
  return JSON.stringify({
    id,
    type: "user.tfa.enabled",
    occurredAt: new Date().toISOString(),
    locale: "en",
    recipient: { channel, to },
    data: { method: "tfa_sms" },
  });
}

describe("notifier (SNS topic → SMS or email)", () => {
  it("sends one message for an event published twice (a retried delivery)", async () => {
    const sns = new SNSClient({});
    const phone = freshPhone();
    const id = `evt_test_${Date.now()}`;
    for (let i = 0; i < 2; i++) {
      await sns.send(
        new PublishCommand({
          TopicArn: LOCAL_RESOURCES.eventsTopicArn,
          Message: event(id, phone, "sms"),
        }),
      );
    }
    await sleep(1500);
    const sent = await messagesFor(phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.body).toContain("Two-factor authentication");
  });

  it("sends the email of an email event through SES", async () => {
    const sns = new SNSClient({});
    const email = freshEmail();
    await sns.send(
      new PublishCommand({
        TopicArn: LOCAL_RESOURCES.eventsTopicArn,
        Message: event(`evt_mail_${Date.now()}`, email, "email"),
      }),
    );
    for (let i = 0; i < 30 && (await messagesFor(email)).length === 0; i++) await sleep(100);
    const [mail] = await messagesFor(email);
    expect(mail).toMatchObject({ channel: "email", subject: "Two-factor authentication is on" });
  });
});
