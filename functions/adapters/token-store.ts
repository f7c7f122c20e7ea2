/**
 * Refresh tokens, stored by keyed hash only, and their families: the sessions. A session lives
 * in its user's partition (`USER#<id> / SESSION#<id>`), so a user's sessions are one strongly
 * consistent query away. Rotation marks the presented token used, records the use on the
 * session and writes the successor in one transaction that also checks the session is not
 * revoked; a token presented again after rotation revokes the whole session (OAuth 2.0
 * Security BCP §4.14).
 *
 * Lifetimes are checked in the rotation's conditions, never left to TTL deletion (which runs
 * days late, and never in DynamoDB Local): the token's `expiresAt` (its idle deadline, capped at
 * its family's end) on the token, and the session's absolute `expiresAt`, fixed at login, on
 * the session. `expiresAt` is also each item's TTL attribute, so both go once they no longer
 * work.
 */
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { RequestSource } from "../core/events.js";
import type { NewSession, RefreshTokenStore, RotateOutcome, Session } from "../core/tokens.js";
import { documentClient, ifConditionHolds, writeIfConditionHolds } from "./dynamo.js";
import { refreshTokenKey, sessionKey, sessionsQuery } from "./keys.js";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

function sourceOf(value: unknown): RequestSource {
  const item = (value ?? {}) as Record<string, unknown>;
  return {
    ...(typeof item.ip === "string" ? { ip: item.ip } : {}),
    ...(typeof item.userAgent === "string" ? { userAgent: item.userAgent } : {}),
  };
}

function toSession(item: Record<string, unknown>): Session {
  return {
    id: String(item.id),
    userId: String(item.userId),
    createdAtEpochSeconds: Number(item.createdAt),
    createdFrom: sourceOf(item.createdFrom),
    lastUsedAtEpochSeconds: Number(item.lastUsedAt ?? item.createdAt),
    lastUsedFrom: sourceOf(item.lastUsedFrom ?? item.createdFrom),
    expiresAtEpochSeconds: Number(item.expiresAt),
    idleExpiresAtEpochSeconds: Number(item.idleExpiresAt ?? item.expiresAt),
    revoked: item.revoked === true,
  };
}

/**
 * The items that begin a session: the session and its first token. A sign-in adds them to the
 * transaction that completes it, so a sign-in is never complete without its session.
 */
export function newSessionItems(table: string, session: NewSession): TransactItem[] {
  const { token } = session;
  const tokenExpiresAt = Math.min(token.expiresAtEpochSeconds, token.familyExpiresAtEpochSeconds);
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...sessionKey(token.userId, token.familyId),
          id: token.familyId,
          userId: token.userId,
          revoked: false,
          createdAt: session.createdAtEpochSeconds,
          createdFrom: session.source,
          lastUsedAt: session.createdAtEpochSeconds,
          lastUsedFrom: session.source,
          idleExpiresAt: tokenExpiresAt,
          expiresAt: token.familyExpiresAtEpochSeconds,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    },
    {
      Put: {
        TableName: table,
        Item: {
          ...refreshTokenKey(token.tokenHash),
          userId: token.userId,
          familyId: token.familyId,
          expiresAt: tokenExpiresAt,
          familyExpiresAt: token.familyExpiresAtEpochSeconds,
        },
      },
    },
  ];
}

export function dynamoRefreshTokenStore(table: string): RefreshTokenStore {
  const db = documentClient();
  return {
    async create(session) {
      await db.send(new TransactWriteCommand({ TransactItems: newSessionItems(table, session) }));
    },

    async rotate(tokenHash, next, now, source = {}): Promise<RotateOutcome> {
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
        await revokeFamily(userId, familyId);
        return { ok: false, reason: "reused" };
      }
      const nextExpiresAt = Math.min(next.expiresAtEpochSeconds, familyEnd);
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
                  // A session written before this layout does not exist here: its tokens end.
                  Update: {
                    TableName: table,
                    Key: sessionKey(userId, familyId),
                    UpdateExpression:
                      "SET lastUsedAt = :now, lastUsedFrom = :from, idleExpiresAt = :idle",
                    ConditionExpression: "revoked = :no AND expiresAt > :now",
                    ExpressionAttributeValues: {
                      ":no": false,
                      ":now": now,
                      ":from": source,
                      ":idle": nextExpiresAt,
                    },
                  },
                },
                {
                  Put: {
                    TableName: table,
                    Item: {
                      ...refreshTokenKey(next.tokenHash),
                      userId,
                      familyId,
                      expiresAt: nextExpiresAt,
                      familyExpiresAt: familyEnd,
                    },
                  },
                },
              ],
            }),
          );
          return { ok: true, userId, sessionId: familyId };
        },
        async ({ failedIndexes }): Promise<RotateOutcome> => {
          if (failedIndexes.includes(1)) return { ok: false, reason: "revoked" };
          // Used concurrently: the same token presented twice at once is a replay too.
          await revokeFamily(userId, familyId);
          return { ok: false, reason: "reused" };
        },
      );
    },

    async sessionOf(tokenHash) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: refreshTokenKey(tokenHash), ConsistentRead: true }),
      );
      return Item ? { userId: String(Item.userId), sessionId: String(Item.familyId) } : null;
    },

    async listSessions(userId) {
      const sessions: Session[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: table,
            ...sessionsQuery(userId),
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) sessions.push(toSession(item));
        start = page.LastEvaluatedKey;
      } while (start);
      return sessions;
    },

    async getSession(userId, sessionId) {
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: sessionKey(userId, sessionId),
          ConsistentRead: true,
        }),
      );
      return Item ? toSession(Item) : null;
    },

    revokeSession(userId, sessionId) {
      return writeIfConditionHolds(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: sessionKey(userId, sessionId),
            UpdateExpression: "SET revoked = :yes",
            ConditionExpression: "attribute_exists(pk) AND revoked = :no",
            ExpressionAttributeValues: { ":yes": true, ":no": false },
          }),
        ),
      );
    },
  };

  async function revokeFamily(userId: string, familyId: string) {
    await writeIfConditionHolds(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: sessionKey(userId, familyId),
          UpdateExpression: "SET revoked = :yes",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":yes": true },
        }),
      ),
    );
  }
}
