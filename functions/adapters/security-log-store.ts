/**
 * The security logs in the table: one item per entry in the user's partition, sorted by time,
 * deleted by TTL after the retention period; admin actions also in the admin audit log's own
 * partition, laid out alike. A page's cursor is the last entry's sort key, opaque to clients;
 * one that does not name a log entry is refused.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent } from "../core/events.js";
import {
  type AdminAuditLogStore,
  adminAuditEntry,
  DEFAULT_SECURITY_LOG_DAYS,
  SECURITY_LOG_DAYS_BOUNDS,
  type SecurityLogEntry,
  type SecurityLogPage,
  type SecurityLogStore,
  securityLogEntry,
} from "../core/security-log.js";
import { intFromEnv } from "./config.js";
import { documentClient } from "./dynamo.js";
import {
  adminEventKey,
  adminEventsQuery,
  isSecurityEventSortKey,
  securityEventKey,
  securityEventsQuery,
} from "./keys.js";

const DAY_SECONDS = 24 * 60 * 60;
const MAX_CURSOR_CHARS = 512;

export function readSecurityLogDays(): number {
  return intFromEnv("SECURITY_LOG_DAYS", DEFAULT_SECURITY_LOG_DAYS, SECURITY_LOG_DAYS_BOUNDS);
}

/**
 * The items that record `event`: its entry in its user's log, if it names a user, and in the
 * admin audit log, if it is an admin action.
 */
export function securityLogItems(
  event: DomainEvent,
  retentionDays: number,
): Record<string, unknown>[] {
  const occurred = Math.floor(Date.parse(event.occurredAt) / 1000);
  const expiresAt = occurred + retentionDays * DAY_SECONDS;
  const items: Record<string, unknown>[] = [];
  const entry = event.userId === undefined ? null : securityLogEntry(event);
  if (entry !== null && event.userId !== undefined) {
    items.push({ ...securityEventKey(event.userId, event.occurredAt, event.id), entry, expiresAt });
  }
  const audit = adminAuditEntry(event);
  if (audit !== null) {
    items.push({ ...adminEventKey(event.occurredAt, event.id), entry: audit, expiresAt });
  }
  return items;
}

function encodeCursor(sk: string): string {
  return Buffer.from(sk, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | null {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const sk = Buffer.from(cursor, "base64url").toString("utf8");
  return isSecurityEventSortKey(sk) && encodeCursor(sk) === cursor ? sk : null;
}

/** One page of a log's partition, newest first; null for a cursor this store did not give. */
async function listPartition(
  tableName: string,
  query: { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, string> },
  { limit, cursor }: { limit: number; cursor?: string },
): Promise<SecurityLogPage | null> {
  let startKey: Record<string, string> | undefined;
  if (cursor !== undefined) {
    const sk = decodeCursor(cursor);
    if (sk === null) return null;
    startKey = { pk: String(query.ExpressionAttributeValues[":pk"]), sk };
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  const { Items = [], LastEvaluatedKey } = await documentClient().send(
    new QueryCommand({
      TableName: tableName,
      ...query,
      ScanIndexForward: false,
      Limit: limit,
      ConsistentRead: true,
      ...(startKey ? { ExclusiveStartKey: startKey } : {}),
    }),
  );
  // TTL deletes late: an entry past its retention is no longer shown.
  const events = Items.filter((item) => Number(item.expiresAt) > nowSeconds).map(
    (item) => item.entry as SecurityLogEntry,
  );
  const lastSk = LastEvaluatedKey?.sk;
  return {
    events,
    nextCursor: typeof lastSk === "string" ? encodeCursor(lastSk) : null,
  };
}

export function dynamoSecurityLogStore(tableName: string): SecurityLogStore {
  return {
    list: (userId, options) => listPartition(tableName, securityEventsQuery(userId), options),
  };
}

export function dynamoAdminAuditLogStore(tableName: string): AdminAuditLogStore {
  return { list: (options) => listPartition(tableName, adminEventsQuery(), options) };
}
