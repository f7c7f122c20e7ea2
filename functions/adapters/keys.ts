/**
 * The single-table layout: every partition and sort key the stores write, built here and
 * nowhere else, so two stores cannot disagree on an item's address.
 *
 * ```
 * USER#<id>                  PROFILE          the user
 *                            LOCKOUT          the second-factor lockout counter
 *                            TOTP_PENDING     an authenticator-app enrollment until validated
 *                            BACKUP#<hash>    one backup code (usedAt once spent)
 *                            BACKUP_REVEAL    fresh backup codes, sealed, for one read
 *                            SESSION#<id>     a session: a refresh-token family
 *                            DEVICE#<id>      a remembered device (its token's keyed hash)
 *                            PASSKEY#<cred>   a passkey (credential id base64url)
 * UNIQUE#<kind>#<value>      UNIQUE           a claim on a username, phone or email
 * PASSKEY_ID#<cred>          CLAIM            a credential id's claim, naming its user
 * CHALLENGE#<purpose>#<subj> CHALLENGE        a WebAuthn challenge (single use, 5 minutes)
 * CODE#<purpose>#<subject>   CODE             a verification or login code
 * RATE#<key>#<index>         RATE             a rate-limit window (index: floor(now / window))
 * RATE#<key>                 COOLDOWN         a rate limit's last hit, for its cooldown
 * SIGNIN#<id>                SIGNIN           a sign-in
 * REFRESH#<hash>             REFRESH          a refresh token
 * DELIVERY#<event id>        DELIVERY         a notification's delivery record
 * CONNECTOR_ACCOUNT#<id>     ACCOUNT          a connector account (gsi1: OWNER#<user id>)
 * CONNECTOR_RUN#<id>         RUN              a connector run
 * USER#<id>                  SECEVENT#<time>#<event id>  one entry of the user's security log
 * OUTBOX#<event id>          OUTBOX           a domain event on its way to the topic (the stream)
 * ADMIN_LOG                  SECEVENT#<time>#<event id>  one entry of the admin audit log
 * ```
 */
import type { UniqueClaim } from "../core/users.js";
import type { CodePurpose } from "../core/verification-codes.js";

export interface ItemKey {
  pk: string;
  sk: string;
}

const userPartition = (userId: string) => `USER#${userId}`;

export function userKey(userId: string): ItemKey {
  return { pk: userPartition(userId), sk: "PROFILE" };
}

export function lockoutKey(userId: string): ItemKey {
  return { pk: userPartition(userId), sk: "LOCKOUT" };
}

export function pendingEnrollmentKey(userId: string): ItemKey {
  return { pk: userPartition(userId), sk: "TOTP_PENDING" };
}

const BACKUP_CODE_PREFIX = "BACKUP#";

export function backupCodeKey(userId: string, codeHash: string): ItemKey {
  return { pk: userPartition(userId), sk: `${BACKUP_CODE_PREFIX}${codeHash}` };
}

/** The key condition of a query for every backup-code item of a user. */
export function backupCodesQuery(userId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": userPartition(userId), ":prefix": BACKUP_CODE_PREFIX },
  };
}

export function backupCodeRevealKey(userId: string): ItemKey {
  return { pk: userPartition(userId), sk: "BACKUP_REVEAL" };
}

export function claimKey(claim: UniqueClaim): ItemKey {
  return { pk: `UNIQUE#${claim.kind}#${claim.value.toLowerCase()}`, sk: "UNIQUE" };
}

export function codeKey(purpose: CodePurpose, subject: string): ItemKey {
  return { pk: `CODE#${purpose}#${subject}`, sk: "CODE" };
}

export function rateWindowKey(key: string, index: number): ItemKey {
  return { pk: `RATE#${key}#${index}`, sk: "RATE" };
}

export function rateCooldownKey(key: string): ItemKey {
  return { pk: `RATE#${key}`, sk: "COOLDOWN" };
}

export function signInKey(signInId: string): ItemKey {
  return { pk: `SIGNIN#${signInId}`, sk: "SIGNIN" };
}

export function refreshTokenKey(tokenHash: string): ItemKey {
  return { pk: `REFRESH#${tokenHash}`, sk: "REFRESH" };
}

const SESSION_PREFIX = "SESSION#";

/** A session (a refresh-token family) lives in its user's partition, to be listed there. */
export function sessionKey(userId: string, sessionId: string): ItemKey {
  return { pk: userPartition(userId), sk: `${SESSION_PREFIX}${sessionId}` };
}

/** The key condition of a query for every session of a user. */
export function sessionsQuery(userId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": userPartition(userId), ":prefix": SESSION_PREFIX },
  };
}

const DEVICE_PREFIX = "DEVICE#";

/** A remembered device lives in its user's partition: a login finds it by one query there. */
export function deviceKey(userId: string, deviceId: string): ItemKey {
  return { pk: userPartition(userId), sk: `${DEVICE_PREFIX}${deviceId}` };
}

/** The key condition of a query for every remembered device of a user. */
export function devicesQuery(userId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": userPartition(userId), ":prefix": DEVICE_PREFIX },
  };
}

export function deliveryKey(eventId: string): ItemKey {
  return { pk: `DELIVERY#${eventId}`, sk: "DELIVERY" };
}

export function connectorAccountKey(accountId: string): ItemKey {
  return { pk: `CONNECTOR_ACCOUNT#${accountId}`, sk: "ACCOUNT" };
}

/** Where an account stands in `gsi1`, its owner's accounts oldest first. */
export function ownerIndexKey(account: { ownerId: string; createdAt: string; id: string }) {
  return {
    gsi1pk: `OWNER#${account.ownerId}`,
    gsi1sk: `CONNECTOR_ACCOUNT#${account.createdAt}#${account.id}`,
  };
}

export function connectorRunKey(runId: string): ItemKey {
  return { pk: `CONNECTOR_RUN#${runId}`, sk: "RUN" };
}

const PASSKEY_PREFIX = "PASSKEY#";

export function passkeyKey(userId: string, credentialId: string): ItemKey {
  return { pk: userPartition(userId), sk: `${PASSKEY_PREFIX}${credentialId}` };
}

/** The key condition of a query for every passkey of a user. */
export function passkeysQuery(userId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": userPartition(userId), ":prefix": PASSKEY_PREFIX },
  };
}

/** A credential id is claimed once across all users; the claim names its user. */
export function passkeyClaimKey(credentialId: string): ItemKey {
  return { pk: `PASSKEY_ID#${credentialId}`, sk: "CLAIM" };
}

export function challengeKey(purpose: string, subject: string): ItemKey {
  return { pk: `CHALLENGE#${purpose}#${subject}`, sk: "CHALLENGE" };
}

const SECURITY_EVENT_PREFIX = "SECEVENT#";

/** One entry of a user's security log; the sort key orders entries by time. */
export function securityEventKey(userId: string, occurredAt: string, eventId: string): ItemKey {
  return { pk: userPartition(userId), sk: `${SECURITY_EVENT_PREFIX}${occurredAt}#${eventId}` };
}

/** The key condition of a query for a user's security log. */
export function securityEventsQuery(userId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": userPartition(userId), ":prefix": SECURITY_EVENT_PREFIX },
  };
}

/** The admin audit log is one partition, laid out like a user's security log. */
const ADMIN_LOG = "ADMIN_LOG";

/** One entry of the admin audit log. */
export function adminEventKey(occurredAt: string, eventId: string): ItemKey {
  return { pk: ADMIN_LOG, sk: `${SECURITY_EVENT_PREFIX}${occurredAt}#${eventId}` };
}

/** The key condition of a query for the admin audit log. */
export function adminEventsQuery() {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": ADMIN_LOG, ":prefix": SECURITY_EVENT_PREFIX },
  };
}

/** Whether `sk` is a security-log sort key (a cursor names one). */
export function isSecurityEventSortKey(sk: string): boolean {
  return sk.startsWith(SECURITY_EVENT_PREFIX);
}

export const OUTBOX_PREFIX = "OUTBOX#";

/** A domain event in the outbox; the table's stream relays new ones to the topic. */
export function outboxKey(eventId: string): ItemKey {
  return { pk: `${OUTBOX_PREFIX}${eventId}`, sk: "OUTBOX" };
}

/** Webhook endpoints share one partition: the admin API lists them with one query. */
const WEBHOOK_ENDPOINTS = "WEBHOOK_ENDPOINTS";

export function webhookEndpointKey(endpointId: string): ItemKey {
  return { pk: WEBHOOK_ENDPOINTS, sk: `ENDPOINT#${endpointId}` };
}

export function webhookEndpointsQuery() {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": WEBHOOK_ENDPOINTS, ":prefix": "ENDPOINT#" },
  };
}

/** One delivery of an event to an endpoint, in the endpoint's own partition. */
export function webhookDeliveryKey(endpointId: string, deliveryId: string): ItemKey {
  return { pk: `WEBHOOK#${endpointId}`, sk: `DELIVERY#${deliveryId}` };
}

export function webhookDeliveriesQuery(endpointId: string) {
  return {
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": `WEBHOOK#${endpointId}`, ":prefix": "DELIVERY#" },
  };
}

/** Where a pending delivery stands in `gsi1` while an attempt is due (zero-padded epoch). */
export const WEBHOOK_DUE = "WEBHOOK_DUE";
export function webhookDueIndexKey(nextAttemptAt: number, deliveryId: string) {
  return {
    gsi1pk: WEBHOOK_DUE,
    gsi1sk: `${String(nextAttemptAt).padStart(12, "0")}#${deliveryId}`,
  };
}
