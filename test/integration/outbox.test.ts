/**
 * The transactional outbox against DynamoDB Local: a change and the events about it are saved
 * in one transaction (both or neither), the stream carries saved events to the relay, and a
 * failed publish is handed again until it goes.
 */
import { randomUUID } from "node:crypto";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { resources } from "../../functions/adapters/config.js";
import { documentClient } from "../../functions/adapters/dynamo.js";
import { outboxKey, securityEventsQuery, userKey } from "../../functions/adapters/keys.js";
import { dynamoUserStore } from "../../functions/adapters/user-store.js";
import type { DomainEvent } from "../../functions/core/events.js";
import type { User } from "../../functions/core/users.js";
import { PROJECT_ROOT } from "../../infra/local/stack.js";
import { startStreamPoller } from "../../infra/local/streams.js";
import { freshEmail, sleep } from "../support/http.js";
import { messagesFor, useLocalAwsEnvironment } from "../support/local.js";

beforeAll(() => {
  useLocalAwsEnvironment();
});

function aUser(): User {
  const id = `usr_outbox_${randomUUID()}`;
  return {
    id,
    username: id,
    passwordHash: "unused",
    authMethod: "tfa_email",
    email: freshEmail(),
    locale: "en",
    createdAt: new Date().toISOString(),
    version: 1,
  };
}

function disabledNotice(user: User): DomainEvent {
  return {
    id: `evt_outbox_${randomUUID()}`,
    type: "user.tfa.disabled",
    occurredAt: new Date().toISOString(),
    locale: "en",
    userId: user.id,
    recipient: { channel: "email", to: user.email ?? "" },
    data: { userId: user.id },
  };
}

const table = () => resources.tableName();

async function stored(user: User): Promise<User | undefined> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table(), Key: userKey(user.id), ConsistentRead: true }),
  );
  return Item as User | undefined;
}

async function outboxHas(eventId: string): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table(), Key: outboxKey(eventId), ConsistentRead: true }),
  );
  return Item !== undefined;
}

async function logOf(userId: string): Promise<unknown[]> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({ TableName: table(), ...securityEventsQuery(userId), ConsistentRead: true }),
  );
  return Items;
}

async function created(): Promise<User> {
  const user = aUser();
  const users = dynamoUserStore(table());
  expect((await users.create(user, { nowEpochSeconds: Math.floor(Date.now() / 1000) })).ok).toBe(
    true,
  );
  return user;
}

const turnOff = { set: { authMethod: "simple" as const }, nowEpochSeconds: 0 };

describe("a change and its events, both or neither", () => {
  it("both: the change, its log entry and its outbox item are saved, and the notice is sent", async () => {
    const user = await created();
    const notice = disabledNotice(user);
    const written = await dynamoUserStore(table()).update(user, { ...turnOff, events: [notice] });
    expect(written.ok).toBe(true);
    expect((await stored(user))?.authMethod).toBe("simple");
    expect(await outboxHas(notice.id)).toBe(true);
    expect(await logOf(user.id)).toHaveLength(1);
    // The stream carries it to the relay, the relay to the topic, the topic to the notifier.
    const email = user.email ?? "";
    for (let i = 0; i < 50 && (await messagesFor(email)).length === 0; i++) await sleep(100);
    expect(await messagesFor(email)).toHaveLength(1);
  });

  it("neither: when the change loses its condition, no event is saved", async () => {
    const user = await created();
    const notice = disabledNotice(user);
    const stale = { ...user, version: 0 };
    const written = await dynamoUserStore(table()).update(stale, { ...turnOff, events: [notice] });
    expect(written).toEqual({ ok: false, reason: "conflict" });
    expect(await outboxHas(notice.id)).toBe(false);
    expect(await logOf(user.id)).toHaveLength(0);
    await sleep(500);
    expect(await messagesFor(user.email ?? "")).toHaveLength(0);
  });

  it("neither: when the event cannot be saved, the change is not made", async () => {
    const user = await created();
    const notice = disabledNotice(user);
    // Inject the failure: the event's outbox item cannot be written (its id is taken).
    await documentClient().send(
      new PutCommand({ TableName: table(), Item: { ...outboxKey(notice.id), taken: true } }),
    );
    const written = await dynamoUserStore(table()).update(user, { ...turnOff, events: [notice] });
    expect(written.ok).toBe(false);
    expect((await stored(user))?.authMethod).toBe("tfa_email");
    expect((await stored(user))?.version).toBe(1);
    expect(await logOf(user.id)).toHaveLength(0);
  });
});

describe("the table's stream, locally", () => {
  it("hands a batch again after its subscriber fails, until it succeeds, in order", async () => {
    const client = new DynamoDBClient({});
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table() }));
    const nonce = randomUUID();
    const poller = startStreamPoller({
      endpoint: String(process.env.AWS_ENDPOINT_URL_DYNAMODB),
      streamArn: String(Table?.LatestStreamArn),
      subscribers: [
        {
          handler: "test/fixtures/flaky-stream-subscriber",
          link: [],
          pkPrefix: `OUTBOX#evt_flaky_${nonce}`,
        },
      ],
      root: PROJECT_ROOT,
      retryDelayMs: 20,
    });
    try {
      const ids = [1, 2, 3].map((n) => `evt_flaky_${nonce}_${n}`);
      for (const id of ids) {
        await documentClient().send(
          new PutCommand({
            TableName: table(),
            Item: { ...outboxKey(id), event: JSON.stringify({ id }) },
          }),
        );
      }
      const state = () =>
        (globalThis as { __flakyStream?: { calls: number; delivered: string[] } }).__flakyStream;
      for (let i = 0; i < 100 && (state()?.delivered.length ?? 0) < 3; i++) await sleep(50);
      expect(state()?.delivered).toEqual(ids);
      expect(state()?.calls).toBeGreaterThanOrEqual(3);
    } finally {
      await poller.stop();
      client.destroy();
    }
  });
});
