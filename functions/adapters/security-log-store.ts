/**
 * The security log in the table: one item per entry in the user's partition, sorted by time,
 * deleted by TTL after the retention period. A page's cursor is the last entry's sort key,
 * opaque to clients; one that does not name a log entry is refused.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DomainEvent } from "../core/events.js";
import {
  DEFAULT_SECURITY_LOG_DAYS,
  SECURITY_LOG_DAYS_BOUNDS,
  type SecurityLogEntry,
  type SecurityLogStore,
  securityLogEntry,
} from "../core/security-log.js";
import { intFromEnv } from "./config.js";
import { documentClient } from "./dynamo.js";
import { isSecurityEventSortKey, securityEventKey, securityEventsQuery } from "./keys.js";

const DAY_SECONDS = 24 * 60 * 60;
const MAX_CURSOR_CHARS = 512;

export function readSecurityLogDays(): number {
  return intFromEnv("SECURITY_LOG_DAYS", DEFAULT_SECURITY_LOG_DAYS, SECURITY_LOG_DAYS_BOUNDS);
}

/** The item that records `event` in its user's log, or null when it names no user. */
export function securityLogItem(
  event: DomainEvent,
  retentionDays: number,
): Record<string, unknown> | null {
  const entry = securityLogEntry(event);
  if (entry === null || event.userId === undefined) return null;
  const occurred = Math.floor(Date.parse(event.occurredAt) / 1000);
  return {
    ...securityEventKey(event.userId, event.occurredAt, event.id),
    entry,
    expiresAt: occurred + retentionDays * DAY_SECONDS,
  };
}

function encodeCursor(sk: string): string {
  return Buffer.from(sk, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | null {
  if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const sk = Buffer.from(cursor, "base64url").toString("utf8");
  return isSecurityEventSortKey(sk) && encodeCursor(sk) === cursor ? sk : null;
}

export function dynamoSecurityLogStore(tableName: string): SecurityLogStore {
  const db = documentClient();
  return {
    async list(userId, { limit, cursor }) {
      let startKey: Record<string, string> | undefined;
      if (cursor !== undefined) {
        const sk = decodeCursor(cursor);
        if (sk === null) return null;
        startKey = { pk: securityEventKey(userId, "", "").pk, sk };
      }
      const nowSeconds = Math.floor(Date.now() / 1000);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          ...securityEventsQuery(userId),
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
    },
  };
}
