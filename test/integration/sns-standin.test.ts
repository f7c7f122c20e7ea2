/**
 * The local SNS answers what a developer uses to inspect a stack (`aws sns list-topics`,
 * `list-subscriptions`, `get-sms-attributes`, `check-if-phone-number-is-opted-out`, …) as SNS
 * does, through @aws-sdk/client-sns, and honours the opt-out list on `Publish`.
 */
import {
  CheckIfPhoneNumberIsOptedOutCommand,
  CreateTopicCommand,
  GetSMSAttributesCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListPhoneNumbersOptedOutCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  NotFoundException,
  OptInPhoneNumberCommand,
  PublishCommand,
  SetSMSAttributesCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import type { SNSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalSns, startLocalSns } from "../../infra/local/sns.js";

const TOPIC = "arn:aws:sns:us-east-1:000000000000:account-events";
const OPTED_OUT = "+15555550100";
const REACHABLE = "+15555550111";

const delivered: SNSEvent[] = [];
async function accountEvents(event: SNSEvent): Promise<void> {
  delivered.push(event);
}

let sns: LocalSns;
let client: SNSClient;

function clientFor(endpoint: string): SNSClient {
  return new SNSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
}

beforeAll(async () => {
  sns = await startLocalSns({
    subscriptions: { [TOPIC]: [accountEvents] },
    optedOutPhoneNumbers: [OPTED_OUT],
    retryDelayMs: 1,
  });
  client = clientFor(sns.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await sns?.stop();
});

async function snsError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error("expected the call to fail");
  return error;
}

describe("topics and subscriptions", () => {
  it("lists the topics and the functions subscribed to them", async () => {
    const { Topics } = await client.send(new ListTopicsCommand({}));
    expect(Topics).toEqual([{ TopicArn: TOPIC }]);

    const { Subscriptions } = await client.send(new ListSubscriptionsCommand({}));
    expect(Subscriptions).toEqual([
      {
        SubscriptionArn: expect.stringMatching(new RegExp(`^${TOPIC}:[0-9a-f-]{36}$`)),
        Owner: "000000000000",
        Protocol: "lambda",
        Endpoint: "arn:aws:lambda:us-east-1:000000000000:function:accountEvents",
        TopicArn: TOPIC,
      },
    ]);
    const byTopic = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(byTopic.Subscriptions).toEqual(Subscriptions);

    const { Attributes } = await client.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(Attributes).toMatchObject({ TopicArn: TOPIC, SubscriptionsConfirmed: "1" });
  });

  it("creates topics idempotently, refuses a bad name, and pages the list", async () => {
    const created = await client.send(new CreateTopicCommand({ Name: "audit" }));
    expect(created.TopicArn).toBe("arn:aws:sns:us-east-1:000000000000:audit");
    const again = await client.send(new CreateTopicCommand({ Name: "audit" }));
    expect(again.TopicArn).toBe(created.TopicArn);

    const badName = await snsError(client.send(new CreateTopicCommand({ Name: "no spaces" })));
    expect(badName).toBeInstanceOf(InvalidParameterException);

    for (let n = 0; n < 120; n++) {
      await client.send(new CreateTopicCommand({ Name: `bulk-${n}` }));
    }
    const first = await client.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await client.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    const arns = [...(first.Topics ?? []), ...(second.Topics ?? [])].map((t) => t.TopicArn);
    expect(arns).toHaveLength(122);
    expect(new Set(arns).size).toBe(122);
    expect(arns).toContain(created.TopicArn);
  });

  it("answers NotFound for a topic that does not exist", async () => {
    const error = await snsError(
      client.send(new GetTopicAttributesCommand({ TopicArn: `${TOPIC}-missing` })),
    );
    expect(error).toBeInstanceOf(NotFoundException);
  });
});

describe("SMS attributes and the opt-out list", () => {
  it("reads and sets SMS attributes", async () => {
    const before = await client.send(new GetSMSAttributesCommand({}));
    expect(before.attributes).toEqual({ MonthlySpendLimit: "1", DefaultSMSType: "Promotional" });

    await client.send(
      new SetSMSAttributesCommand({ attributes: { DefaultSMSType: "Transactional" } }),
    );
    const after = await client.send(
      new GetSMSAttributesCommand({ attributes: ["DefaultSMSType"] }),
    );
    expect(after.attributes).toEqual({ DefaultSMSType: "Transactional" });

    const unknown = await snsError(
      client.send(new SetSMSAttributesCommand({ attributes: { Colour: "blue" } })),
    );
    expect(unknown).toBeInstanceOf(InvalidParameterException);
  });

  it("tells an opted-out number, and Publish to it is accepted but not delivered", async () => {
    const out = await client.send(
      new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: OPTED_OUT }),
    );
    expect(out.isOptedOut).toBe(true);
    const reachable = await client.send(
      new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: REACHABLE }),
    );
    expect(reachable.isOptedOut).toBe(false);
    const listed = await client.send(new ListPhoneNumbersOptedOutCommand({}));
    expect(listed.phoneNumbers).toEqual([OPTED_OUT]);

    const published = await client.send(
      new PublishCommand({ PhoneNumber: OPTED_OUT, Message: "Your code is 123456" }),
    );
    expect(published.MessageId).toEqual(expect.any(String));
    await client.send(new PublishCommand({ PhoneNumber: REACHABLE, Message: "Hello" }));
    expect(sns.sms().map((sms) => sms.to)).toEqual([REACHABLE]);

    // Opting the number back in lets the next message through.
    await client.send(new OptInPhoneNumberCommand({ phoneNumber: OPTED_OUT }));
    const now = await client.send(
      new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: OPTED_OUT }),
    );
    expect(now.isOptedOut).toBe(false);
    await client.send(new PublishCommand({ PhoneNumber: OPTED_OUT, Message: "Again" }));
    expect(sns.sms().map((sms) => sms.to)).toEqual([REACHABLE, OPTED_OUT]);
  });

  it("refuses a malformed phone number with InvalidParameter", async () => {
    const error = await snsError(
      client.send(new CheckIfPhoneNumberIsOptedOutCommand({ phoneNumber: "0612345678" })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
  });

  it("still delivers topic messages to the subscribed function", async () => {
    await client.send(new PublishCommand({ TopicArn: TOPIC, Message: '{"type":"ping"}' }));
    await sns.idle();
    expect(delivered.at(-1)?.Records[0]?.Sns.Message).toBe('{"type":"ping"}');
  });
});

describe("the stack's SNS", () => {
  it("lists the service's events topic and its subscriber", async () => {
    const stackClient = clientFor(inject("snsEndpoint"));
    try {
      const { Topics } = await stackClient.send(new ListTopicsCommand({}));
      expect(Topics?.map((t) => t.TopicArn)).toContain(
        "arn:aws:sns:us-east-1:000000000000:twofa-local-events",
      );
      const { Subscriptions } = await stackClient.send(new ListSubscriptionsCommand({}));
      expect(Subscriptions?.length).toBeGreaterThan(0);
      for (const subscription of Subscriptions ?? []) {
        expect(subscription.Protocol).toBe("lambda");
        expect(subscription.Endpoint).toMatch(/^arn:aws:lambda:us-east-1:000000000000:function:/);
      }
    } finally {
      stackClient.destroy();
    }
  });
});
