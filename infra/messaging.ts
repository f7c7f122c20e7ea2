/**
 * Domain events: one SNS topic, the SES sender, and every subscriber of `SUBSCRIBERS` as its
 * own Lambda function, linked to what its row lists. Events reach the topic through the
 * table's stream: each row of `STREAM_SUBSCRIBERS` is a function subscribed to it, for new
 * items of its key prefix only (the outbox relay).
 */
import { configEnvironment } from "../functions/adapters/config-variables";
import { type LinkRegistry, linksFor } from "./links";
import { NODEJS_BUNDLING } from "./nodejs";
import { SCHEDULED, STREAM_SUBSCRIBERS, SUBSCRIBERS } from "./routes";
import { secrets } from "./secrets";
import { table } from "./storage";

/**
 * The address (or domain) mail is sent from. SES must verify it before it sends anything, and
 * in the SES sandbox only to verified recipients: see docs/deploying.md.
 */
const EMAIL_SENDER = process.env.TWOFA_EMAIL_SENDER ?? "no-reply@example.com";

const SUBSCRIBER_RUNTIME = "nodejs22.x";
/** Renders a template and makes one SNS or SES call: little memory, few seconds. */
const SUBSCRIBER_MEMORY = "256 MB";
const SUBSCRIBER_TIMEOUT = "30 seconds";

/**
 * SMS to a phone number is an SNS `Publish` with no topic, so it has no ARN to scope to: IAM
 * only accepts `*` here. Only a subscriber whose row says `sendsSms` gets it.
 */
const PUBLISH_SMS = { actions: ["sns:Publish"], resources: ["*"] };

export const topic = new sst.aws.SnsTopic("Events");

export const email = new sst.aws.Email("Email", { sender: EMAIL_SENDER });

const available: LinkRegistry = { ...secrets, Table: table, Events: topic, Email: email };

for (const subscriber of SUBSCRIBERS) {
  topic.subscribe(subscriberName(subscriber.handler), {
    handler: `${subscriber.handler}.handler`,
    link: linksFor(subscriber.link, available, subscriber.handler),
    permissions: subscriber.sendsSms ? [PUBLISH_SMS] : [],
    runtime: SUBSCRIBER_RUNTIME,
    memory: SUBSCRIBER_MEMORY,
    timeout: SUBSCRIBER_TIMEOUT,
    nodejs: NODEJS_BUNDLING,
    environment: configEnvironment(process.env),
  });
}

for (const subscriber of STREAM_SUBSCRIBERS) {
  table.subscribe(
    subscriberName(subscriber.handler),
    {
      handler: `${subscriber.handler}.handler`,
      link: linksFor(subscriber.link, available, subscriber.handler),
      runtime: SUBSCRIBER_RUNTIME,
      memory: SUBSCRIBER_MEMORY,
      timeout: SUBSCRIBER_TIMEOUT,
      nodejs: NODEJS_BUNDLING,
      environment: configEnvironment(process.env),
    },
    {
      // Lambda's event filter: only new items whose key starts with the row's prefix invoke
      // the function. A failed batch is retried until its records leave the stream (24 h).
      filters: [
        {
          eventName: ["INSERT"],
          dynamodb: { Keys: { pk: { S: [{ prefix: subscriber.pkPrefix }] } } },
        },
      ],
    },
  );
}

for (const scheduled of SCHEDULED) {
  new sst.aws.Cron(subscriberName(scheduled.handler), {
    schedule: scheduled.schedule,
    function: {
      handler: `${scheduled.handler}.handler`,
      link: linksFor(scheduled.link, available, scheduled.handler),
      runtime: SUBSCRIBER_RUNTIME,
      memory: SUBSCRIBER_MEMORY,
      // Each delivery attempt is cut off by WEBHOOK_TIMEOUT_SECONDS; attempts run side by side.
      timeout: SUBSCRIBER_TIMEOUT,
      nodejs: NODEJS_BUNDLING,
      environment: configEnvironment(process.env),
    },
  });
}

/** `functions/events/notifier` → `Notifier`: SST names the function after it. */
function subscriberName(handler: string): string {
  const base = handler.split("/").at(-1) ?? handler;
  return base
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
