/**
 * The local DynamoDB deletes expired items as DynamoDB's TTL does: items whose TTL attribute
 * (`expiresAt`, a Number of epoch seconds) is past go, late by a bounded delay; an item that
 * has only just expired, a TTL attribute that is not a Number, and an expiry more than five
 * years old are left alone. Checked through @aws-sdk/client-dynamodb against the stack.
 */
import { randomUUID } from "node:crypto";
import {
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, expect, inject, it } from "vitest";

const SWEEP_WAIT_MS = 30_000;
const DAY = 24 * 60 * 60;

let db: DynamoDBClient;
let tableName: string;

beforeAll(() => {
  tableName = inject("tableName");
  db = new DynamoDBClient({
    endpoint: inject("dynamoEndpoint"),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});

afterAll(() => {
  db?.destroy();
});

async function put(pk: string, expiresAt: { N: string } | { S: string }): Promise<void> {
  await db.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: pk }, sk: { S: "TTL" }, expiresAt },
    }),
  );
}

async function exists(pk: string): Promise<boolean> {
  const { Item } = await db.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk }, sk: { S: "TTL" } } }),
  );
  return Item !== undefined;
}

it("TTL is enabled on expiresAt", async () => {
  const { TimeToLiveDescription } = await db.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  expect(TimeToLiveDescription).toMatchObject({
    TimeToLiveStatus: "ENABLED",
    AttributeName: "expiresAt",
  });
});

it(
  "deletes items expired a while ago, and only those",
  async () => {
    const run = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const expired = `TTLTEST#${run}#expired`;
    const future = `TTLTEST#${run}#future`;
    const justExpired = `TTLTEST#${run}#just-expired`;
    const notANumber = `TTLTEST#${run}#string`;
    const ancient = `TTLTEST#${run}#ancient`;
    await put(expired, { N: String(now - DAY) });
    await put(future, { N: String(now + DAY) });
    await put(justExpired, { N: String(now - 1) });
    await put(notANumber, { S: String(now - DAY) });
    await put(ancient, { N: String(now - 6 * 365 * DAY) });

    const deadline = Date.now() + SWEEP_WAIT_MS;
    while ((await exists(expired)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await exists(expired)).toBe(false);
    expect(await exists(future)).toBe(true);
    expect(await exists(justExpired)).toBe(true);
    expect(await exists(notANumber)).toBe(true);
    expect(await exists(ancient)).toBe(true);
  },
  SWEEP_WAIT_MS + 15_000,
);
