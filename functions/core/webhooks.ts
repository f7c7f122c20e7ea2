/**
 * Signed webhooks to the application. An endpoint asks for event types; each domain event of
 * those types becomes one delivery per endpoint, attempted at once and then again on a fixed
 * exponential schedule (Standard Webhooks' own: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, a
 * little over 27 hours in all) until the endpoint answers 2xx, or the schedule runs out and
 * the delivery is `failed` with every attempt's status. Every attempt of a delivery carries
 * the same message id, so a receiver can deduplicate. What is delivered is the event's public
 * form, the same as the user's security log shows: never a sealed code, contacts masked.
 */
import { randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import { type DomainEvent, EVENT_TYPES, type EventType } from "./events.js";
import type { Clock, Random } from "./ports.js";
import { securityLogEntry } from "./security-log.js";

/** Seconds after each failed attempt until the next; one attempt more than its length. */
export const RETRY_SCHEDULE_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: EventType[];
  /** The signing secret (`whsec_…`), sealed at rest. */
  sealedSecret: string;
  createdAt: string;
}

interface WebhookAttempt {
  at: string;
  /** The endpoint's HTTP status, or null when none came (refused address, timeout, network). */
  status: number | null;
  error?: string;
}

type DeliveryState = "pending" | "delivered" | "failed";

export interface WebhookDelivery {
  /** The message id (`webhook-id`), the same on every attempt. */
  id: string;
  endpointId: string;
  eventId: string;
  eventType: EventType;
  /** The JSON body, signed as it is. */
  payload: string;
  /** Epoch seconds of the event: the payload's timestamp. */
  createdAtEpochSeconds: number;
  state: DeliveryState;
  attempts: WebhookAttempt[];
  /** When the next attempt is due (epoch seconds); null once delivered or failed. */
  nextAttemptAt: number | null;
}

export interface WebhookStore {
  putEndpoint(endpoint: WebhookEndpoint): Promise<void>;
  listEndpoints(): Promise<WebhookEndpoint[]>;
  getEndpoint(id: string): Promise<WebhookEndpoint | null>;
  /** False when there was none. */
  deleteEndpoint(id: string): Promise<boolean>;
  /** Creates the delivery unless one exists for this endpoint and event: false then. */
  createDelivery(delivery: WebhookDelivery): Promise<boolean>;
  /**
   * Records an attempt, if the delivery still has `attemptsBefore` attempts (one writer per
   * attempt): false when another did it first.
   */
  recordAttempt(
    delivery: WebhookDelivery,
    attemptsBefore: number,
    attempt: WebhookAttempt,
    state: DeliveryState,
    nextAttemptAt: number | null,
  ): Promise<boolean>;
  /** Pending deliveries due at or before `now`, oldest first. */
  due(now: number, limit: number): Promise<WebhookDelivery[]>;
  deliveriesOf(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
}

export interface WebhookSender {
  /**
   * POSTs `payload` signed with the endpoint's secret (Standard Webhooks headers). Never
   * throws: a refused address, a timeout or a network error is `status: null`.
   */
  send(
    endpoint: WebhookEndpoint,
    message: { id: string; timestampEpochSeconds: number; payload: string },
  ): Promise<{ status: number | null; error?: string }>;
}

export interface WebhookDeps {
  clock: Clock;
  random: Random;
  store: WebhookStore;
  sender: WebhookSender;
}

const nowSeconds = (clock: Clock) => Math.floor(clock.nowMs() / 1000);

/** The body an endpoint receives: `{type, timestamp, data}` as Standard Webhooks suggests. */
function webhookPayload(event: DomainEvent): string | null {
  const entry = securityLogEntry(event);
  const data = entry
    ? {
        id: entry.id,
        userId: event.userId,
        outcome: entry.outcome,
        ip: entry.ip,
        userAgent: entry.userAgent,
        ...entry.data,
      }
    : null;
  if (data === null) return null;
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt, data });
}

/**
 * Fans an event out to the endpoints that want it: one delivery each (created once, whatever
 * the retries of the event), attempted at once, all endpoints side by side so that a slow one
 * delays no other.
 */
export async function dispatchEvent(deps: WebhookDeps, event: DomainEvent): Promise<void> {
  const payload = webhookPayload(event);
  if (payload === null) return;
  const endpoints = (await deps.store.listEndpoints()).filter((e) =>
    e.eventTypes.includes(event.type),
  );
  const occurred = Math.floor(Date.parse(event.occurredAt) / 1000);
  await Promise.all(
    endpoints.map(async (endpoint) => {
      const delivery: WebhookDelivery = {
        id: `msg_${endpoint.id}_${event.id}`,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        payload,
        createdAtEpochSeconds: Number.isFinite(occurred) ? occurred : nowSeconds(deps.clock),
        state: "pending",
        attempts: [],
        nextAttemptAt: nowSeconds(deps.clock),
      };
      if (await deps.store.createDelivery(delivery))
        await attemptDelivery(deps, delivery, endpoint);
    }),
  );
}

/** One attempt of a pending delivery, recorded with what comes next. */
async function attemptDelivery(
  deps: WebhookDeps,
  delivery: WebhookDelivery,
  known?: WebhookEndpoint,
): Promise<DeliveryState> {
  const endpoint = known ?? (await deps.store.getEndpoint(delivery.endpointId));
  const at = new Date(deps.clock.nowMs()).toISOString();
  const result = endpoint
    ? await deps.sender.send(endpoint, {
        id: delivery.id,
        timestampEpochSeconds: nowSeconds(deps.clock),
        payload: delivery.payload,
      })
    : { status: null, error: "endpoint deleted" };
  const attempt: WebhookAttempt = {
    at,
    status: result.status,
    ...(result.error ? { error: result.error } : {}),
  };
  const ok = result.status !== null && result.status >= 200 && result.status < 300;
  const failedBefore = delivery.attempts.length;
  const delay = RETRY_SCHEDULE_SECONDS[failedBefore];
  const state: DeliveryState = ok
    ? "delivered"
    : delay === undefined || !endpoint
      ? "failed"
      : "pending";
  const next = state === "pending" && delay !== undefined ? nowSeconds(deps.clock) + delay : null;
  await deps.store.recordAttempt(delivery, failedBefore, attempt, state, next);
  return state;
}

/** The scheduled retry: every pending delivery that is due, side by side. */
export async function retryDueDeliveries(deps: WebhookDeps, limit = 50): Promise<number> {
  const due = await deps.store.due(nowSeconds(deps.clock), limit);
  await Promise.all(due.map((delivery) => attemptDelivery(deps, delivery)));
  return due.length;
}

// ---------------------------------------------------------------------------------------------
// The admin API's side

const MAX_URL_CHARS = 2048;

export interface NewEndpoint {
  url: string;
  eventTypes: string[];
}

/** Checks a new endpoint's URL and types: https (http only where loopback is allowed). */
export function checkNewEndpoint(input: NewEndpoint, allowHttp: boolean): EventType[] {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new DomainError("invalid_request", "The URL is not valid.", { field: "url" });
  }
  const schemeOk = url.protocol === "https:" || (allowHttp && url.protocol === "http:");
  if (!schemeOk || input.url.length > MAX_URL_CHARS || url.username || url.password) {
    throw new DomainError("invalid_request", "The URL must be https, without credentials.", {
      field: "url",
    });
  }
  const known = new Set<string>(EVENT_TYPES);
  const types = [...new Set(input.eventTypes)];
  if (types.length === 0 || types.some((t) => !known.has(t))) {
    throw new DomainError("invalid_request", "Name one or more known event types.", {
      field: "eventTypes",
    });
  }
  return types as EventType[];
}

/** A new endpoint id and signing secret (`whsec_` + 32 random bytes, base64). */
export function newEndpointSecrets(random: Random): { id: string; secret: string } {
  return {
    id: randomId(random, "we_"),
    secret: `whsec_${Buffer.from(random.bytes(32)).toString("base64")}`,
  };
}
