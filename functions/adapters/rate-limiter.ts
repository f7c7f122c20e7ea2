/**
 * Fixed-window counters in DynamoDB. Each hit is one conditional update, so a burst of
 * concurrent requests cannot pass more than `limit` through a window.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LimitOutcome, RateLimiter } from "../core/verification-codes.js";
import { documentClient, isConditionFailure } from "./dynamo.js";

type Attr = { N?: string } | undefined;

export function dynamoRateLimiter(tableName: string): RateLimiter {
  const db = documentClient();
  return {
    async hit({ key, limit, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now }) {
      // A limit of 0 is a kill switch (an SMS budget of 0): nothing passes, not even one.
      if (limit <= 0) return { ok: false, reason: "limit", retryAfterSeconds: windowSeconds };
      const Key = { pk: `RATE#${key}`, sk: "RATE" };
      try {
        // Within the current window: count the hit if under the limit and past the cooldown.
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key,
            UpdateExpression: "SET hits = hits + :one, lastHitAt = :now",
            ConditionExpression:
              "windowStart > :windowFloor AND hits < :limit AND lastHitAt <= :cooldownFloor",
            ExpressionAttributeValues: {
              ":one": 1,
              ":now": now,
              ":limit": limit,
              ":windowFloor": now - windowSeconds,
              ":cooldownFloor": now - cooldownSeconds,
            },
            ReturnValuesOnConditionCheckFailure: "ALL_OLD",
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const old = error.Item;
        const windowStart = Number((old?.windowStart as Attr)?.N ?? 0);
        if (old && windowStart > now - windowSeconds) {
          return refusal(old, { now, limit, windowSeconds, cooldownSeconds, windowStart });
        }
      }
      try {
        // No window yet, or the last one is over: open a new one with this hit.
        await db.send(
          new UpdateCommand({
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
          }),
        );
        return { ok: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // A concurrent request opened the window first: this hit counts against it.
        return this.hit({ key, limit, windowSeconds, cooldownSeconds, nowEpochSeconds: now });
      }
    },
  };
}

function refusal(
  old: Record<string, unknown>,
  p: {
    now: number;
    limit: number;
    windowSeconds: number;
    cooldownSeconds: number;
    windowStart: number;
  },
): LimitOutcome {
  const hits = Number((old.hits as Attr)?.N ?? 0);
  const lastHitAt = Number((old.lastHitAt as Attr)?.N ?? 0);
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
