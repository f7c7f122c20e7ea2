/**
 * A passkey added or removed and its notice against DynamoDB Local: the passkey's items, the
 * notice's outbox item and its security-log entry are one transaction, saved both or neither.
 */
import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { resources } from "../../functions/adapters/config.js";
import { documentClient } from "../../functions/adapters/dynamo.js";
import { outboxKey, securityEventsQuery } from "../../functions/adapters/keys.js";
import { dynamoPasskeyStore } from "../../functions/adapters/passkey-store.js";
import type { DomainEvent } from "../../functions/core/events.js";
import type { Passkey } from "../../functions/core/passkeys.js";
import { freshId } from "../support/contracts/common.js";
import { useLocalAwsEnvironment } from "../support/local.js";

beforeAll(() => {
  useLocalAwsEnvironment();
});

const table = () => resources.tableName();

function aPasskey(userId: string): Passkey {
  return {
    id: freshId("cred"),
    userId,
    name: "Laptop",
    publicKey: "pQECAyYgASFYIA",
    signCount: 0,
    transports: ["internal"],
    aaguid: "00000000-0000-0000-0000-000000000000",
    backupEligible: true,
    backedUp: false,
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
  };
}

function notice(passkey: Passkey, type: "user.passkey.added" | "user.passkey.removed") {
  return {
    id: `evt_passkey_${randomUUID()}`,
    type,
    occurredAt: new Date().toISOString(),
    locale: "en",
    userId: passkey.userId,
    data: { name: passkey.name, credentialId: passkey.id },
  } satisfies DomainEvent;
}

async function outboxHas(eventId: string): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: table(), Key: outboxKey(eventId), ConsistentRead: true }),
  );
  return Item?.event !== undefined;
}

async function logTypes(userId: string): Promise<string[]> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({ TableName: table(), ...securityEventsQuery(userId), ConsistentRead: true }),
  );
  return Items.map((item) => String((item.entry as { type: string }).type));
}

/** Makes the event's outbox item impossible to write: its id is taken. */
async function takeId(event: DomainEvent): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: table(), Item: { ...outboxKey(event.id), taken: true } }),
  );
}

describe("a passkey change and its notice, one transaction", () => {
  it("adding saves the passkey, the outbox item and the log entry together", async () => {
    const store = dynamoPasskeyStore(table());
    const passkey = aPasskey(freshId("usr_"));
    const added = notice(passkey, "user.passkey.added");
    expect(await store.add(passkey, [added])).toBe(true);
    expect(await store.find(passkey.id)).toEqual(passkey);
    expect(await outboxHas(added.id)).toBe(true);
    expect(await logTypes(passkey.userId)).toEqual(["user.passkey.added"]);
  });

  it("adding saves no passkey when its notice cannot be written", async () => {
    const store = dynamoPasskeyStore(table());
    const passkey = aPasskey(freshId("usr_"));
    const added = notice(passkey, "user.passkey.added");
    await takeId(added);
    expect(await store.add(passkey, [added])).toBe(false);
    expect(await store.find(passkey.id)).toBeNull();
    expect(await logTypes(passkey.userId)).toEqual([]);
  });

  it("removing deletes the passkey with its notice written, or keeps it when the notice cannot be", async () => {
    const store = dynamoPasskeyStore(table());
    const passkey = aPasskey(freshId("usr_"));
    expect(await store.add(passkey)).toBe(true);
    const blocked = notice(passkey, "user.passkey.removed");
    await takeId(blocked);
    expect(await store.remove(passkey.userId, passkey.id, [blocked])).toBe(false);
    expect(await store.find(passkey.id)).toEqual(passkey);
    expect(await logTypes(passkey.userId)).toEqual([]);

    const removed = notice(passkey, "user.passkey.removed");
    expect(await store.remove(passkey.userId, passkey.id, [removed])).toBe(true);
    expect(await store.find(passkey.id)).toBeNull();
    expect(await outboxHas(removed.id)).toBe(true);
    expect(await logTypes(passkey.userId)).toEqual(["user.passkey.removed"]);
  });
});
