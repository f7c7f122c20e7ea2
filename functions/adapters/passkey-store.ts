/**
 * Passkeys and WebAuthn challenges in DynamoDB.
 *
 * A passkey is an item under its user's partition (`USER#id / PASSKEY#<credential id>`) and a
 * claim `PASSKEY_ID#<credential id> / CLAIM` naming the user: both are put in one transaction
 * conditional on the claim not existing, so a credential id belongs to one user at most.
 * Adding and removing a passkey write its notice (outbox item and security-log entry) in the
 * same transaction, so a passkey never changes untold and no notice tells of a change not made.
 * A use is recorded conditional on the sign count read before it.
 *
 * A challenge is one item `CHALLENGE#<purpose>#<subject> / CHALLENGE` with a TTL; a new one
 * replaces the last, and it is consumed by one conditional delete (same challenge, still
 * live), so it serves one ceremony.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ChallengePurpose, ChallengeStore, Passkey, PasskeyStore } from "../core/passkeys.js";
import {
  documentClient,
  transactIfConditionsHold,
  updateIfConditionHolds,
  writeIfConditionHolds,
} from "./dynamo.js";
import { challengeKey, passkeyClaimKey, passkeyKey, passkeysQuery } from "./keys.js";
import { eventPuts } from "./outbox.js";

function toPasskey(item: Record<string, unknown>): Passkey {
  return {
    id: String(item.credentialId),
    userId: String(item.userId),
    name: String(item.name),
    publicKey: String(item.publicKey),
    signCount: Number(item.signCount),
    transports: Array.isArray(item.transports) ? item.transports.map(String) : [],
    aaguid: String(item.aaguid),
    backupEligible: item.backupEligible === true,
    backedUp: item.backedUp === true,
    createdAt: String(item.createdAt),
    lastUsedAt: typeof item.lastUsedAt === "string" ? item.lastUsedAt : null,
  };
}

export function dynamoPasskeyStore(table: string): PasskeyStore {
  const db = documentClient();

  async function get(userId: string, credentialId: string): Promise<Passkey | null> {
    const { Item } = await db.send(
      new GetCommand({
        TableName: table,
        Key: passkeyKey(userId, credentialId),
        ConsistentRead: true,
      }),
    );
    return Item ? toPasskey(Item) : null;
  }

  return {
    add(passkey, events = []) {
      return transactIfConditionsHold([
        {
          Put: {
            TableName: table,
            Item: {
              ...passkeyClaimKey(passkey.id),
              userId: passkey.userId,
              credentialId: passkey.id,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              ...passkeyKey(passkey.userId, passkey.id),
              credentialId: passkey.id,
              userId: passkey.userId,
              name: passkey.name,
              publicKey: passkey.publicKey,
              signCount: passkey.signCount,
              transports: passkey.transports,
              aaguid: passkey.aaguid,
              backupEligible: passkey.backupEligible,
              backedUp: passkey.backedUp,
              createdAt: passkey.createdAt,
              lastUsedAt: passkey.lastUsedAt,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
        ...eventPuts(table, events),
      ]);
    },

    async list(userId) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            ...passkeysQuery(userId),
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      return items
        .map(toPasskey)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async find(credentialId) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: passkeyClaimKey(credentialId),
          ConsistentRead: true,
        }),
      );
      return Item ? get(String(Item.userId), credentialId) : null;
    },

    rename(userId, credentialId, name) {
      return updateIfConditionHolds({
        TableName: table,
        Key: passkeyKey(userId, credentialId),
        UpdateExpression: "SET #name = :name",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#name": "name" },
        ExpressionAttributeValues: { ":name": name },
      });
    },

    remove(userId, credentialId, events = []) {
      return transactIfConditionsHold([
        {
          Delete: {
            TableName: table,
            Key: passkeyKey(userId, credentialId),
            ConditionExpression: "attribute_exists(pk)",
          },
        },
        {
          Delete: {
            TableName: table,
            Key: passkeyClaimKey(credentialId),
            ConditionExpression: "userId = :user",
            ExpressionAttributeValues: { ":user": userId },
          },
        },
        ...eventPuts(table, events),
      ]);
    },

    recordUse(userId, credentialId, use) {
      return updateIfConditionHolds({
        TableName: table,
        Key: passkeyKey(userId, credentialId),
        UpdateExpression: "SET signCount = :count, backedUp = :backedUp, lastUsedAt = :at",
        ConditionExpression: "attribute_exists(pk) AND signCount = :previous",
        ExpressionAttributeValues: {
          ":count": use.signCount,
          ":backedUp": use.backedUp,
          ":at": use.lastUsedAt,
          ":previous": use.previousSignCount,
        },
      });
    },
  };
}

export function dynamoChallengeStore(table: string): ChallengeStore {
  const db = documentClient();
  return {
    async put(challenge) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...challengeKey(challenge.purpose, challenge.subject),
            purpose: challenge.purpose,
            subject: challenge.subject,
            challenge: challenge.challenge,
            expiresAt: challenge.expiresAtEpochSeconds,
          },
        }),
      );
    },

    async get(purpose, subject) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: challengeKey(purpose, subject),
          ConsistentRead: true,
        }),
      );
      if (!Item) return null;
      return {
        purpose: Item.purpose as ChallengePurpose,
        subject: String(Item.subject),
        challenge: String(Item.challenge),
        expiresAtEpochSeconds: Number(Item.expiresAt),
      };
    },

    consume(purpose, subject, challenge, now) {
      return writeIfConditionHolds(() =>
        db.send(
          new DeleteCommand({
            TableName: table,
            Key: challengeKey(purpose, subject),
            ConditionExpression: "challenge = :challenge AND expiresAt > :now",
            ExpressionAttributeValues: { ":challenge": challenge, ":now": now },
          }),
        ),
      );
    },
  };
}
