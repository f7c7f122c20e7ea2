/** What every port contract suite shares: fresh ids, and a clock near the real one. */
import { randomUUID } from "node:crypto";

/** An id no other test uses, even against a shared table. */
export function freshId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll("-", "").slice(0, 22)}`;
}

/**
 * The moment a test starts, in epoch seconds. Near the real clock, so an item's TTL is in the
 * future and DynamoDB Local's TTL sweep never deletes it under the test; expiry is tested by
 * passing a later `now`, never an earlier `expiresAt`.
 */
export function testNow(): number {
  return Math.floor(Date.now() / 1000);
}
