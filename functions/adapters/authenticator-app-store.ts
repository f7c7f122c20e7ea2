/**
 * Authenticator apps in DynamoDB, beside the user's profile: the pending enrollment (with a
 * TTL), the linked app's factor on the user item, one item per backup code (`usedAt` once
 * spent) and the fresh codes, sealed, for one read (keys in `keys.ts`). Linking, replacing
 * codes and unlinking are each one transaction conditional on the user's version; accepting a
 * TOTP step and spending a backup code are each one conditional write.
 */

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type {
  AuthenticatorAppStore,
  BackupCodeState,
  NewBackupCodes,
  PendingEnrollment,
} from "../core/authenticator-app.js";
import type { User } from "../core/users.js";
import {
  documentClient,
  ifConditionHolds,
  oldNumber,
  oldString,
  transactIfConditionsHold,
  updateIfConditionHolds,
} from "./dynamo.js";
import {
  backupCodeKey,
  backupCodeRevealKey,
  backupCodesQuery,
  pendingEnrollmentKey,
  userKey,
} from "./keys.js";
import { eventPuts } from "./outbox.js";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/**
 * The user item's write when the authenticator app goes (unlink, or an administrator's reset):
 * the method `next` names, no TOTP secret nor previous method, conditional on the version read.
 */
export function appRemovedUserUpdate(table: string, user: User, next: User): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: userKey(user.id),
      UpdateExpression: "SET authMethod = :method, version = :next REMOVE totp, previousAuthMethod",
      ConditionExpression: "version = :v",
      ExpressionAttributeValues: {
        ":method": next.authMethod,
        ":next": next.version,
        ":v": user.version,
      },
    },
  };
}

function toPending(item: Record<string, unknown>): PendingEnrollment {
  return {
    sealedSecret: String(item.sealedSecret),
    createdAtEpochSeconds: Number(item.createdAt),
    expiresAtEpochSeconds: Number(item.expiresAt),
  };
}

export function dynamoAuthenticatorAppStore(table: string): AuthenticatorAppStore {
  const db = documentClient();

  /** Every backup-code item of a user (a handful: one query page in practice). */
  const backupItems = async (userId: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          ...backupCodesQuery(userId),
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
  const codeItems = async (userId: string, codes: NewBackupCodes) => {
    const items: TransactItem[] = (await backupKeys(userId)).map((Key) => ({
      Delete: { TableName: table, Key },
    }));
    codes.hashes.forEach((hash, position) => {
      items.push({
        Put: {
          TableName: table,
          Item: { ...backupCodeKey(userId, hash), position, createdAt: codes.createdAt },
        },
      });
    });
    items.push(
      codes.reveal
        ? {
            Put: {
              TableName: table,
              Item: {
                ...backupCodeRevealKey(userId),
                sealedCodes: codes.reveal.sealedCodes,
                expiresAt: codes.reveal.expiresAtEpochSeconds,
              },
            },
          }
        : { Delete: { TableName: table, Key: backupCodeRevealKey(userId) } },
    );
    return items;
  };

  return {
    async keepPending(userId, candidate, reuseFrom, now) {
      return ifConditionHolds(
        async () => {
          await db.send(
            new PutCommand({
              TableName: table,
              Item: {
                ...pendingEnrollmentKey(userId),
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
        },
        ({ old }) => {
          // The condition failed, so the item exists and DynamoDB returned it.
          if (!old) throw new Error("a pending enrollment refused the write but was not returned");
          return {
            sealedSecret: oldString(old, "sealedSecret"),
            createdAtEpochSeconds: oldNumber(old, "createdAt"),
            expiresAtEpochSeconds: oldNumber(old, "expiresAt"),
          };
        },
      );
    },

    async getPending(userId, now) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: pendingEnrollmentKey(userId),
          ConsistentRead: true,
        }),
      );
      if (!Item || Number(Item.expiresAt) <= now) return null;
      return toPending(Item);
    },

    async link(
      user: User,
      next: User,
      pending: PendingEnrollment,
      codes: NewBackupCodes,
      events = [],
    ) {
      return transactIfConditionsHold([
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
            Key: pendingEnrollmentKey(user.id),
            ConditionExpression: "sealedSecret = :s",
            ExpressionAttributeValues: { ":s": pending.sealedSecret },
          },
        },
        ...(await codeItems(user.id, codes)),
        ...eventPuts(table, events),
      ]);
    },

    async replaceBackupCodes(user, codes, events = []) {
      return transactIfConditionsHold([
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
        ...(await codeItems(user.id, codes)),
        ...eventPuts(table, events),
      ]);
    },

    async unlink(user, next, events = []) {
      const items: TransactItem[] = [
        appRemovedUserUpdate(table, user, next),
        { Delete: { TableName: table, Key: pendingEnrollmentKey(user.id) } },
        { Delete: { TableName: table, Key: backupCodeRevealKey(user.id) } },
        ...(await backupKeys(user.id)).map((Key) => ({ Delete: { TableName: table, Key } })),
        ...eventPuts(table, events),
      ];
      return transactIfConditionsHold(items);
    },

    async listBackupCodes(userId): Promise<BackupCodeState[]> {
      return (await backupItems(userId)).map((item) => ({
        position: Number(item.position),
        used: item.usedAt !== undefined,
      }));
    },

    async takeBackupCodeReveal(userId, now) {
      return ifConditionHolds(
        async () => {
          const { Attributes } = await db.send(
            new DeleteCommand({
              TableName: table,
              Key: backupCodeRevealKey(userId),
              ConditionExpression: "attribute_exists(pk) AND expiresAt > :now",
              ExpressionAttributeValues: { ":now": now },
              ReturnValues: "ALL_OLD",
            }),
          );
          return Attributes?.sealedCodes === undefined ? null : String(Attributes.sealedCodes);
        },
        () => null,
      );
    },

    advanceTotpStep(userId, sealedSecret, step) {
      // The version moves too, so no stale whole-item write can move the step back.
      return updateIfConditionHolds({
        TableName: table,
        Key: userKey(userId),
        UpdateExpression: "SET totp.lastUsedStep = :step, version = version + :one",
        ConditionExpression:
          "attribute_exists(totp) AND totp.sealedSecret = :secret AND (attribute_type(totp.lastUsedStep, :null) OR totp.lastUsedStep < :step)",
        ExpressionAttributeValues: {
          ":step": step,
          ":one": 1,
          ":secret": sealedSecret,
          ":null": "NULL",
        },
      });
    },

    spendBackupCode(userId, codeHash, usedAt) {
      return updateIfConditionHolds({
        TableName: table,
        Key: backupCodeKey(userId, codeHash),
        UpdateExpression: "SET usedAt = :now",
        ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(usedAt)",
        ExpressionAttributeValues: { ":now": usedAt },
      });
    },
  };
}
