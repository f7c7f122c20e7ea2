import { randomUUID } from "node:crypto";
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { afterAll, describe, expect, inject, it } from "vitest";
import { apiUrl, latestCodeFor, messagesFor } from "../support/local.js";

const clientConfig = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
};
const dynamo = new DynamoDBClient({ ...clientConfig, endpoint: inject("dynamoEndpoint") });
const sns = new SNSClient({ ...clientConfig, endpoint: inject("snsEndpoint") });
const ses = new SESClient({ ...clientConfig, endpoint: inject("sesEndpoint") });

afterAll(() => {
  for (const client of [dynamo, sns, ses]) client.destroy();
});

/** A phone number no other test uses, so `?to=` sees only this test's messages. */
function uniquePhoneNumber(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}

describe("local SNS and SES", () => {
  it("the local SNS endpoint records an SMS published to a phone number", async () => {
    const to = uniquePhoneNumber();
    const sent = await sns.send(
      new PublishCommand({
        PhoneNumber: to,
        Message: "Your code is 123456",
        MessageAttributes: {
          "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
        },
      }),
    );

    expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const messages = await messagesFor(to);
    expect(messages).toEqual([
      { channel: "sms", to, body: "Your code is 123456", sentAt: expect.any(String) },
    ]);
    expect(await latestCodeFor(to)).toBe("123456");
  });

  it("the local SNS endpoint rejects a phone number that is not E.164", async () => {
    await expect(
      sns.send(new PublishCommand({ PhoneNumber: "0612345678", Message: "x" })),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
  });

  it("an email sent through SES appears in /_local/messages", async () => {
    const to = `someone-${randomUUID()}@example.com`;
    await ses.send(
      new SendEmailCommand({
        Source: "no-reply@twofa.local",
        Destination: { ToAddresses: [to] },
        Message: { Subject: { Data: "Your code" }, Body: { Text: { Data: "Code: 654321" } } },
      }),
    );

    const [email, ...others] = await messagesFor(to);
    expect(others).toEqual([]);
    expect(email).toMatchObject({
      channel: "email",
      to,
      subject: "Your code",
      body: "Code: 654321",
    });
    expect(Date.parse(email?.sentAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("local API server", () => {
  it("an unknown route answers 404 not_found", async () => {
    const response = await fetch(`${apiUrl()}/v1/no_such_thing`);

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "not_found",
      error_description: "No route for GET /v1/no_such_thing",
    });
  });

  it("a wrong method answers 405 with Allow", async () => {
    const response = await fetch(`${apiUrl()}/v1/phone_verification_codes`);

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({ error: "method_not_allowed" });
  });

  it("an oversized body answers 413", async () => {
    const response = await fetch(`${apiUrl()}/v1/phone_verification_codes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ phoneNumber: "+15550000000", padding: "x".repeat(1024 * 1024) }),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "payload_too_large" });
  });

  it("/_local/messages filters by exact recipient", async () => {
    const to = uniquePhoneNumber();
    await sns.send(new PublishCommand({ PhoneNumber: to, Message: "first" }));
    await sns.send(new PublishCommand({ PhoneNumber: `${to}9`, Message: "not for you" }));

    expect((await messagesFor(to)).map((message) => message.body)).toEqual(["first"]);
  });
});

describe("DynamoDB Local", () => {
  it("the table exists with TTL on expiresAt", async () => {
    const TableName = inject("tableName");
    const table = await dynamo.send(new DescribeTableCommand({ TableName }));
    const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName }));

    expect(table.Table?.KeySchema).toEqual([
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    expect(table.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(["gsi1"]);
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: "expiresAt",
      TimeToLiveStatus: "ENABLED",
    });
  });

  it("DynamoDB Local enforces conditional writes", async () => {
    const put = new PutItemCommand({
      TableName: inject("tableName"),
      Item: { pk: { S: `test#${randomUUID()}` }, sk: { S: "once" } },
      ConditionExpression: "attribute_not_exists(pk)",
    });

    await expect(dynamo.send(put)).resolves.toBeDefined();
    await expect(dynamo.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
