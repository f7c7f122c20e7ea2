/**
 * The table's stream, locally: DynamoDB Local keeps a stream as DynamoDB does; this poller reads
 * it (DescribeStream, GetShardIterator, GetRecords, as Lambda's event source mapping does) and
 * invokes each subscriber of `STREAM_SUBSCRIBERS` with Lambda's DynamoDB stream event, filtered
 * on the partition-key prefix as the AWS event source filter is. A batch whose subscriber
 * fails is handed again after a pause, in order, as Lambda retries a stream batch; after
 * `maxAttempts` it is skipped with a log line (AWS keeps retrying until the record expires).
 */
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { StreamSubscriber } from "../routes.js";
import {
  createLambdaContext,
  describe,
  LOCAL_REGION,
  lazyHandler,
  localFunctionName,
} from "./lambda.js";

const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
const SUBSCRIBER_TIMEOUT_MS = 30_000;

export interface LocalStreamOptions {
  readonly endpoint: string;
  readonly streamArn: string;
  readonly subscribers: readonly StreamSubscriber[];
  readonly root: string;
  readonly log?: (line: string) => void;
  /** How often the stream is read when it had nothing new. */
  readonly pollIntervalMs?: number;
  /** Pause before a failed batch is handed again (times the attempt number). */
  readonly retryDelayMs?: number;
  readonly maxAttempts?: number;
}

export interface LocalStream {
  stop(): Promise<void>;
}

type Invoke = (event: DynamoDBStreamEvent) => Promise<void>;

export function startStreamPoller(options: LocalStreamOptions): LocalStream {
  const log = options.log ?? (() => {});
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const maxAttempts = options.maxAttempts ?? 10;
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: LOCAL_REGION,
    credentials: CREDENTIALS,
  });
  const subscribers = options.subscribers.map((subscriber) => {
    const load = lazyHandler(options.root, subscriber.handler);
    const name = localFunctionName(subscriber.handler);
    const invoke: Invoke = async (event) => {
      await (await load())(event as never, createLambdaContext(name, SUBSCRIBER_TIMEOUT_MS));
    };
    return { ...subscriber, name, invoke };
  });

  /** Each shard's next iterator; `null` once a closed shard is read to its end. */
  const iterators = new Map<string, string | null>();
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const discoverShards = async () => {
    const { StreamDescription } = await client.send(
      new DescribeStreamCommand({ StreamArn: options.streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (shardId === undefined || iterators.has(shardId)) continue;
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shardId,
          // Everything the stream still holds: at least once, as the event source mapping.
          ShardIteratorType: "TRIM_HORIZON",
        }),
      );
      iterators.set(shardId, ShardIterator ?? null);
    }
  };

  const deliver = async (records: DynamoDBRecord[]) => {
    for (const subscriber of subscribers) {
      const mine = records.filter((record) =>
        record.dynamodb?.Keys?.pk?.S?.startsWith(subscriber.pkPrefix),
      );
      if (mine.length === 0) continue;
      for (let attempt = 1; ; attempt++) {
        try {
          await subscriber.invoke({ Records: mine });
          break;
        } catch (error) {
          const last = attempt >= maxAttempts;
          log(
            `stream: ${subscriber.name} failed on ${mine.length} record(s) (attempt ${attempt} of ${maxAttempts}${
              last ? ", skipping them" : ", will retry"
            }): ${describe(error)}`,
          );
          if (last || stopping) break;
          await pause(retryDelayMs * attempt);
        }
      }
    }
  };

  const readShards = async (): Promise<boolean> => {
    let any = false;
    for (const [shardId, iterator] of iterators) {
      if (iterator === null || stopping) continue;
      const { Records = [], NextShardIterator } = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator }),
      );
      if (Records.length > 0) {
        any = true;
        await deliver(Records.map((record) => lambdaRecord(record, options.streamArn)));
      }
      iterators.set(shardId, NextShardIterator ?? null);
    }
    return any;
  };

  const loop = (async () => {
    let sinceDiscovery = Number.POSITIVE_INFINITY;
    while (!stopping) {
      try {
        // New shards appear as DynamoDB Local rolls them over.
        if (sinceDiscovery >= 20) {
          await discoverShards();
          sinceDiscovery = 0;
        }
        sinceDiscovery++;
        if (await readShards()) continue;
      } catch (error) {
        if (stopping) break;
        log(`stream: reading the table's stream failed: ${describe(error)}`);
      }
      await pause(pollIntervalMs);
    }
  })();

  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      client.destroy();
    },
  };
}

/** A stream record as Lambda hands it to a function (dates as epoch seconds). */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBRecord {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  return {
    ...(record.eventID === undefined ? {} : { eventID: record.eventID }),
    ...(record.eventName === undefined ? {} : { eventName: record.eventName }),
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: LOCAL_REGION,
    eventSourceARN: streamArn,
    dynamodb: {
      ...(record.dynamodb as DynamoDBRecord["dynamodb"]),
      ...(created === undefined ? {} : { ApproximateCreationDateTime: created.getTime() / 1000 }),
    },
  };
}
