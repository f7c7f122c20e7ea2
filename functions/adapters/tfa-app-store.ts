/**
 * Authenticator-app enrollments and backup codes in DynamoDB, beside the user's profile:
 * `USER#id / TOTP_PENDING` (the enrollment until validated, with a TTL),
 * `USER#id / BACKUP#<hash>` (one per backup code; `usedAt` once spent) and
 * `USER#id / BACKUP_REVEAL` (the fresh codes, sealed, for one read). Linking, replacing codes
 * and unlinking are each one transaction conditional on the user's version.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type {
  BackupCodeState,
  NewBackupCodes,
  PendingEnrollment,
  TfaAppStore,
} from "../core/authenticator-app.js";
import type { User } from "../core/users.js";
import { backupCodeKey } from "./app-factors.js";
import { documentClient, isConditionFailure, isTransactionConditionFailure } from "./dynamo.js";
import { userKey } from "./user-store.js";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

function pendingKey(userId: string) {
  return { pk: `USER#${userId}`, sk: "TOTP_PENDING" };
}

function revealKey(userId: string) {
  return { pk: `USER#${userId}`, sk: "BACKUP_REVEAL" };
}

function toPending(item: Record<string, unknown>): PendingEnrollment {
  return {
    sealedSecret: String(item.sealedSecret),
    createdAtEpochSeconds: Number(item.createdAt),
    expiresAtEpochSeconds: Number(item.expiresAt),
  };
}

type Attr = { S?: string; N?: string } | undefined;

export function dynamoTfaAppStore(table: string): TfaAppStore {
  const db = documentClient();

  /** Every backup-code item of a user (a handful: one query page in practice). */
  const backupItems = async (userId: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": `USER#${userId}`, ":prefix": "BACKUP#" },
          ProjectionExpression: "pk, sk, #position, usedAt",
          ExpressionAttributeNames: { "#position": "position" },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  const backupKeys = async (userId: string) =>
    (await backupItems(userId)).map((item) => ({ pk: String(item.pk), sk: String(item.sk) }));

  /** Deletes every current backup code and puts the new ones (and their reveal, if any). */
  const codeItems = async (userId: string, codes: NewBackupCodes, now: string) => {
    const items: TransactItem[] = (await backupKeys(userId)).map((Key) => ({
      Delete: { TableName: table, Key },
    }));
    codes.hashes.forEach((hash, position) => {
      items.push({
        Put: {
          TableName: table,
          Item: { ...backupCodeKey(userId, hash), position, createdAt: now },
        },
      });
    });
    items.push(
      codes.reveal
        ? {
            Put: {
              TableName: table,
              Item: {
                ...revealKey(userId),
                sealedCodes: codes.reveal.sealedCodes,
                expiresAt: codes.reveal.expiresAtEpochSeconds,
              },
            },
          }
        : { Delete: { TableName: table, Key: revealKey(userId) } },
    );
    return items;
  };

  /** False when a condition failed or a concurrent transaction on the same items won. */
  const transact = async (items: TransactItem[]) => {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isTransactionConditionFailure(error)) return false;
      throw error;
    }
  };

  return {
    async keepPending(userId, candidate, reuseFrom, now) {
      try {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...pendingKey(userId),
              sealedSecret: candidate.sealedSecret,
              createdAt: candidate.createdAtEpochSeconds,
              expiresAt: candidate.expiresAtEpochSeconds,
            },
            ConditionExpression:
              "attribute_not_exists(pk) OR createdAt < :reuseFrom OR expiresAt <= :now",
            ExpressionAttributeValues: { ":reuseFrom": reuseFrom, ":now": now },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return candidate;
      } catch (error) {
        if (!isConditionFailure(error) || !error.Item) throw error;
        const old = error.Item as Record<string, Attr>;
        return {
          sealedSecret: String(old.sealedSecret?.S),
          createdAtEpochSeconds: Number(old.createdAt?.N),
          expiresAtEpochSeconds: Number(old.expiresAt?.N),
        };
      }
    },

    async getPending(userId, now) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: pendingKey(userId), ConsistentRead: true }),
      );
      if (!Item || Number(Item.expiresAt) <= now) return null;
      return toPending(Item);
    },

    async link(user: User, next: User, pending: PendingEnrollment, codes: NewBackupCodes) {
      const now = next.totp?.linkedAt ?? new Date().toISOString();
      return transact([
        {
          Update: {
            TableName: table,
            Key: userKey(user.id),
            UpdateExpression:
              "SET totp = :totp, authMethod = :method, previousAuthMethod = :previous, version = :next",
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: {
              ":totp": next.totp,
              ":method": next.authMethod,
              ":previous": next.previousAuthMethod,
              ":next": next.version,
              ":v": user.version,
            },
          },
        },
        {
          Delete: {
            TableName: table,
            Key: pendingKey(user.id),
            ConditionExpression: "sealedSecret = :s",
            ExpressionAttributeValues: { ":s": pending.sealedSecret },
          },
        },
        ...(await codeItems(user.id, codes, now)),
      ]);
    },

    async replaceBackupCodes(user, codes) {
      return transact([
        {
          Update: {
            TableName: table,
            Key: userKey(user.id),
            UpdateExpression: "SET version = :next",
            ConditionExpression: "version = :v AND totp.sealedSecret = :s",
            ExpressionAttributeValues: {
              ":next": user.version + 1,
              ":v": user.version,
              ":s": user.totp?.sealedSecret ?? "",
            },
          },
        },
        ...(await codeItems(user.id, codes, new Date().toISOString())),
      ]);
    },

    async unlink(user, next) {
      const items: TransactItem[] = [
        {
          Update: {
            TableName: table,
            Key: userKey(user.id),
            UpdateExpression:
              "SET authMethod = :method, version = :next REMOVE totp, previousAuthMethod",
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: {
              ":method": next.authMethod,
              ":next": next.version,
              ":v": user.version,
            },
          },
        },
        { Delete: { TableName: table, Key: pendingKey(user.id) } },
        { Delete: { TableName: table, Key: revealKey(user.id) } },
        ...(await backupKeys(user.id)).map((Key) => ({ Delete: { TableName: table, Key } })),
      ];
      return transact(items);
    },

    async listBackupCodes(userId): Promise<BackupCodeState[]> {
      return (await backupItems(userId)).map((item) => ({
        position: Number(item.position),
        used: item.usedAt !== undefined,
      }));
    },

    async takeBackupCodeReveal(userId, now) {
      try {
        const { Attributes } = await db.send(
          new DeleteCommand({
            TableName: table,
            Key: revealKey(userId),
            ConditionExpression: "attribute_exists(pk) AND expiresAt > :now",
            ExpressionAttributeValues: { ":now": now },
            ReturnValues: "ALL_OLD",
          }),
        );
        return Attributes?.sealedCodes === undefined ? null : String(Attributes.sealedCodes);
      } catch (error) {
        if (isConditionFailure(error)) return null;
        throw error;
      }
    },
  };
}
