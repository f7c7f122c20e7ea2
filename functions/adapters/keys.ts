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
 * UNIQUE#<kind>#<value>      UNIQUE           a claim on a username, phone or email
 * CODE#<purpose>#<subject>   CODE             a verification or login code
 * RATE#<key>                 RATE             a rate-limit window
 * SIGNIN#<id>                SIGNIN           a sign-in
 * REFRESH#<hash>             REFRESH          a refresh token
 * DELIVERY#<event id>        DELIVERY         a notification's delivery record
 * CONNECTOR_ACCOUNT#<id>     ACCOUNT          a connector account (gsi1: OWNER#<user id>)
 * CONNECTOR_RUN#<id>         RUN              a connector run
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

export function rateKey(key: string): ItemKey {
  return { pk: `RATE#${key}`, sk: "RATE" };
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
