/**
 * Amazon SNS stand-in (no usable emulator exists on npm): speaks the query protocol the SDK
 * uses for `Publish`, records SMS sent to phone numbers, and delivers topic messages to the
 * subscribed functions the way SNS invokes Lambda (asynchronously, with Lambda's retries).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, SNSEvent, SNSMessageAttributes } from "aws-lambda";
import { createLambdaContext, describe } from "./lambda.js";

export interface SmsMessage {
  readonly channel: "sms";
  readonly to: string;
  readonly body: string;
  readonly sentAt: string;
}

export type SnsSubscriber = (event: SNSEvent, context: Context) => Promise<unknown>;

export interface LocalSnsOptions {
  /** Omitted or 0 picks a free port. */
  readonly port?: number;
  /** Topic ARN → the functions subscribed to it; their `name` appears in logs. */
  readonly subscriptions?: Readonly<Record<string, readonly SnsSubscriber[]>>;
  readonly onSms?: (sms: SmsMessage) => void;
  readonly log?: (line: string) => void;
  /** Pause before a retry; AWS waits minutes, locally a moment keeps tests short. */
  readonly retryDelayMs?: number;
}

export interface LocalSns {
  readonly endpoint: string;
  /** Every SMS published since start, oldest first. */
  sms(): SmsMessage[];
  /** Resolves once every delivery under way (retries included) has finished. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
/** Lambda retries a failed asynchronous invocation twice. */
const DELIVERY_ATTEMPTS = 3;
const SUBSCRIBER_TIMEOUT_MS = 30_000;
const MAX_MESSAGE_BYTES = 256 * 1024; // SNS quota
const MAX_REQUEST_BYTES = 1024 * 1024;
const E164 = /^\+[1-9]\d{1,14}$/;

class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function startLocalSns(options: LocalSnsOptions = {}): Promise<LocalSns> {
  const log = options.log ?? (() => {});
  const retryDelayMs = options.retryDelayMs ?? 200;
  const subscriptions = Object.entries(options.subscriptions ?? {}).map(([topicArn, fns]) => ({
    topicArn,
    subscribers: fns.map((fn, index) => ({
      fn,
      name: fn.name || `subscriber-${index + 1}`,
      subscriptionArn: `${topicArn}:${randomUUID()}`,
    })),
  }));
  const sent: SmsMessage[] = [];
  const deliveries = new Set<Promise<void>>();
  const stopping = new AbortController();
  let endpoint = ""; // known once listening; events link back to it

  const publish = (params: URLSearchParams): string => {
    const phoneNumber = params.get("PhoneNumber");
    const topicArn = params.get("TopicArn") ?? params.get("TargetArn");
    if ((phoneNumber === null) === (topicArn === null)) {
      throw new SnsError(
        "InvalidParameter",
        "Invalid parameter: exactly one of TopicArn, TargetArn or PhoneNumber is required",
      );
    }
    const message = messageFor(params, phoneNumber === null ? "lambda" : "sms");
    const messageId = randomUUID();
    const now = new Date().toISOString();

    if (phoneNumber !== null) {
      if (!E164.test(phoneNumber)) {
        throw new SnsError(
          "InvalidParameter",
          "Invalid parameter: PhoneNumber Reason: not a valid E.164 number",
        );
      }
      const sms: SmsMessage = { channel: "sms", to: phoneNumber, body: message, sentAt: now };
      sent.push(sms);
      options.onSms?.(sms);
      return messageId;
    }

    const topic = subscriptions.find((s) => s.topicArn === topicArn);
    if (!topic) throw new SnsError("NotFound", "Topic does not exist", 404);
    const subject = params.get("Subject");
    const attributes = messageAttributes(params);
    for (const subscriber of topic.subscribers) {
      const event: SNSEvent = {
        Records: [
          {
            EventSource: "aws:sns",
            EventVersion: "1.0",
            EventSubscriptionArn: subscriber.subscriptionArn,
            Sns: {
              Type: "Notification",
              MessageId: messageId,
              TopicArn: topic.topicArn,
              ...(subject !== null ? { Subject: subject } : {}),
              Message: message,
              Timestamp: now,
              SignatureVersion: "1",
              Signature: "LOCAL",
              SigningCertUrl: `${endpoint}/local-signing-cert.pem`,
              UnsubscribeUrl: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriber.subscriptionArn}`,
              MessageAttributes: attributes,
            },
          },
        ],
      };
      // SNS answers Publish before it invokes anyone.
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => deliver(subscriber, event, messageId))
        .finally(() => deliveries.delete(delivery));
      deliveries.add(delivery);
    }
    return messageId;
  };

  const deliver = async (
    subscriber: { fn: SnsSubscriber; name: string },
    event: SNSEvent,
    messageId: string,
  ): Promise<void> => {
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      if (stopping.signal.aborted) return;
      try {
        // A fresh copy per attempt, as each Lambda invocation deserialises its own event.
        const copy = JSON.parse(JSON.stringify(event)) as SNSEvent;
        await subscriber.fn(copy, createLambdaContext(subscriber.name, SUBSCRIBER_TIMEOUT_MS));
        return;
      } catch (error) {
        // The error, never the message: it may carry codes or addresses.
        const last = attempt === DELIVERY_ATTEMPTS;
        log(
          `sns: ${subscriber.name} failed on message ${messageId} (attempt ${attempt} of ${DELIVERY_ATTEMPTS}${
            last ? ", giving up" : ", will retry"
          }): ${describe(error)}`,
        );
        if (last) return;
        try {
          await sleep(retryDelayMs * attempt, undefined, { signal: stopping.signal });
        } catch {
          return; // stopped while waiting
        }
      }
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`sns: request failed: ${describe(error)}`);
      if (!response.headersSent)
        sendError(response, new SnsError("InternalError", "internal error", 500));
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const params = new URLSearchParams(await readBody(request));
      const action = params.get("Action");
      if (request.method !== "POST" || action === null) {
        throw new SnsError("MissingAction", "Missing Action");
      }
      if (action !== "Publish") {
        throw new SnsError(
          "InvalidAction",
          `The action ${action} is not valid for this web service`,
        );
      }
      const messageId = publish(params);
      const requestId = randomUUID();
      sendXml(
        response,
        200,
        requestId,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    } catch (error) {
      if (!(error instanceof SnsError)) throw error;
      sendError(response, error);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const idle = async () => {
    while (deliveries.size > 0) await Promise.allSettled([...deliveries]);
  };

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve, reject) => {
      stopping.abort();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return stopped;
  };

  return { endpoint, sms: () => [...sent], idle, stop };
}

/** The message text, honouring `MessageStructure=json` (one message per protocol). */
function messageFor(params: URLSearchParams, protocol: "lambda" | "sms"): string {
  const message = params.get("Message");
  if (!message) throw new SnsError("InvalidParameter", "Invalid parameter: Empty message");
  if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES) {
    throw new SnsError("InvalidParameter", "Invalid parameter: Message too long");
  }
  if (params.get("MessageStructure") !== "json") return message;
  let structured: unknown;
  try {
    structured = JSON.parse(message);
  } catch {
    throw new SnsError(
      "InvalidParameter",
      "Invalid parameter: Message Structure - JSON message body failed to parse",
    );
  }
  const byProtocol = structured as Record<string, unknown> | null;
  const chosen = byProtocol?.[protocol] ?? byProtocol?.default;
  if (typeof chosen !== "string") {
    throw new SnsError(
      "InvalidParameter",
      "Invalid parameter: Message Structure - No default entry in JSON message body",
    );
  }
  return chosen;
}

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue|BinaryValue}` → Lambda's shape. */
function messageAttributes(params: URLSearchParams): SNSMessageAttributes {
  const attributes: SNSMessageAttributes = {};
  for (let n = 1; ; n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = params.get(`${prefix}.Name`);
    if (name === null) return attributes;
    const type = params.get(`${prefix}.Value.DataType`) ?? "String";
    const value =
      params.get(`${prefix}.Value.StringValue`) ?? params.get(`${prefix}.Value.BinaryValue`) ?? "";
    attributes[name] = { Type: type, Value: value };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) throw new SnsError("InvalidParameter", "Request too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendError(response: ServerResponse, error: SnsError): void {
  const type = error.status >= 500 ? "Receiver" : "Sender";
  const requestId = randomUUID();
  sendXml(
    response,
    error.status,
    requestId,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${error.code}</Code><Message>${escapeXml(
      error.message,
    )}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

function sendXml(response: ServerResponse, status: number, requestId: string, xml: string) {
  response.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(xml),
    "x-amzn-requestid": requestId,
  });
  response.end(xml);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
