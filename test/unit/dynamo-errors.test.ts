import { describe, expect, it } from "vitest";
import { isTransactionConditionFailure } from "../../functions/adapters/dynamo.js";

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
