/**
 * Codes in DynamoDB: one item per (purpose, subject), so a new code replaces the old one.
 * Every check and the consumption are single conditional writes; expiry is part of each
 * condition because TTL deletion runs late.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type {
  AttemptBudget,
  CodeConsumption,
  CodeStore,
  ReserveOutcome,
  StoredCode,
} from "../core/verification-codes.js";
import { documentClient, ifConditionHolds, oldNumber, writeIfConditionHolds } from "./dynamo.js";
import { codeKey } from "./keys.js";

/** The conditional delete that consumes a verified code, for use inside a transaction. */
export function consumeCodeItem(tableName: string, c: CodeConsumption, now: number) {
  return {
    Delete: {
      TableName: tableName,
      Key: codeKey(c.purpose, c.subject),
      // Expiry is checked again here: a code verified just before it expired is not consumed
      // after (a registration hashes the password between the two).
      ConditionExpression: "challengeId = :c AND expiresAt > :now",
      ExpressionAttributeValues: { ":c": c.challengeId, ":now": now },
    },
  };
}

/** The stored form of a code, for a put here or inside another store's transaction. */
export function codeItem(code: StoredCode) {
  return {
    ...codeKey(code.purpose, code.subject),
    challengeId: code.challengeId,
    codeHash: code.codeHash,
    attempts: code.attempts,
    maxAttempts: code.maxAttempts,
    expiresAt: code.expiresAtEpochSeconds,
    ...(code.handleHash === undefined
      ? {}
      : {
          handleHash: code.handleHash,
          anonymousAttempts: code.anonymousAttempts ?? 0,
          maxAnonymousAttempts: code.maxAnonymousAttempts ?? 0,
        }),
  };
}

/** The conditional update that counts one check on `budget`. */
function reserveUpdate(budget: AttemptBudget | undefined) {
  if (budget === "anonymous") {
    return {
      UpdateExpression: "SET anonymousAttempts = anonymousAttempts + :one",
      ConditionExpression:
        "attribute_exists(pk) AND expiresAt > :now AND anonymousAttempts < maxAnonymousAttempts",
      values: {},
    };
  }
  if (budget !== undefined) {
    return {
      UpdateExpression: "SET attempts = attempts + :one",
      ConditionExpression:
        "attribute_exists(pk) AND expiresAt > :now AND handleHash = :h AND attempts < maxAttempts",
      values: { ":h": budget.handleHash },
    };
  }
  return {
    UpdateExpression: "SET attempts = attempts + :one",
    ConditionExpression: "attribute_exists(pk) AND expiresAt > :now AND attempts < maxAttempts",
    values: {},
  };
}

export function dynamoCodeStore(tableName: string): CodeStore {
  const db = documentClient();
  return {
    async put(code: StoredCode) {
      await db.send(new PutCommand({ TableName: tableName, Item: codeItem(code) }));
    },

    async reserveAttempt(purpose, subject, now, budget): Promise<ReserveOutcome> {
      const update = reserveUpdate(budget);
      return ifConditionHolds(
        async (): Promise<ReserveOutcome> => {
          const { Attributes: item } = await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: codeKey(purpose, subject),
              UpdateExpression: update.UpdateExpression,
              ConditionExpression: update.ConditionExpression,
              ExpressionAttributeValues: { ":one": 1, ":now": now, ...update.values },
              ReturnValues: "ALL_NEW",
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }),
          );
          if (!item) return { ok: false, reason: "missing" };
          return {
            ok: true,
            code: {
              purpose,
              subject,
              challengeId: String(item.challengeId),
              codeHash: String(item.codeHash),
              attempts: Number(item.attempts),
              maxAttempts: Number(item.maxAttempts),
              expiresAtEpochSeconds: Number(item.expiresAt),
              ...(item.handleHash === undefined
                ? {}
                : {
                    handleHash: String(item.handleHash),
                    anonymousAttempts: Number(item.anonymousAttempts),
                    maxAnonymousAttempts: Number(item.maxAnonymousAttempts),
                  }),
            },
          };
        },
        ({ old }): ReserveOutcome => {
          if (!old) return { ok: false, reason: "missing" };
          if (typeof budget === "object" && old.handleHash?.S !== budget.handleHash) {
            return { ok: false, reason: "other_handle" };
          }
          return {
            ok: false,
            reason: oldNumber(old, "expiresAt") <= now ? "expired" : "exhausted",
          };
        },
      );
    },

    consume(purpose, subject, challengeId, now) {
      return writeIfConditionHolds(() =>
        db.send(
          new DeleteCommand(
            consumeCodeItem(tableName, { purpose, subject, challengeId }, now).Delete,
          ),
        ),
      );
    },
  };
}
