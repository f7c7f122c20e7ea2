/**
 * Refresh tokens, stored by keyed hash only. Rotation marks the presented token used and
 * writes its successor in one transaction that also checks the family is not revoked; a token
 * presented again after rotation revokes the whole family (OAuth 2.0 Security BCP §4.14).
 *
 * Lifetimes are checked in the rotation's conditions, never left to TTL deletion (which runs
 * days late, and never in DynamoDB Local): the token's `expiresAt` (its idle deadline, capped at
 * its family's end) on the token, and the family's absolute `expiresAt`, fixed at login, on the
 * family. `expiresAt` is also each item's TTL attribute, so both go once they no longer work.
 */
import { GetCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { RefreshTokenStore, RotateOutcome } from "../core/tokens.js";
import { documentClient, ifConditionHolds } from "./dynamo.js";
import { refreshFamilyKey, refreshTokenKey } from "./keys.js";

export function dynamoRefreshTokenStore(table: string): RefreshTokenStore {
  const db = documentClient();
  return {
    async create(record) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: {
                  ...refreshFamilyKey(record.familyId),
                  userId: record.userId,
                  revoked: false,
                  expiresAt: record.familyExpiresAtEpochSeconds,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: table,
                Item: {
                  ...refreshTokenKey(record.tokenHash),
                  userId: record.userId,
                  familyId: record.familyId,
                  expiresAt: Math.min(
                    record.expiresAtEpochSeconds,
                    record.familyExpiresAtEpochSeconds,
                  ),
                  familyExpiresAt: record.familyExpiresAtEpochSeconds,
                },
              },
            },
          ],
        }),
      );
    },

    async rotate(tokenHash, next, now): Promise<RotateOutcome> {
      const { Item: token } = await db.send(
        new GetCommand({ TableName: table, Key: refreshTokenKey(tokenHash), ConsistentRead: true }),
      );
      if (!token) return { ok: false, reason: "unknown" };
      const familyId = String(token.familyId);
      const userId = String(token.userId);
      // Tokens written before families had an end on each token: their own deadline bounds it.
      const familyEnd = Number(token.familyExpiresAt ?? token.expiresAt);
      if (Number(token.expiresAt) <= now || familyEnd <= now) {
        return { ok: false, reason: "expired" };
      }
      if (token.usedAt !== undefined) {
        await revokeFamily(familyId);
        return { ok: false, reason: "reused" };
      }
      return ifConditionHolds(
        async (): Promise<RotateOutcome> => {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: refreshTokenKey(tokenHash),
                    UpdateExpression: "SET usedAt = :now",
                    ConditionExpression: "attribute_not_exists(usedAt) AND expiresAt > :now",
                    ExpressionAttributeValues: { ":now": now },
                  },
                },
                {
                  ConditionCheck: {
                    TableName: table,
                    Key: refreshFamilyKey(familyId),
                    ConditionExpression: "revoked = :no AND expiresAt > :now",
                    ExpressionAttributeValues: { ":no": false, ":now": now },
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: {
                      ...refreshTokenKey(next.tokenHash),
                      userId,
                      familyId,
                      expiresAt: Math.min(next.expiresAtEpochSeconds, familyEnd),
                      familyExpiresAt: familyEnd,
                    },
                  },
                },
              ],
            }),
          );
          return { ok: true, userId };
        },
        async ({ failedIndexes }): Promise<RotateOutcome> => {
          if (failedIndexes.includes(1)) return { ok: false, reason: "revoked" };
          // Used concurrently: the same token presented twice at once is a replay too.
          await revokeFamily(familyId);
          return { ok: false, reason: "reused" };
        },
      );
    },
  };

  async function revokeFamily(familyId: string) {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: refreshFamilyKey(familyId),
        UpdateExpression: "SET revoked = :yes",
        ExpressionAttributeValues: { ":yes": true },
      }),
    );
  }
}
