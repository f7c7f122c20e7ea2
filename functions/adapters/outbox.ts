/**
 * Domain events leave through a transactional outbox. The request path writes each event into
 * the table: an outbox item (the whole event, sealed code included, kept a day), its entry in
 * the security log of the user it names and, for an admin action, in the admin audit log
 * (public data only). A store that makes a change writes these items in the same transaction
 * as the change (`eventPuts`), so a change and its events are saved both or neither; anything
 * else writes them in one transaction of their own. The table's stream carries each new outbox
 * item to `functions/events/outbox-relay`, which publishes it to the SNS topic; the notifier
 * claims each event id, so a relay retried after a failure sends no second message.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent, EventPublisher } from "../core/events.js";
import { resources } from "./config.js";
import { documentClient } from "./dynamo.js";
import { outboxKey } from "./keys.js";
import { currentRequestSource } from "./request-source.js";
import { readSecurityLogDays, securityLogItems } from "./security-log-store.js";

/** An outbox item stays this long: the stream keeps records 24 hours. */
const OUTBOX_TTL_SECONDS = 24 * 60 * 60;

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** The request's source on an event that names none. */
function withSource(event: DomainEvent): DomainEvent {
  if (event.source !== undefined) return event;
  const source = currentRequestSource();
  return source === undefined ? event : { ...event, source };
}

let retentionDays: number | undefined;

/**
 * The puts that record `events` in `tableName`, for a store's transaction: one outbox item per
 * event and, for an event that names a user, its security-log entry.
 */
export function eventPuts(tableName: string, events: readonly DomainEvent[]): TransactItem[] {
  retentionDays ??= readSecurityLogDays();
  const days = retentionDays;
  return events.flatMap((raw) => {
    const event = withSource(raw);
    const occurred = Math.floor(Date.parse(event.occurredAt) / 1000);
    const outbox: TransactItem = {
      Put: {
        TableName: tableName,
        Item: {
          ...outboxKey(event.id),
          event: JSON.stringify(event),
          expiresAt: occurred + OUTBOX_TTL_SECONDS,
        },
        // An event id is written once: a retried write cannot publish it twice.
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
    const entries = securityLogItems(event, days).map(
      (Item): TransactItem => ({ Put: { TableName: tableName, Item } }),
    );
    return [outbox, ...entries];
  });
}

/** The publisher the functions use: the event's items in one transaction of their own. */
export function eventPublisher(tableName = resources.tableName()): EventPublisher {
  return {
    async publish(event) {
      await documentClient().send(
        new TransactWriteCommand({ TransactItems: eventPuts(tableName, [event]) }),
      );
    },
  };
}
