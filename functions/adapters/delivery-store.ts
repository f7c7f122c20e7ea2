/**
 * Delivery records make the notifier idempotent: an event is claimed by one conditional write
 * before anything is sent, so a retried or duplicated SNS delivery sends no second message.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DeliveryRecord, DeliveryStore } from "../core/notifications.js";
import { documentClient, writeIfConditionHolds } from "./dynamo.js";
import { deliveryKey } from "./keys.js";

const RECORD_TTL_SECONDS = 30 * 24 * 60 * 60; // delivery results stay visible for 30 days

export function dynamoDeliveryStore(tableName: string): DeliveryStore {
  const db = documentClient();
  return {
    claim(record, now, leaseSeconds) {
      // A record left "sending" by a crashed attempt may be taken over once its lease ends.
      return writeIfConditionHolds(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...deliveryKey(record.eventId),
              ...record,
              status: "sending",
              leaseUntil: now + leaseSeconds,
              expiresAt: now + RECORD_TTL_SECONDS,
            },
            ConditionExpression:
              "attribute_not_exists(pk) OR (#status <> :sent AND leaseUntil < :now)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":sent": "sent", ":now": now },
          }),
        ),
      );
    },
    async finish(eventId, outcome, finishedAt) {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: deliveryKey(eventId),
          UpdateExpression:
            // A failed delivery may be claimed again at once by the retry that follows.
            "SET #status = :status, providerMessageId = :mid, failure = :failure, finishedAt = :at, leaseUntil = :zero",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":status": outcome.status,
            ":mid": outcome.providerMessageId ?? null,
            ":failure": outcome.failure ?? null,
            ":at": finishedAt,
            ":zero": 0,
          },
        }),
      );
    },
    async get(eventId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: tableName, Key: deliveryKey(eventId), ConsistentRead: true }),
      );
      return (Item as DeliveryRecord | undefined) ?? null;
    },
  };
}
