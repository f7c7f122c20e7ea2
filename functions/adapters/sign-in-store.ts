/**
 * Sign-ins in DynamoDB: one item `SIGNIN#id / SIGNIN` with a TTL. Starting a verification and
 * completing the sign-in are conditional writes that also check expiry (TTL deletion is late),
 * so a sign-in completes once.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Strategy } from "../core/second-factor.js";
import type { SignIn, SignInStore, StoredVerification } from "../core/sign-ins.js";
import { documentClient, updateIfConditionHolds } from "./dynamo.js";
import { signInKey } from "./keys.js";

function toVerification(value: unknown): StoredVerification | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  return {
    strategy: v.strategy as Strategy,
    status: v.status as StoredVerification["status"],
    attempts: Number(v.attempts),
    expiresAtEpochSeconds: Number(v.expiresAt),
  };
}

function toSignIn(item: Record<string, unknown>): SignIn {
  return {
    id: String(item.id),
    userId: String(item.userId),
    status: item.status as SignIn["status"],
    supportedSecondFactors: (item.supportedSecondFactors ?? []) as SignIn["supportedSecondFactors"],
    verification: toVerification(item.verification),
    createdSessionId: item.createdSessionId ? String(item.createdSessionId) : null,
    createdAtEpochSeconds: Number(item.createdAt),
    expiresAtEpochSeconds: Number(item.expiresAt),
    ...firstFactorOf(item),
  };
}

/** A passkey-only sign-in's first factor, when the item has one. */
function firstFactorOf(item: Record<string, unknown>): Pick<SignIn, "firstFactorVerification"> {
  const first = toVerification(item.firstFactorVerification);
  return first ? { firstFactorVerification: first } : {};
}

function verificationItem(v: StoredVerification) {
  return {
    strategy: v.strategy,
    status: v.status,
    attempts: v.attempts,
    expiresAt: v.expiresAtEpochSeconds,
  };
}

export function dynamoSignInStore(table: string): SignInStore {
  const db = documentClient();

  return {
    async create(signIn) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...signInKey(signIn.id),
            id: signIn.id,
            userId: signIn.userId,
            status: signIn.status,
            supportedSecondFactors: signIn.supportedSecondFactors,
            verification: signIn.verification ? verificationItem(signIn.verification) : null,
            createdSessionId: signIn.createdSessionId,
            createdAt: signIn.createdAtEpochSeconds,
            expiresAt: signIn.expiresAtEpochSeconds,
            ...(signIn.firstFactorVerification
              ? { firstFactorVerification: verificationItem(signIn.firstFactorVerification) }
              : {}),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    async get(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: signInKey(id), ConsistentRead: true }),
      );
      return Item ? toSignIn(Item) : null;
    },

    startVerification(id, verification, now) {
      return updateIfConditionHolds({
        TableName: table,
        Key: signInKey(id),
        UpdateExpression: "SET verification = :v",
        ConditionExpression: "attribute_exists(pk) AND #status = :needs AND expiresAt > :now",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":v": verificationItem(verification),
          ":needs": "needs_second_factor",
          ":now": now,
        },
      });
    },

    async countFailure(id, strategy, failed) {
      await updateIfConditionHolds({
        TableName: table,
        Key: signInKey(id),
        UpdateExpression: failed
          ? "SET verification.attempts = verification.attempts + :one, verification.#status = :failed"
          : "SET verification.attempts = verification.attempts + :one",
        ConditionExpression: "verification.strategy = :strategy AND #status = :needs",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":one": 1,
          ":strategy": strategy,
          ":needs": "needs_second_factor",
          ...(failed ? { ":failed": "failed" } : {}),
        },
      });
    },

    complete(id, verification, sessionId, now) {
      return updateIfConditionHolds({
        TableName: table,
        Key: signInKey(id),
        UpdateExpression: "SET #status = :complete, createdSessionId = :session, verification = :v",
        ConditionExpression: "attribute_exists(pk) AND #status = :needs AND expiresAt > :now",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":complete": "complete",
          ":session": sessionId,
          ":v": verificationItem(verification),
          ":needs": "needs_second_factor",
          ":now": now,
        },
      });
    },

    completeFirstFactor(id, userId, verification, sessionId, now) {
      return updateIfConditionHolds({
        TableName: table,
        Key: signInKey(id),
        UpdateExpression:
          "SET #status = :complete, userId = :user, createdSessionId = :session, firstFactorVerification = :v",
        ConditionExpression: "attribute_exists(pk) AND #status = :needs AND expiresAt > :now",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":complete": "complete",
          ":user": userId,
          ":session": sessionId,
          ":v": verificationItem(verification),
          ":needs": "needs_first_factor",
          ":now": now,
        },
      });
    },
  };
}
