/**
 * The one DynamoDB table, built from `TABLE_SCHEMA` so that the local stack and AWS share its
 * keys, index and TTL attribute.
 */
import { TABLE_SCHEMA } from "./table-schema";

const { partitionKey, sortKey, ttlAttribute, globalIndexes } = TABLE_SCHEMA;
const { gsi1 } = globalIndexes;

export const table = new sst.aws.Dynamo("Table", {
  // DynamoDB wants only the attributes that key the table or an index; every other attribute
  // is schemaless.
  fields: {
    [partitionKey]: "string",
    [sortKey]: "string",
    [gsi1.partitionKey]: "string",
    [gsi1.sortKey]: "string",
  },
  primaryIndex: { hashKey: partitionKey, rangeKey: sortKey },
  globalIndexes: {
    gsi1: { hashKey: gsi1.partitionKey, rangeKey: gsi1.sortKey },
  },
  // Expired codes, challenges and sessions are purged by DynamoDB; reads still check
  // `expiresAt` themselves because TTL deletion runs hours late.
  ttl: ttlAttribute,
  // The transactional outbox: each new event item reaches the relay through the stream
  // (infra/messaging.ts), which publishes it to the topic.
  stream: "new-image",
  // Production holds users, factors and refresh-token families: a stray `sst remove` or a
  // console click must not delete it. (SST also enables point-in-time recovery by default.)
  deletionProtection: $app.stage === "production",
});
