/**
 * The lockout counter in DynamoDB: one item per user. An attempt is counted by a conditional
 * update before the code is evaluated; the user is locked while the count is at the limit and
 * the last counted attempt is younger than the lock period.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { AttemptGuard, ReserveAttemptOutcome } from "../core/lockout.js";
import { documentClient, ifConditionHolds, oldNumber } from "./dynamo.js";
import { lockoutKey } from "./keys.js";

export function dynamoAttemptGuard(table: string): AttemptGuard {
  const db = documentClient();
  return {
    async reserve(userId, now, policy) {
      const Key = lockoutKey(userId);
      const floor = now - policy.lockSeconds;
      const counted = await ifConditionHolds(
        async (): Promise<ReserveAttemptOutcome> => {
          const { Attributes } = await db.send(
            new UpdateCommand({
              TableName: table,
              Key,
              UpdateExpression:
                "SET failures = if_not_exists(failures, :zero) + :one, lastAttemptAt = :now",
              ConditionExpression: "attribute_not_exists(failures) OR failures < :max",
              ExpressionAttributeValues: {
                ":zero": 0,
                ":one": 1,
                ":now": now,
                ":max": policy.maxConsecutiveFailures,
              },
              ReturnValues: "UPDATED_NEW",
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }),
          );
          return { ok: true, failuresIncludingThis: Number(Attributes?.failures ?? 1) };
        },
        ({ old }): ReserveAttemptOutcome | null => {
          const lastAttemptAt = oldNumber(old, "lastAttemptAt");
          if (lastAttemptAt > floor) {
            return { ok: false, retryAfterSeconds: lastAttemptAt + policy.lockSeconds - now };
          }
          return null;
        },
      );
      if (counted) return counted;
      // The lock period is over: this attempt starts a new count.
      return ifConditionHolds(
        async (): Promise<ReserveAttemptOutcome> => {
          await db.send(
            new UpdateCommand({
              TableName: table,
              Key,
              UpdateExpression: "SET failures = :one, lastAttemptAt = :now",
              ConditionExpression: "failures >= :max AND lastAttemptAt <= :floor",
              ExpressionAttributeValues: {
                ":one": 1,
                ":now": now,
                ":max": policy.maxConsecutiveFailures,
                ":floor": floor,
              },
            }),
          );
          return { ok: true, failuresIncludingThis: 1 };
        },
        (): ReserveAttemptOutcome => ({ ok: false, retryAfterSeconds: policy.lockSeconds }),
      );
    },

    async reset(userId) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: lockoutKey(userId),
          UpdateExpression: "SET failures = :zero",
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      );
    },

    async lockedFor(userId, now, policy) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: lockoutKey(userId), ConsistentRead: true }),
      );
      if (!Item || Number(Item.failures) < policy.maxConsecutiveFailures) return 0;
      return Math.max(0, Number(Item.lastAttemptAt) + policy.lockSeconds - now);
    },
  };
}
