/**
 * Sequential DynamoDB rounds per operation, as `npm run bench -- rounds` counts them: counts,
 * not timings, so a change that adds a round to a login fails here.
 */
import { describe, expect, it } from "vitest";
import { roundTrips } from "../../bench/round-trips.js";

describe("storage round trips per operation", () => {
  it("keeps each operation within its measured DynamoDB rounds", { timeout: 120_000 }, async () => {
    const measured = await roundTrips();
    const rounds = Object.fromEntries(
      Object.entries(measured).map(([name, r]) => [name, r.dynamoRounds]),
    );
    expect(rounds).toEqual({
      "POST /v1/phone_verification_codes": 3,
      "/v1/token password + otp": 9,
      "POST /v1/sign_ins": 4,
      "attempt_second_factor (totp)": 9,
    });
    // The code's event goes to the outbox in the table: the request itself publishes nothing.
    expect(measured["POST /v1/phone_verification_codes"]?.snsCalls).toBe(0);
  });
});
