/**
 * The single DynamoDB table, defined once for `infra/storage.ts` (AWS) and the local stack.
 * Items are addressed by `pk`/`sk`; `gsi1` lists an owner's items (a user's connector
 * accounts); `expiresAt` (epoch seconds) is the TTL attribute. TTL deletion is late (hours in
 * AWS), so every read and conditional write also checks `expiresAt` itself.
 */
export const TABLE_SCHEMA = {
  partitionKey: "pk",
  sortKey: "sk",
  ttlAttribute: "expiresAt",
  globalIndexes: {
    gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  },
} as const;
