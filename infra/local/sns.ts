/**
 * Amazon SNS stand-in (no usable emulator exists on npm): speaks the query protocol the SDK
 * uses, records SMS sent to phone numbers, and delivers topic messages to the subscribed
 * functions the way SNS invokes Lambda (asynchronously, with Lambda's retries).
 *
 * Besides `Publish`, it answers what a developer uses to inspect a stack: `CreateTopic`,
 * `ListTopics`, `GetTopicAttributes`, `ListSubscriptions`, `ListSubscriptionsByTopic`,
 * `GetSMSAttributes` / `SetSMSAttributes`, and the opt-out list (`CheckIfPhoneNumberIsOptedOut`,
 * `ListPhoneNumbersOptedOut`, `OptInPhoneNumber`). As in SNS, `Publish` to an opted-out number
 * is accepted (it has a message ID) and never delivered.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, SNSEvent, SNSMessageAttributes } from "aws-lambda";
import { createLambdaContext, describe, LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./lambda.js";
import { members } from "./query-protocol.js";

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
  /**
   * Numbers that replied STOP: SNS accepts a `Publish` to them and delivers nothing. In AWS a
   * recipient opts out from the phone; locally this list stands for those replies.
   */
  readonly optedOutPhoneNumbers?: readonly string[];
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
/** SNS: up to 256 letters, digits, hyphens and underscores (`.fifo` ends a FIFO topic's). */
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
/** SNS lists topics and subscriptions 100 at a time. */
const PAGE_SIZE = 100;
/** What `GetSMSAttributes` shows before anything was set: SNS's documented defaults. */
const DEFAULT_SMS_ATTRIBUTES: Readonly<Record<string, string>> = {
  MonthlySpendLimit: "1",
  DefaultSMSType: "Promotional",
};
const SMS_ATTRIBUTE_NAMES = new Set([
  "MonthlySpendLimit",
  "DeliveryStatusIAMRole",
  "DeliveryStatusSuccessSamplingRate",
  "DefaultSenderID",
  "DefaultSMSType",
  "UsageReportS3Bucket",
]);

interface Subscriber {
  readonly fn: SnsSubscriber;
  readonly name: string;
  readonly subscriptionArn: string;
}

interface Topic {
  readonly topicArn: string;
  readonly attributes: Record<string, string>;
  readonly subscribers: readonly Subscriber[];
}

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
  const topics = new Map<string, Topic>();
  for (const [topicArn, fns] of Object.entries(options.subscriptions ?? {})) {
    topics.set(topicArn, {
      topicArn,
      attributes: {},
      subscribers: fns.map((fn, index) => ({
        fn,
        name: fn.name || `subscriber-${index + 1}`,
        subscriptionArn: `${topicArn}:${randomUUID()}`,
      })),
    });
  }
  const optedOut = new Set(options.optedOutPhoneNumbers ?? []);
  const smsAttributes: Record<string, string> = { ...DEFAULT_SMS_ATTRIBUTES };
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
      if (optedOut.has(phoneNumber)) {
        // SNS's delivery log says "Phone is currently opted out"; the caller hears nothing.
        log(`sns: SMS ${messageId} not delivered: ${phoneNumber} has opted out`);
        return messageId;
      }
      const sms: SmsMessage = { channel: "sms", to: phoneNumber, body: message, sentAt: now };
      sent.push(sms);
      options.onSms?.(sms);
      return messageId;
    }

    const topic = topics.get(topicArn ?? "");
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

  const topicOf = (params: URLSearchParams): Topic => {
    const topicArn = params.get("TopicArn");
    if (!topicArn) throw new SnsError("InvalidParameter", "Invalid parameter: TopicArn");
    const topic = topics.get(topicArn);
    if (!topic) throw new SnsError("NotFound", "Topic does not exist", 404);
    return topic;
  };

  const subscriptionsOf = (topic: Topic): string =>
    topic.subscribers
      .map((subscriber) => {
        const [, , , region, account] = topic.topicArn.split(":");
        return `<member><SubscriptionArn>${escapeXml(subscriber.subscriptionArn)}</SubscriptionArn><Owner>${account}</Owner><Protocol>lambda</Protocol><Endpoint>arn:aws:lambda:${region}:${account}:function:${escapeXml(subscriber.name)}</Endpoint><TopicArn>${escapeXml(topic.topicArn)}</TopicArn></member>`;
      })
      .join("");

  /** Each action's `<…Result>` content. */
  const actions: Record<string, (params: URLSearchParams) => string> = {
    Publish: (params) => `<MessageId>${publish(params)}</MessageId>`,
    CreateTopic: (params) => {
      const name = params.get("Name") ?? "";
      if (!TOPIC_NAME.test(name)) {
        throw new SnsError("InvalidParameter", "Invalid parameter: Topic Name");
      }
      const topicArn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${name}`;
      // Creating an existing topic is an idempotent success that returns its ARN.
      if (!topics.has(topicArn)) {
        topics.set(topicArn, {
          topicArn,
          attributes: entries(params, "Attributes"),
          subscribers: [],
        });
      }
      return `<TopicArn>${escapeXml(topicArn)}</TopicArn>`;
    },
    ListTopics: (params) => {
      const page = paginate([...topics.keys()], params.get("NextToken"));
      return `<Topics>${page.items
        .map((arn) => `<member><TopicArn>${escapeXml(arn)}</TopicArn></member>`)
        .join("")}</Topics>${nextTokenXml("NextToken", page.nextToken)}`;
    },
    GetTopicAttributes: (params) => {
      const topic = topicOf(params);
      const [, , , , account = ""] = topic.topicArn.split(":");
      const attributes: Record<string, string> = {
        TopicArn: topic.topicArn,
        Owner: account,
        DisplayName: "",
        SubscriptionsConfirmed: String(topic.subscribers.length),
        SubscriptionsPending: "0",
        SubscriptionsDeleted: "0",
        ...topic.attributes,
      };
      return mapXml("Attributes", attributes);
    },
    ListSubscriptions: (params) => {
      const all = [...topics.values()].flatMap((topic) =>
        topic.subscribers.map((subscriber) => ({ ...topic, subscribers: [subscriber] })),
      );
      const page = paginate(all, params.get("NextToken"));
      return `<Subscriptions>${page.items.map(subscriptionsOf).join("")}</Subscriptions>${nextTokenXml(
        "NextToken",
        page.nextToken,
      )}`;
    },
    ListSubscriptionsByTopic: (params) =>
      `<Subscriptions>${subscriptionsOf(topicOf(params))}</Subscriptions>`,
    GetSMSAttributes: (params) => {
      const wanted = members(params, "attributes");
      const chosen = Object.fromEntries(
        Object.entries(smsAttributes).filter(
          ([name]) => wanted.length === 0 || wanted.includes(name),
        ),
      );
      return mapXml("attributes", chosen);
    },
    SetSMSAttributes: (params) => {
      const changes = entries(params, "attributes");
      for (const [name, value] of Object.entries(changes)) {
        if (!SMS_ATTRIBUTE_NAMES.has(name)) {
          throw new SnsError("InvalidParameter", `Invalid parameter: ${name}`);
        }
        if (name === "DefaultSMSType" && value !== "Promotional" && value !== "Transactional") {
          throw new SnsError("InvalidParameter", "Invalid parameter: DefaultSMSType");
        }
        if (name === "MonthlySpendLimit" && !/^\d+$/.test(value)) {
          throw new SnsError("InvalidParameter", "Invalid parameter: MonthlySpendLimit");
        }
      }
      Object.assign(smsAttributes, changes);
      return "";
    },
    CheckIfPhoneNumberIsOptedOut: (params) =>
      `<isOptedOut>${optedOut.has(phoneNumberOf(params))}</isOptedOut>`,
    ListPhoneNumbersOptedOut: (params) => {
      const page = paginate([...optedOut], params.get("nextToken"));
      return `<phoneNumbers>${page.items
        .map((number) => `<member>${escapeXml(number)}</member>`)
        .join("")}</phoneNumbers>${nextTokenXml("nextToken", page.nextToken)}`;
    },
    OptInPhoneNumber: (params) => {
      optedOut.delete(phoneNumberOf(params));
      return "";
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    try {
      const params = new URLSearchParams(await readBody(request));
      const action = params.get("Action");
      if (request.method !== "POST" || action === null) {
        throw new SnsError("MissingAction", "Missing Action");
      }
      const perform = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!perform) {
        throw new SnsError(
          "InvalidAction",
          `The action ${action} is not valid for this web service`,
        );
      }
      const result = perform(params);
      const requestId = randomUUID();
      sendXml(
        response,
        200,
        requestId,
        `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
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

/** `Name.entry.N.key` / `Name.entry.N.value` as a record. */
function entries(params: URLSearchParams, name: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (let n = 1; ; n++) {
    const key = params.get(`${name}.entry.${n}.key`);
    if (key === null) return record;
    record[key] = params.get(`${name}.entry.${n}.value`) ?? "";
  }
}

function mapXml(name: string, record: Readonly<Record<string, string>>): string {
  const body = Object.entries(record)
    .map(
      ([key, value]) =>
        `<entry><key>${escapeXml(key)}</key><value>${escapeXml(value)}</value></entry>`,
    )
    .join("");
  return `<${name}>${body}</${name}>`;
}

function nextTokenXml(element: string, token: string | undefined): string {
  return token === undefined ? "" : `<${element}>${token}</${element}>`;
}

function phoneNumberOf(params: URLSearchParams): string {
  const phoneNumber = params.get("phoneNumber") ?? "";
  if (!E164.test(phoneNumber)) {
    throw new SnsError(
      "InvalidParameter",
      "Invalid parameter: PhoneNumber Reason: input incorrectly formatted",
    );
  }
  return phoneNumber;
}

/** A page of `PAGE_SIZE`; the token is the offset of the next page. */
function paginate<T>(all: readonly T[], token: string | null): { items: T[]; nextToken?: string } {
  let offset = 0;
  if (token !== null) {
    offset = Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10);
    if (!Number.isInteger(offset) || offset < 0 || offset > all.length) {
      throw new SnsError("InvalidParameter", "Invalid parameter: NextToken");
    }
  }
  const items = all.slice(offset, offset + PAGE_SIZE);
  const next = offset + items.length;
  return {
    items,
    ...(next < all.length ? { nextToken: Buffer.from(String(next)).toString("base64url") } : {}),
  };
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
