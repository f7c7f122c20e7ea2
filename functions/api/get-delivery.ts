/**
 * `GET /v1/deliveries/{id}`: what became of a message the service sent (`X-Delivery-Id` of the
 * request that caused it). The id is unguessable; the answer names no recipient and no content.
 */
import * as v from "valibot";
import { resources } from "../adapters/config.js";
import { dynamoDeliveryStore } from "../adapters/delivery-store.js";
import { DomainError } from "../core/errors.js";
import { apiHandler } from "./http.js";
import { DeliveryId } from "./schemas.js";

const deliveries = dynamoDeliveryStore(resources.tableName());

export const handler = apiHandler({}, async ({ pathParameters }) => {
  const id = v.safeParse(DeliveryId, pathParameters.id);
  const record = id.success ? await deliveries.get(id.output) : null;
  if (!record) {
    throw new DomainError(
      "not_found",
      "No delivery with this id has been processed yet; it may still be on its way.",
    );
  }
  return {
    status: 200,
    body: {
      id: record.eventId,
      eventType: record.eventType,
      channel: record.channel,
      status: record.status,
      failure: record.failure ?? null,
    },
  };
});
