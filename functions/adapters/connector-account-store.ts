/**
 * Connector accounts and runs in DynamoDB. Every change is one conditional write: the
 * conditions of core (the account's last run, the task token or code it still holds) become
 * the `ConditionExpression`, and a failed condition becomes `false`, never an error.
 * An owner's accounts are listed through `gsi1`.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type {
  AccountChange,
  AccountCondition,
  ConnectorAccount,
  ConnectorRun,
} from "../core/connectors/model.js";
import type { ConnectorAccountStore } from "../core/connectors/ports.js";
import { documentClient, transactIfConditionsHold, updateIfConditionHolds } from "./dynamo.js";
import {
  connectorAccountKey as accountKey,
  ownerIndexKey,
  connectorRunKey as runKey,
} from "./keys.js";

interface UpdateParts {
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** `SET … REMOVE …` under `attribute_exists(pk) AND <condition>`, with placeholders only. */
function updateParts(change: AccountChange, condition: AccountCondition): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const name = (field: string) => {
    const placeholder = `#${field}`;
    names[placeholder] = field;
    return placeholder;
  };

  const set = Object.entries(change.set ?? {}).filter(([, value]) => value !== undefined);
  const setFields = new Set(set.map(([field]) => field));
  const remove = (change.remove ?? []).filter((field) => !setFields.has(field));
  const clauses: string[] = [];
  if (set.length > 0) {
    clauses.push(
      `SET ${set
        .map(([field, value], i) => {
          values[`:s${i}`] = value;
          return `${name(field)} = :s${i}`;
        })
        .join(", ")}`,
    );
  }
  if (remove.length > 0) clauses.push(`REMOVE ${remove.map(name).join(", ")}`);

  const conditions = ["attribute_exists(pk)"];
  Object.entries(condition).forEach(([field, expected], i) => {
    if (expected === undefined) return;
    if (expected === null) {
      conditions.push(`attribute_not_exists(${name(field)})`);
      return;
    }
    values[`:c${i}`] = expected;
    conditions.push(`${name(field)} = :c${i}`);
  });

  return {
    UpdateExpression: clauses.join(" "),
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

function toAccount(item: Record<string, unknown> | undefined): ConnectorAccount | null {
  if (!item) return null;
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    // Accounts written before execution ARNs stayed with the workflow adapter carry one.
    lastRunExecutionArn: _arn,
    ...account
  } = item;
  return { state: null, ...account } as unknown as ConnectorAccount;
}

function toRun(item: Record<string, unknown> | undefined): ConnectorRun | null {
  if (!item) return null;
  // Runs recorded before execution ARNs stayed with the workflow adapter carry one: dropped.
  const { pk: _pk, sk: _sk, executionArn: _arn, ...run } = item;
  return run as unknown as ConnectorRun;
}

export function dynamoConnectorAccountStore(table: string): ConnectorAccountStore {
  const db = documentClient();
  return {
    async create(account) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...accountKey(account.id),
            ...ownerIndexKey(account),
            ...account,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    async get(accountId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: accountKey(accountId), ConsistentRead: true }),
      );
      return toAccount(Item);
    },

    async update(accountId, change, condition) {
      const parts = updateParts(change, condition);
      if (!parts.UpdateExpression) return true;
      return updateIfConditionHolds({ TableName: table, Key: accountKey(accountId), ...parts });
    },

    startRun(run, previousRunId, change) {
      return transactIfConditionsHold([
        {
          Update: {
            TableName: table,
            Key: accountKey(run.accountId),
            ...updateParts(change, { lastRunId: previousRunId }),
          },
        },
        {
          Put: {
            TableName: table,
            Item: { ...runKey(run.id), ...run },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        },
      ]);
    },

    async getRun(runId) {
      const { Item } = await db.send(
        new GetCommand({ TableName: table, Key: runKey(runId), ConsistentRead: true }),
      );
      return toRun(Item);
    },
  };
}
