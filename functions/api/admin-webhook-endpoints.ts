/**
 * The admin API's webhook endpoints, one module per route: `POST` registers an endpoint and
 * shows its signing secret in that answer only; `GET` lists them, `DELETE` removes one, and
 * `GET …/{id}/deliveries` shows each delivery's state and attempts. Each is an admin action,
 * recorded in the admin audit log and delivered to webhooks.
 */
import { keyFromSecret, resources } from "../adapters/config.js";
import { eventPublisher } from "../adapters/outbox.js";
import { systemClock, systemRandom } from "../adapters/system.js";
import { readWebhookAllowLoopback } from "../adapters/webhook-deps.js";
import { webhookSecretContext } from "../adapters/webhook-sender.js";
import { dynamoWebhookStore } from "../adapters/webhook-store.js";
import { adminEvent } from "../core/admin.js";
import { seal } from "../core/crypto.js";
import { DomainError } from "../core/errors.js";
import type { RequestSource } from "../core/events.js";
import {
  checkNewEndpoint,
  newEndpointSecrets,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "../core/webhooks.js";

const DELIVERIES_SHOWN = 100;

export function webhookAdmin() {
  const store = dynamoWebhookStore(resources.tableName());
  const events = eventPublisher(resources.tableName());
  const ids = { clock: systemClock, random: systemRandom };
  const publicEndpoint = (e: WebhookEndpoint) => ({
    id: e.id,
    url: e.url,
    eventTypes: e.eventTypes,
    createdAt: e.createdAt,
  });
  const notFound = () => new DomainError("not_found", "No such webhook endpoint.");
  return {
    async create(input: { url: string; eventTypes: string[] }, source: RequestSource) {
      const eventTypes = checkNewEndpoint(input, readWebhookAllowLoopback());
      const { id, secret } = newEndpointSecrets(systemRandom);
      const endpoint: WebhookEndpoint = {
        id,
        url: input.url,
        eventTypes,
        sealedSecret: seal(
          keyFromSecret("EncryptionKey"),
          secret,
          webhookSecretContext(id),
          systemRandom,
        ),
        createdAt: new Date(systemClock.nowMs()).toISOString(),
      };
      await store.putEndpoint(endpoint);
      await events.publish(
        adminEvent(ids, "admin.webhook_endpoint.created", undefined, source, {
          endpointId: id,
          // The origin only: a path or query may carry the receiver's own secret.
          origin: new URL(input.url).origin,
          eventTypes: eventTypes.join(","),
        }),
      );
      return { ...publicEndpoint(endpoint), secret };
    },
    async list(source: RequestSource) {
      const endpoints = (await store.listEndpoints()).map(publicEndpoint);
      await events.publish(adminEvent(ids, "admin.webhook_endpoints.listed", undefined, source));
      return { endpoints };
    },
    async remove(id: string, source: RequestSource) {
      if (!(await store.deleteEndpoint(id))) throw notFound();
      await events.publish(
        adminEvent(ids, "admin.webhook_endpoint.deleted", undefined, source, { endpointId: id }),
      );
    },
    async deliveries(id: string, source: RequestSource) {
      if ((await store.getEndpoint(id)) === null) throw notFound();
      const all = await store.deliveriesOf(id, DELIVERIES_SHOWN);
      await events.publish(
        adminEvent(ids, "admin.webhook_deliveries.listed", undefined, source, { endpointId: id }),
      );
      return {
        deliveries: all.map((d: WebhookDelivery) => ({
          id: d.id,
          eventId: d.eventId,
          eventType: d.eventType,
          state: d.state,
          attempts: d.attempts,
          nextAttemptAt:
            d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt * 1000).toISOString(),
        })),
      };
    },
  };
}
