/**
 * Fixed-window counters in DynamoDB. Each hit is one conditional update, so a burst of
 * concurrent requests cannot pass more than `limit` through a window.
 */

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LimitOutcome, RateLimiter } from "../core/verification-codes.js";
import { documentClient, ifConditionHolds, oldNumber, updateIfConditionHolds } from "./dynamo.js";
import { rateKey } from "./keys.js";

export function dynamoRateLimiter(tableName: string): RateLimiter {
  const db = documentClient();
  return {
    async hit({ key, limit, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now }) {
      // A limit of 0 is a kill switch (an SMS budget of 0): nothing passes, not even one.
      if (limit <= 0) return { ok: false, reason: "limit", retryAfterSeconds: windowSeconds };
      const Key = rateKey(key);
      // Hits are stamped by each caller's clock, which may be behind the last writer's: with no
      // cooldown, `lastHitAt` must not be in the condition, or such a hit is refused under the
      // limit. With one, `lastHitAt` only moves forward.
      const cooldown = cooldownSeconds > 0;
      // Within the current window: count the hit if under the limit and past the cooldown.
      const counted = await ifConditionHolds(
        async (): Promise<LimitOutcome> => {
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key,
              UpdateExpression: cooldown
                ? "SET hits = hits + :one, lastHitAt = :now"
                : "SET hits = hits + :one",
              ConditionExpression: cooldown
                ? "windowStart > :windowFloor AND hits < :limit AND lastHitAt <= :cooldownFloor"
                : "windowStart > :windowFloor AND hits < :limit",
              ExpressionAttributeValues: {
                ":one": 1,
                ":limit": limit,
                ":windowFloor": now - windowSeconds,
                ...(cooldown ? { ":now": now, ":cooldownFloor": now - cooldownSeconds } : {}),
              },
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }),
          );
          return { ok: true };
        },
        ({ old }): LimitOutcome | null => {
          const windowStart = oldNumber(old, "windowStart");
          if (old && windowStart > now - windowSeconds) {
            return refusal(old, { now, limit, windowSeconds, cooldownSeconds, windowStart });
          }
          return null;
        },
      );
      if (counted) return counted;
      // No window yet, or the last one is over: open a new one with this hit.
      const opened = await updateIfConditionHolds({
        TableName: tableName,
        Key,
        UpdateExpression:
          "SET hits = :one, windowStart = :now, lastHitAt = :now, expiresAt = :expires",
        ConditionExpression: "attribute_not_exists(pk) OR windowStart <= :windowFloor",
        ExpressionAttributeValues: {
          ":one": 1,
          ":now": now,
          ":windowFloor": now - windowSeconds,
          ":expires": now + windowSeconds,
        },
      });
      if (opened) return { ok: true };
      // A concurrent request opened the window first: this hit counts against it.
      return this.hit({ key, limit, windowSeconds, cooldownSeconds, nowEpochSeconds: now });
    },

    async refund({ key, windowSeconds, nowEpochSeconds: now }) {
      // One conditional update: a window that is over, or holds no hits, is left as it is.
      await updateIfConditionHolds({
        TableName: tableName,
        Key: rateKey(key),
        UpdateExpression: "SET hits = hits - :one",
        ConditionExpression: "windowStart > :windowFloor AND hits > :zero",
        ExpressionAttributeValues: { ":one": 1, ":zero": 0, ":windowFloor": now - windowSeconds },
      });
    },
  };
}

function refusal(
  old: Record<string, AttributeValue>,
  p: {
    now: number;
    limit: number;
    windowSeconds: number;
    cooldownSeconds: number;
    windowStart: number;
  },
): LimitOutcome {
  const hits = oldNumber(old, "hits");
  const lastHitAt = oldNumber(old, "lastHitAt");
  if (hits >= p.limit) {
    return {
      ok: false,
      reason: "limit",
      retryAfterSeconds: p.windowStart + p.windowSeconds - p.now,
    };
  }
  return {
    ok: false,
    reason: "cooldown",
    retryAfterSeconds: lastHitAt + p.cooldownSeconds - p.now,
  };
}
