/**
 * Reads that must see a recent write are strongly consistent. DynamoDB Local is always
 * consistent, so this is checked on the requests the adapters send, not on their answers.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { documentClient } from "../../functions/adapters/dynamo.js";
import { dynamoRefreshTokenStore } from "../../functions/adapters/token-store.js";
import { dynamoUserStore } from "../../functions/adapters/user-store.js";

interface Sent {
  command: string;
  input: Record<string, unknown>;
}

const sent: Sent[] = [];

beforeAll(() => {
  process.env.AWS_REGION ??= "eu-west-3";
  // Answers every request in place, before any network, with "no such item".
  documentClient().middlewareStack.add(
    (_next, context) => async (args) => {
      sent.push({
        command: String(context.commandName),
        input: (args as { input: Record<string, unknown> }).input,
      });
      return { output: { $metadata: {} }, response: {} };
    },
    { step: "initialize", name: "answerInPlace", priority: "high" },
  );
});

const reads = () =>
  sent.filter((s) => s.command === "GetItemCommand" || s.command === "QueryCommand");

describe("reads that follow writes are strongly consistent", () => {
  it("login reads the username claim and the user consistently, known or not", async () => {
    sent.length = 0;
    expect(await dynamoUserStore("table").findByUsername("someone")).toBeNull();
    expect(reads()).toHaveLength(2);
    for (const read of reads()) expect(read.input.ConsistentRead).toBe(true);
  });

  it("a refresh token is read consistently before its rotation", async () => {
    sent.length = 0;
    const next = { tokenHash: "next", expiresAtEpochSeconds: 2 };
    expect(await dynamoRefreshTokenStore("table").rotate("hash", next, 1)).toEqual({
      ok: false,
      reason: "unknown",
    });
    expect(reads()).toHaveLength(1);
    expect(reads()[0]?.input.ConsistentRead).toBe(true);
  });
});
