/**
 * The lockout counter in DynamoDB: one item per user. An attempt is counted by one conditional
 * update before the code is evaluated; the user is locked while the round's count is at the
 * limit and the last counted attempt is younger than the round's lock (which doubles with each
 * lock since the last success); past the hard cap, a factor that failed is refused for good
 * and one that did not may still be tried.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  type AttemptGuard,
  type LockoutRecord,
  type ReserveAttemptOutcome,
  refusalSeconds,
} from "../core/lockout.js";
import type { LockoutPolicy } from "../core/policy.js";
import { documentClient, ifConditionHolds, oldNumber } from "./dynamo.js";
import { lockoutKey } from "./keys.js";

/** The factor name of an attempt that names none. */
const UNNAMED_FACTOR = "unspecified";
/** A lost race for a new round is retried this many times, then refused. */
const NEW_ROUND_RETRIES = 3;

function counted(item: Record<string, unknown> | undefined): ReserveAttemptOutcome {
  return {
    ok: true,
    failuresIncludingThis: Number(item?.failures ?? 1),
    consecutiveIncludingThis: Number(item?.runFailures ?? 1),
    locks: Number(item?.lockCount ?? 0),
  };
}

export function dynamoAttemptGuard(table: string): AttemptGuard {
  const db = documentClient();

  async function reserve(
    userId: string,
    now: number,
    policy: LockoutPolicy,
    factor: string,
    retries: number,
  ): Promise<ReserveAttemptOutcome> {
    const Key = lockoutKey(userId);
    const values = {
      ":zero": 0,
      ":one": 1,
      ":now": now,
      ":max": policy.maxConsecutiveFailures,
      ":cap": policy.hardCapFailures,
      ":f": factor,
      ":fs": new Set([factor]),
    };
    let record: LockoutRecord | undefined;
    const first = await ifConditionHolds(
      async (): Promise<ReserveAttemptOutcome> => {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression:
              "SET failures = if_not_exists(failures, :zero) + :one, runFailures = if_not_exists(runFailures, :zero) + :one, lockCount = if_not_exists(lockCount, :zero), lastAttemptAt = :now ADD failedFactors :fs",
            // Under the round's limit and the hard cap; or past the cap with a factor that has
            // not failed since the last success.
            ConditionExpression:
              "attribute_not_exists(failures) OR (failures < :max AND (attribute_not_exists(runFailures) OR runFailures < :cap)) OR (runFailures >= :cap AND NOT contains(failedFactors, :f))",
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return counted(Attributes);
      },
      ({ old }): ReserveAttemptOutcome | null => {
        record = {
          failures: oldNumber(old, "failures"),
          total: oldNumber(old, "runFailures"),
          locks: oldNumber(old, "lockCount"),
          lastAttemptAt: oldNumber(old, "lastAttemptAt"),
          failedFactors: old?.failedFactors?.SS ?? [],
        };
        const wait = refusalSeconds(record, now, policy, factor);
        return wait > 0 ? { ok: false, retryAfterSeconds: wait } : null;
      },
    );
    if (first) return first;
    const last = record?.lastAttemptAt ?? 0;
    // The round's lock is over: this attempt opens the next round, whose lock lasts twice.
    const next = await ifConditionHolds(
      async (): Promise<ReserveAttemptOutcome> => {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: table,
            Key,
            UpdateExpression:
              "SET failures = :one, runFailures = if_not_exists(runFailures, :zero) + :one, lockCount = if_not_exists(lockCount, :zero) + :one, lastAttemptAt = :now ADD failedFactors :fs",
            ConditionExpression:
              "failures >= :max AND lastAttemptAt = :last AND (attribute_not_exists(runFailures) OR runFailures < :cap)",
            ExpressionAttributeValues: {
              ":zero": 0,
              ":one": 1,
              ":now": now,
              ":max": policy.maxConsecutiveFailures,
              ":cap": policy.hardCapFailures,
              ":last": last,
              ":fs": new Set([factor]),
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return counted(Attributes);
      },
      () => null,
    );
    if (next) return next;
    // A concurrent attempt opened the round first: count this one in it.
    if (retries > 0) return reserve(userId, now, policy, factor, retries - 1);
    return { ok: false, retryAfterSeconds: policy.lockSeconds };
  }

  return {
    reserve(userId, now, policy, factor = UNNAMED_FACTOR) {
      return reserve(userId, now, policy, factor, NEW_ROUND_RETRIES);
    },

    async reset(userId) {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: lockoutKey(userId),
          UpdateExpression: "SET failures = :zero REMOVE runFailures, lockCount, failedFactors",
          ExpressionAttributeValues: { ":zero": 0 },
        }),
      );
    },

    async lockedFor(userId, now, policy, factor) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: lockoutKey(userId), ConsistentRead: true }),
      );
      if (!Item) return 0;
      const failedFactors = Item.failedFactors instanceof Set ? [...Item.failedFactors] : [];
      return refusalSeconds(
        {
          failures: Number(Item.failures ?? 0),
          total: Number(Item.runFailures ?? 0),
          locks: Number(Item.lockCount ?? 0),
          lastAttemptAt: Number(Item.lastAttemptAt ?? 0),
          failedFactors: failedFactors.map(String),
        },
        now,
        policy,
        factor,
      );
    },
  };
}
