import { describe, expect, it } from "vitest";
import {
  ifConditionHolds,
  isTransactionConditionFailure,
  oldNumber,
  oldString,
} from "../../functions/adapters/dynamo.js";

function cancelled(...codes: string[]) {
  return Object.assign(new Error("cancelled"), {
    name: "TransactionCanceledException",
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

describe("transaction cancellations", () => {
  it("a failed condition is a lost race", () => {
    expect(isTransactionConditionFailure(cancelled("None", "ConditionalCheckFailed"))).toBe(true);
  });

  it("a TransactionConflict (a concurrent write, seen in AWS only) is a lost race too", () => {
    expect(isTransactionConditionFailure(cancelled("TransactionConflict", "None"))).toBe(true);
  });

  it("throttling or validation is not a race, and surfaces as an error", () => {
    expect(isTransactionConditionFailure(cancelled("ThrottlingError"))).toBe(false);
    expect(isTransactionConditionFailure(new Error("other"))).toBe(false);
  });
});

describe("ifConditionHolds", () => {
  const failedCondition = () =>
    Object.assign(new Error("failed"), {
      name: "ConditionalCheckFailedException",
      Item: { expiresAt: { N: "42" }, sealedSecret: { S: "abc" } },
    });

  it("answers the write's result when its condition holds", async () => {
    expect(
      await ifConditionHolds(
        async () => "written",
        () => "refused",
      ),
    ).toBe("written");
  });

  it("turns a failed condition into the store's outcome, with the item as it was", async () => {
    const outcome = await ifConditionHolds(
      async () => {
        throw failedCondition();
      },
      ({ old }) => [oldNumber(old, "expiresAt"), oldString(old, "sealedSecret")],
    );
    expect(outcome).toEqual([42, "abc"]);
  });

  it("names the transaction items whose condition failed", async () => {
    const outcome = await ifConditionHolds(
      async () => {
        throw cancelled("None", "ConditionalCheckFailed", "None", "ConditionalCheckFailed");
      },
      ({ failedIndexes }) => failedIndexes,
    );
    expect(outcome).toEqual([1, 3]);
  });

  it("treats a TransactionConflict as a lost race with no failed condition", async () => {
    const outcome = await ifConditionHolds(
      async () => {
        throw cancelled("TransactionConflict");
      },
      (failure) => failure,
    );
    expect(outcome).toEqual({ failedIndexes: [] });
  });

  it("throws anything else as it came", async () => {
    const throttled = cancelled("ThrottlingError");
    await expect(
      ifConditionHolds(
        async () => {
          throw throttled;
        },
        () => "refused",
      ),
    ).rejects.toBe(throttled);
  });
});
