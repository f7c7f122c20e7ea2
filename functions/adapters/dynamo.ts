/**
 * The DynamoDB document client, made once per cold start. The endpoint comes from the SDK's own
 * `AWS_ENDPOINT_URL_DYNAMODB` locally, so this code is the same in Lambda and on a laptop.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}

export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
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
export function failedConditionIndexes(error: unknown): number[] {
  const reasons =
    (error as { CancellationReasons?: { Code?: string }[] } | undefined)?.CancellationReasons ?? [];
  return reasons.flatMap((reason, index) =>
    reason.Code === "ConditionalCheckFailed" ? [index] : [],
  );
}
