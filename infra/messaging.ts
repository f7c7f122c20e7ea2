/**
 * Domain events: one SNS topic, the SES sender, and every subscriber of `SUBSCRIBERS` as its
 * own Lambda function, linked to what its row lists.
 */
import { configEnvironment } from "../functions/adapters/config-variables";
import { type LinkRegistry, linksFor } from "./links";
import { SUBSCRIBERS } from "./routes";
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
    environment: configEnvironment(process.env),
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
