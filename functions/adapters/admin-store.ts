/**
 * What the admin API reads and writes beside the other stores: the lockout record as stored
 * (for an operator's view), and the reset of a user's second factors as one transaction over
 * the user's partition, the credential claims of their passkeys, their pending login codes and
 * the events that tell them (keys in `keys.ts`).
 */
import { GetCommand, QueryCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import type { LockoutReader, SecondFactorResetStore } from "../core/admin.js";
import { appRemovedUserUpdate } from "./authenticator-app-store.js";
import { documentClient, transactIfConditionsHold } from "./dynamo.js";
import {
  backupCodeRevealKey,
  backupCodesQuery,
  codeKey,
  lockoutKey,
  passkeyClaimKey,
  passkeyKey,
  passkeysQuery,
  pendingEnrollmentKey,
} from "./keys.js";
import { eventPuts } from "./outbox.js";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

export function dynamoLockoutReader(table: string): LockoutReader {
  const db = documentClient();
  return {
    async read(userId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: lockoutKey(userId), ConsistentRead: true }),
      );
      if (!Item) return null;
      const failed = Item.failedFactors instanceof Set ? [...Item.failedFactors] : [];
      return {
        failures: Number(Item.failures ?? 0),
        total: Number(Item.runFailures ?? 0),
        locks: Number(Item.lockCount ?? 0),
        lastAttemptAt: Number(Item.lastAttemptAt ?? 0),
        failedFactors: failed.map(String),
      };
    },
  };
}

export function dynamoSecondFactorResetStore(table: string): SecondFactorResetStore {
  const db = documentClient();

  /** The keys of every item of the user's partition under a prefix query. */
  const keysOf = async (query: ReturnType<typeof backupCodesQuery>) => {
    const keys: { pk: string; sk: string; credentialId?: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          ...query,
          ProjectionExpression: "pk, sk, credentialId",
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        keys.push({
          pk: String(item.pk),
          sk: String(item.sk),
          ...(item.credentialId === undefined ? {} : { credentialId: String(item.credentialId) }),
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return keys;
  };

  return {
    async reset(user, next, events) {
      const [backupCodes, passkeys] = await Promise.all([
        keysOf(backupCodesQuery(user.id)),
        keysOf(passkeysQuery(user.id)),
      ]);
      const remove = (Key: { pk: string; sk: string }): TransactItem => ({
        Delete: { TableName: table, Key },
      });
      const items: TransactItem[] = [
        appRemovedUserUpdate(table, user, next),
        remove(pendingEnrollmentKey(user.id)),
        remove(backupCodeRevealKey(user.id)),
        ...backupCodes.map(({ pk, sk }) => remove({ pk, sk })),
        ...passkeys.flatMap(({ credentialId }) =>
          credentialId === undefined
            ? []
            : [remove(passkeyKey(user.id, credentialId)), remove(passkeyClaimKey(credentialId))],
        ),
        remove(lockoutKey(user.id)),
        remove(codeKey("login", user.id)),
        remove(codeKey("step_up", user.id)),
        ...eventPuts(table, events),
      ];
      return transactIfConditionsHold(items);
    },
  };
}
