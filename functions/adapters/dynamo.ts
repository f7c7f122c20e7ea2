/**
 * The DynamoDB document client, made once per cold start. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` locally, so this code is the same in Lambda and on a laptop.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";

let client: DynamoDBDocumentClient | undefined;

/*
 * Read consistency. Every GetItem and Query of the adapters passes `ConsistentRead: true`: each
 * reads an item a request may have written moments before (a username claim and its user at
 * login after registration, a refresh token at rotation, a lockout, a sign-in, a pending app
 * enrollment and backup codes, a delivery record, a connector account and run), and a decision
 * taken on a stale copy would be wrong. Reads that may be stale: none of the above; a query of
 * `gsi1` (global secondary indexes are eventually consistent only) would be, and may serve
 * listings but no decision. Conditional writes (UpdateItem, TransactWriteItems) always see the
 * latest item, so the limits, codes and counters they hold do not depend on any read.
 */

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === "ConditionalCheckFailedException")
  );
}

/**
 * True when a transaction lost a race: one of its conditions failed, or DynamoDB cancelled it
 * because a concurrent write touched one of its items (`TransactionConflict`, which DynamoDB
 * Local never produces but AWS does). Either way the caller's precondition no longer holds.
 */
export function isTransactionConditionFailure(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] })
    .CancellationReasons;
  return (
    reasons?.some(
      (reason) => reason.Code === "ConditionalCheckFailed" || reason.Code === "TransactionConflict",
    ) ?? true
  );
}

/** Which transaction items failed their condition, by index. */
function failedConditionIndexes(error: unknown): number[] {
  const reasons =
    (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.flatMap((reason, index) =>
    reason.Code === "ConditionalCheckFailed" ? [index] : [],
  );
}

/** Why a conditional write did not happen. */
export interface ConditionFailure {
  /**
   * The item as it was, when the write asked for it (`ReturnValuesOnConditionCheckFailure:
   * ALL_OLD`), in DynamoDB's attribute-value form; absent for transactions.
   */
  old?: Record<string, AttributeValue>;
  /** In a transaction, the items whose condition failed, by index (none for a conflict). */
  failedIndexes: number[];
}

/**
 * Runs one conditional write or transaction. A failed condition (or, for a transaction, a
 * concurrent write that cancelled it) is not an error but an outcome: `onFailure` turns it
 * into the store's answer. Anything else is thrown as it came.
 */
export async function ifConditionHolds<T, F>(
  write: () => Promise<T>,
  onFailure: (failure: ConditionFailure) => F | Promise<F>,
): Promise<T | F> {
  try {
    return await write();
  } catch (error) {
    if (isConditionFailure(error)) {
      return onFailure(error.Item ? { old: error.Item, failedIndexes: [] } : { failedIndexes: [] });
    }
    if (isTransactionConditionFailure(error)) {
      return onFailure({ failedIndexes: failedConditionIndexes(error) });
    }
    throw error;
  }
}

/** A number attribute of an item returned with a failed condition (0 when absent). */
export function oldNumber(old: Record<string, AttributeValue> | undefined, name: string): number {
  return Number(old?.[name]?.N ?? 0);
}

/** A string attribute of an item returned with a failed condition. */
export function oldString(old: Record<string, AttributeValue> | undefined, name: string): string {
  return String(old?.[name]?.S);
}

/** One conditional write: true when it was written, false when its condition failed. */
export function writeIfConditionHolds(write: () => Promise<unknown>): Promise<boolean> {
  return ifConditionHolds(
    async () => {
      await write();
      return true;
    },
    () => false,
  );
}

/** One conditional update: true when it was written, false when its condition failed. */
export function updateIfConditionHolds(input: UpdateCommandInput): Promise<boolean> {
  return writeIfConditionHolds(() => documentClient().send(new UpdateCommand(input)));
}

/** One transaction: true when it was written, false when a condition failed or a race lost. */
export function transactIfConditionsHold(
  items: NonNullable<TransactWriteCommandInput["TransactItems"]>,
): Promise<boolean> {
  return writeIfConditionHolds(() =>
    documentClient().send(new TransactWriteCommand({ TransactItems: items })),
  );
}
