/**
 * Users in DynamoDB. Uniqueness (username, verified phone, verified email) is held by claim
 * items written in the same transaction as the user, with `attribute_not_exists`: two
 * concurrent registrations of one name cannot both succeed. Codes proving a contact are
 * consumed in that transaction too.
 */

import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type {
  User,
  UserChange,
  UserStore,
  UserWriteOutcome,
  UserWriteRefusal,
} from "../core/users.js";
import type { StoredCode } from "../core/verification-codes.js";
import { codeItem, consumeCodeItem } from "./code-store.js";
import { documentClient, ifConditionHolds } from "./dynamo.js";
import { claimKey, userKey } from "./keys.js";
import { eventPuts } from "./outbox.js";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

/** An id no user has (ids are `usr_` + 22 base64url characters). */
const UNKNOWN_USER_ID = "none";

const TAKEN: Record<"username" | "phone" | "email", UserWriteRefusal> = {
  username: "username_taken",
  phone: "phone_number_taken",
  email: "email_taken",
};

function putCodeItem(table: string, code: StoredCode): TransactItem {
  return { Put: { TableName: table, Item: codeItem(code) } };
}

/** The codes a change consumes and stores, in the same transaction as the user. */
function addCodeItems(
  table: string,
  change: Pick<UserChange, "consume" | "putCodes" | "nowEpochSeconds">,
  items: TransactItem[],
  meanings: Meaning[],
) {
  for (const consumption of change.consume ?? []) {
    items.push(consumeCodeItem(table, consumption, change.nowEpochSeconds));
    meanings.push({ kind: "code" });
  }
  for (const code of change.putCodes ?? []) {
    items.push(putCodeItem(table, code));
    meanings.push({ kind: "other" });
  }
}

function toUser(item: Record<string, unknown> | undefined): User | null {
  if (!item) return null;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...user } = item;
  return user as unknown as User;
}

/** What each transaction item stands for, to turn a cancellation into the right refusal. */
type Meaning =
  | { kind: "claim"; claim: { kind: "username" | "phone" | "email" } }
  | { kind: "code" }
  | { kind: "user" }
  | { kind: "other" };

function run(items: TransactItem[], meanings: Meaning[]): Promise<UserWriteOutcome> {
  return ifConditionHolds(
    async () => {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return { ok: true } as const;
    },
    ({ failedIndexes }) => {
      const failed = failedIndexes.map((i) => meanings[i]);
      for (const meaning of failed) {
        if (meaning?.kind === "claim") return { ok: false, reason: TAKEN[meaning.claim.kind] };
      }
      if (failed.some((m) => m?.kind === "code")) return { ok: false, reason: "code_used" };
      // A condition on the user failed, or a concurrent write cancelled the transaction
      // (TransactionConflict): the request raced another one.
      return { ok: false, reason: "conflict" };
    },
  );
}

export function dynamoUserStore(table: string): UserStore {
  const db = documentClient();
  const get = async (id: string) =>
    toUser(
      (await db.send(new GetCommand({ TableName: table, Key: userKey(id), ConsistentRead: true })))
        .Item,
    );

  return {
    get,

    async findByUsername(username) {
      // Consistent: a login right after registration must find the claim just written (an
      // eventually consistent read may miss it for a moment in AWS; DynamoDB Local never does).
      const { Item } = await db.send(
        new GetCommand({
          TableName: table,
          Key: claimKey({ kind: "username", value: username }),
          ConsistentRead: true,
        }),
      );
      // An unknown username still reads a user item, so both answers cost two reads: the
      // token endpoint must not tell unknown users from wrong passwords by its timing.
      const user = await get(Item ? String(Item.userId) : UNKNOWN_USER_ID);
      return Item ? user : null;
    },

    async create(user, change) {
      const items: TransactItem[] = [];
      const meanings: Meaning[] = [];
      items.push({
        Put: {
          TableName: table,
          Item: { ...userKey(user.id), ...user },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      });
      meanings.push({ kind: "user" });
      for (const claim of change.claim ?? []) {
        items.push({
          Put: {
            TableName: table,
            Item: { ...claimKey(claim), userId: user.id },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        });
        meanings.push({ kind: "claim", claim });
      }
      addCodeItems(table, change, items, meanings);
      return run(items, meanings);
    },

    async update(user, change) {
      const next: User = { ...user, ...change.set, version: user.version + 1 };
      for (const field of change.remove ?? []) delete next[field];
      const items: TransactItem[] = [
        {
          Put: {
            TableName: table,
            Item: { ...userKey(user.id), ...next },
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: { ":v": user.version },
          },
        },
      ];
      const meanings: Meaning[] = [{ kind: "user" }];
      for (const claim of change.claim ?? []) {
        items.push({
          Put: {
            TableName: table,
            Item: { ...claimKey(claim), userId: user.id },
            ConditionExpression: "attribute_not_exists(pk) OR userId = :u",
            ExpressionAttributeValues: { ":u": user.id },
          },
        });
        meanings.push({ kind: "claim", claim });
      }
      for (const claim of change.release ?? []) {
        items.push({
          Delete: {
            TableName: table,
            Key: claimKey(claim),
            ConditionExpression: "userId = :u",
            ExpressionAttributeValues: { ":u": user.id },
          },
        });
        meanings.push({ kind: "other" });
      }
      addCodeItems(table, change, items, meanings);
      for (const put of eventPuts(table, change.events ?? [])) {
        items.push(put);
        meanings.push({ kind: "other" });
      }
      const outcome = await run(items, meanings);
      return outcome.ok ? { ok: true, user: next } : outcome;
    },
  };
}
