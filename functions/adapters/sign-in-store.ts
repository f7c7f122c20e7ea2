/**
 * Sign-ins in DynamoDB: one item `SIGNIN#id / SIGNIN` with a TTL. Starting a verification and
 * completing the sign-in are conditional writes that also check expiry (TTL deletion is late),
 * so a sign-in completes once; completing it writes the session it creates in the same
 * transaction, so it is never complete without one.
 */
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Strategy } from "../core/second-factor.js";
import type { SignIn, SignInStore, StoredVerification } from "../core/sign-ins.js";
import { documentClient, ifConditionHolds, updateIfConditionHolds } from "./dynamo.js";
import { signInKey } from "./keys.js";
import { newSessionItems } from "./token-store.js";

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
    ...(item.failures === undefined ? {} : { failures: Number(item.failures) }),
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
    async create(signIn, session) {
      const put = {
        Put: {
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
        },
      };
      await db.send(
        new TransactWriteCommand({
          TransactItems: [put, ...(session ? newSessionItems(table, session) : [])],
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
          ? "SET verification.attempts = verification.attempts + :one, verification.#status = :failed, failures = if_not_exists(failures, :zero) + :one"
          : "SET verification.attempts = verification.attempts + :one, failures = if_not_exists(failures, :zero) + :one",
        ConditionExpression: "verification.strategy = :strategy AND #status = :needs",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":one": 1,
          ":zero": 0,
          ":strategy": strategy,
          ":needs": "needs_second_factor",
          ...(failed ? { ":failed": "failed" } : {}),
        },
      });
    },

    complete(id, verification, session, now) {
      return ifConditionHolds(
        async () => {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: signInKey(id),
                    UpdateExpression:
                      "SET #status = :complete, createdSessionId = :session, verification = :v",
                    ConditionExpression:
                      "attribute_exists(pk) AND #status = :needs AND expiresAt > :now",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: {
                      ":complete": "complete",
                      ":session": session.token.familyId,
                      ":v": verificationItem(verification),
                      ":needs": "needs_second_factor",
                      ":now": now,
                    },
                  },
                },
                ...newSessionItems(table, session),
              ],
            }),
          );
          return true;
        },
        () => false,
      );
    },

    completeFirstFactor(id, userId, verification, session, now) {
      return ifConditionHolds(
        async () => {
          await db.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: table,
                    Key: signInKey(id),
                    UpdateExpression:
                      "SET #status = :complete, userId = :user, createdSessionId = :session, firstFactorVerification = :v",
                    ConditionExpression:
                      "attribute_exists(pk) AND #status = :needs AND expiresAt > :now",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: {
                      ":complete": "complete",
                      ":user": userId,
                      ":session": session.token.familyId,
                      ":v": verificationItem(verification),
                      ":needs": "needs_first_factor",
                      ":now": now,
                    },
                  },
                },
                ...newSessionItems(table, session),
              ],
            }),
          );
          return true;
        },
        () => false,
      );
    },
  };
}
