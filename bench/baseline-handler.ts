/**
 * The cold-start baseline: a hello-world Lambda that creates a DynamoDB client, bundled as SST
 * builds any handler. `npm run bench` divides each handler's import time by this one's.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async () => ({
  statusCode: 200,
  body: JSON.stringify({ hello: "world", region: await client.config.region() }),
});
