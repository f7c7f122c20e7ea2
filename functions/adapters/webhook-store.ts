/**
 * Webhook endpoints and deliveries in the table. A pending delivery is indexed in `gsi1` by
 * the time its next attempt is due, so the scheduled retry finds due ones with one query; a
 * delivered or failed one leaves the index. Each attempt is recorded by one conditional write
 * on the number of attempts before it, so two concurrent retries record one attempt each time.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { WebhookDelivery, WebhookEndpoint, WebhookStore } from "../core/webhooks.js";
import { documentClient, writeIfConditionHolds } from "./dynamo.js";
import {
  WEBHOOK_DUE,
  webhookDeliveriesQuery,
  webhookDeliveryKey,
  webhookDueIndexKey,
  webhookEndpointKey,
  webhookEndpointsQuery,
} from "./keys.js";

/** A delivery's record stays 30 days after its event, then TTL removes it. */
const DELIVERY_TTL_SECONDS = 30 * 24 * 60 * 60;

function toEndpoint(item: Record<string, unknown>): WebhookEndpoint {
  return {
    id: String(item.id),
    url: String(item.url),
    eventTypes: item.eventTypes as WebhookEndpoint["eventTypes"],
    sealedSecret: String(item.sealedSecret),
    createdAt: String(item.createdAt),
  };
}

function toDelivery(item: Record<string, unknown>): WebhookDelivery {
  return {
    id: String(item.id),
    endpointId: String(item.endpointId),
    eventId: String(item.eventId),
    eventType: item.eventType as WebhookDelivery["eventType"],
    payload: String(item.payload),
    createdAtEpochSeconds: Number(item.createdAtEpochSeconds),
    state: item.state as WebhookDelivery["state"],
    attempts: (item.attempts as WebhookDelivery["attempts"]) ?? [],
    nextAttemptAt: item.nextAttemptAt === null ? null : Number(item.nextAttemptAt),
  };
}

export function dynamoWebhookStore(table: string): WebhookStore {
  const db = documentClient();
  return {
    async putEndpoint(endpoint) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: { ...webhookEndpointKey(endpoint.id), ...endpoint },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },
    async listEndpoints() {
      const { Items = [] } = await db.send(
        new QueryCommand({ TableName: table, ...webhookEndpointsQuery(), ConsistentRead: true }),
      );
      return Items.map(toEndpoint);
    },
    async getEndpoint(id) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: webhookEndpointKey(id), ConsistentRead: true }),
      );
      return Item ? toEndpoint(Item) : null;
    },
    deleteEndpoint(id) {
      return writeIfConditionHolds(() =>
        db.send(
          new DeleteCommand({
            TableName: table,
            Key: webhookEndpointKey(id),
            ConditionExpression: "attribute_exists(pk)",
          }),
        ),
      );
    },
    createDelivery(delivery) {
      return writeIfConditionHolds(() =>
        db.send(
          new PutCommand({
            TableName: table,
            Item: {
              ...webhookDeliveryKey(delivery.endpointId, delivery.id),
              ...delivery,
              ...(delivery.nextAttemptAt === null
                ? {}
                : webhookDueIndexKey(delivery.nextAttemptAt, delivery.id)),
              expiresAt: delivery.createdAtEpochSeconds + DELIVERY_TTL_SECONDS,
            },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      );
    },
    recordAttempt(delivery, attemptsBefore, attempt, state, nextAttemptAt) {
      const due = nextAttemptAt === null ? null : webhookDueIndexKey(nextAttemptAt, delivery.id);
      return writeIfConditionHolds(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: webhookDeliveryKey(delivery.endpointId, delivery.id),
            UpdateExpression: due
              ? "SET attempts = list_append(attempts, :a), #state = :s, nextAttemptAt = :n, gsi1pk = :gpk, gsi1sk = :gsk"
              : "SET attempts = list_append(attempts, :a), #state = :s, nextAttemptAt = :n REMOVE gsi1pk, gsi1sk",
            ConditionExpression: "size(attempts) = :before AND #state = :pending",
            ExpressionAttributeNames: { "#state": "state" },
            ExpressionAttributeValues: {
              ":a": [attempt],
              ":s": state,
              ":n": nextAttemptAt,
              ":before": attemptsBefore,
              ":pending": "pending",
              ...(due ? { ":gpk": due.gsi1pk, ":gsk": due.gsi1sk } : {}),
            },
          }),
        ),
      );
    },
    async due(now, limit) {
      // gsi1 is eventually consistent: a delivery may show up a moment late, or after its
      // attempt was recorded; the conditional write of the attempt settles such a race.
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: table,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :until",
          ExpressionAttributeValues: {
            ":pk": WEBHOOK_DUE,
            ":until": `${String(now).padStart(12, "0")}#~`,
          },
          Limit: limit,
        }),
      );
      return Items.map(toDelivery).filter((d) => d.state === "pending");
    },
    async deliveriesOf(endpointId, limit) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: table,
          ...webhookDeliveriesQuery(endpointId),
          ConsistentRead: true,
          Limit: limit,
        }),
      );
      return Items.map(toDelivery);
    },
  };
}
