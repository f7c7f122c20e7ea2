/**
 * Fixed-window counters in DynamoDB. A window is aligned to its index (`floor(now / window)`)
 * and is an item of its own (`RATE#<key>#<index>`), so a hit is always ONE conditional update:
 * it creates the window or counts in it while it holds fewer than `limit` hits, and a burst of
 * concurrent requests cannot pass more than `limit` through a window. The item expires (TTL)
 * when its window ends. A cooldown is the time since the key's last hit, kept on an item of its
 * own (`RATE#<key>`, `COOLDOWN`) that a hit with a cooldown stamps in the same transaction as
 * its window, so that it holds across windows.
 */

import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { LimitOutcome, RateLimiter } from "../core/verification-codes.js";
import { documentClient, ifConditionHolds, updateIfConditionHolds } from "./dynamo.js";
import { rateCooldownKey, rateWindowKey } from "./keys.js";

/** A concurrent transaction on the same key cancels a cooldown hit (AWS only): tried again. */
const CONFLICT_RETRIES = 5;

export function dynamoRateLimiter(tableName: string): RateLimiter {
  const db = documentClient();

  function windowUpdate(key: string, limit: number, windowSeconds: number, now: number) {
    const index = Math.floor(now / windowSeconds);
    return {
      end: (index + 1) * windowSeconds,
      update: {
        TableName: tableName,
        Key: rateWindowKey(key, index),
        UpdateExpression: "SET hits = if_not_exists(hits, :zero) + :one, expiresAt = :end",
        ConditionExpression: "attribute_not_exists(hits) OR hits < :limit",
        ExpressionAttributeValues: {
          ":zero": 0,
          ":one": 1,
          ":limit": limit,
          ":end": (index + 1) * windowSeconds,
        },
      },
    };
  }

  return {
    async hit({ key, limit, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now }) {
      // A limit of 0 is a kill switch (an SMS budget of 0): nothing passes, not even one.
      if (limit <= 0) return { ok: false, reason: "limit", retryAfterSeconds: windowSeconds };
      const { end, update } = windowUpdate(key, limit, windowSeconds, now);
      const full: LimitOutcome = { ok: false, reason: "limit", retryAfterSeconds: end - now };
      // Hits are stamped by each caller's clock, which may be behind the last writer's: with no
      // cooldown, only the window's count is in the condition, so no such hit is refused under
      // the limit.
      if (cooldownSeconds <= 0) {
        return ifConditionHolds(
          async (): Promise<LimitOutcome> => {
            await db.send(new UpdateCommand(update));
            return { ok: true };
          },
          (): LimitOutcome => full,
        );
      }
      // With a cooldown, `lastHitAt` only moves forward, and the window and the cooldown are
      // counted together or not at all.
      const cooldown = {
        TableName: tableName,
        Key: rateCooldownKey(key),
        UpdateExpression: "SET lastHitAt = :now, expiresAt = :cooldownEnd",
        ConditionExpression: "attribute_not_exists(lastHitAt) OR lastHitAt <= :cooldownFloor",
        ExpressionAttributeValues: {
          ":now": now,
          ":cooldownEnd": now + cooldownSeconds,
          ":cooldownFloor": now - cooldownSeconds,
        },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
      };
      for (let attempt = 0; ; attempt++) {
        try {
          await db.send(
            new TransactWriteCommand({ TransactItems: [{ Update: update }, { Update: cooldown }] }),
          );
          return { ok: true };
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (!reasons) throw error;
          const refusals: LimitOutcome[] = [];
          if (reasons[0]?.Code === "ConditionalCheckFailed") refusals.push(full);
          if (reasons[1]?.Code === "ConditionalCheckFailed") {
            const lastHitAt = numberOf(reasons[1].Item?.lastHitAt);
            refusals.push({
              ok: false,
              reason: "cooldown",
              retryAfterSeconds: lastHitAt + cooldownSeconds - now,
            });
          }
          if (refusals.length > 0) return longestWait(refusals);
          if (attempt >= CONFLICT_RETRIES) throw error;
        }
      }
    },

    async refund({ key, windowSeconds, cooldownSeconds = 0, nowEpochSeconds: now }) {
      // One conditional update: a window that is over (another index), or holds no hits, is
      // left as it is. With a cooldown, the cooldown ends too, in the same round.
      const index = Math.floor(now / windowSeconds);
      await Promise.all([
        updateIfConditionHolds({
          TableName: tableName,
          Key: rateWindowKey(key, index),
          UpdateExpression: "SET hits = hits - :one",
          ConditionExpression: "hits > :zero",
          ExpressionAttributeValues: { ":one": 1, ":zero": 0 },
        }),
        cooldownSeconds > 0
          ? updateIfConditionHolds({
              TableName: tableName,
              Key: rateCooldownKey(key),
              UpdateExpression: "REMOVE lastHitAt",
              ConditionExpression: "attribute_exists(lastHitAt)",
            })
          : undefined,
      ]);
    },
  };
}

type Reason = { Code?: string; Item?: Record<string, AttributeValue | number> };

function cancellationReasons(error: unknown): Reason[] | undefined {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return undefined;
  return (error as Error & { CancellationReasons?: Reason[] }).CancellationReasons ?? [];
}

/** A number attribute as the SDK hands it back with a cancelled transaction (either form). */
function numberOf(value: AttributeValue | number | undefined): number {
  if (typeof value === "number") return value;
  return Number(value?.N ?? 0);
}

/** Of several refusals, the one that says to wait longest: before it, the hit is refused anyway. */
function longestWait(refusals: LimitOutcome[]): LimitOutcome {
  return refusals.reduce((a, b) =>
    !a.ok && !b.ok && b.retryAfterSeconds > a.retryAfterSeconds ? b : a,
  );
}
