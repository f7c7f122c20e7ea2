/**
 * What a stranger, who knows only a user's phone number or mailbox, can make the service
 * refuse that user, over HTTP. The public verification endpoints let anyone fill a recipient's
 * send window; the user's own login and sign-in codes count in a window of their own.
 */
import { describe, expect, it } from "vitest";
import { apiClient, post, sleep } from "../support/http.js";
import { latestCodeFor } from "../support/local.js";
import { PASSWORD, passwordGrant, registerEmailUser, registerSmsUser } from "../support/users.js";

const COOLDOWN_MS = 2_100; // CODE_RESEND_COOLDOWN_SECONDS in the test stack, plus a margin
const PER_RECIPIENT = 5; // CODE_MAX_SENDS_PER_RECIPIENT's default, per 10 minutes

/** Asks for public verification codes to `body`'s recipient until its window refuses. */
async function fillPublicWindow(path: string, body: Record<string, string>, alreadySent: number) {
  for (let i = alreadySent; i < PER_RECIPIENT; i++) {
    await sleep(COOLDOWN_MS);
    expect((await post(path, body)).status).toBe(204);
  }
  await sleep(COOLDOWN_MS);
  const refused = await post(path, body);
  expect(refused.status).toBe(429);
  expect(refused.body.error).toBe("too_many_requests");
}

describe("stranger threats: a recipient's public window does not block its owner", () => {
  it("a stranger who fills a phone's public window does not block its owner's login or sign-in codes", async () => {
    // The registration's own verification code is the first send to the phone.
    const { username, phone } = await registerSmsUser();
    await fillPublicWindow("/v1/phone_verification_codes", { phoneNumber: phone }, 1);

    const since = new Date();
    const login = await passwordGrant(username);
    expect(login.status).toBe(400);
    expect(login.body.error).toBe("otp_required");
    const loginCode = await latestCodeFor(phone, { after: since });
    const tokens = await passwordGrant(username, { otp: loginCode });
    expect(tokens.status).toBe(200);

    const started = await apiClient().POST("/v1/sign_ins", {
      body: { identifier: username, password: PASSWORD },
    });
    const id = started.data?.id;
    expect(id).toBeTruthy();
    const prepared = await apiClient().POST("/v1/sign_ins/{id}/prepare_second_factor", {
      params: { path: { id: String(id) } },
      body: { strategy: "phone_code" },
    });
    expect(prepared.response.status).toBe(200);
    expect(prepared.data?.secondFactorVerification?.status).toBe("unverified");
  });

  it("a stranger who fills a mailbox's public window does not block its owner's login codes", async () => {
    const { username, email } = await registerEmailUser();
    await fillPublicWindow("/v1/email_verification_codes", { email }, 1);

    const login = await passwordGrant(username);
    expect(login.status).toBe(400);
    expect(login.body.error).toBe("otp_required");
  });
});
