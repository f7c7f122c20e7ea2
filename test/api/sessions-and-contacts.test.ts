/** Contact changes over HTTP: a contact that receives security notices moves only with step-up. */
import { describe, expect, it } from "vitest";
import { apiClient, freshUsername, sleep } from "../support/http.js";
import { latestCodeFor, messagesFor } from "../support/local.js";
import { PASSWORD, passwordGrant, verifiedEmail, verifiedPhone } from "../support/users.js";

/** An SMS-TFA customer who also gave an email (where lockout notices go), logged in. */
async function smsUserWithEmail() {
  const { phone, code: phoneCode } = await verifiedPhone();
  const { email, code: emailCode } = await verifiedEmail();
  const username = freshUsername();
  const created = await apiClient().POST("/v1/customers", {
    body: {
      username,
      password: PASSWORD,
      authMethod: "tfa_sms",
      phoneNumber: phone,
      phoneVerificationCode: phoneCode,
      email,
      emailVerificationCode: emailCode,
    },
  });
  expect(created.response.status).toBe(201);
  const tokens = await passwordGrant(username, { otp: phoneCode });
  expect(tokens.status).toBe(200);
  return { phone, email, user: apiClient(String(tokens.body.access_token)) };
}

describe("changing a contact that receives security notices", () => {
  it("an SMS-TFA user cannot move their email without a current second factor", async () => {
    const { phone, email, user } = await smsUserWithEmail();
    const next = await verifiedEmail();
    const since = new Date();
    const ask = await user.PATCH("/v1/user", {
      body: { email: next.email, emailVerificationCode: next.code },
    });
    expect(ask.response.status).toBe(400);
    expect(ask.error?.error).toBe("otp_required");
    expect((await user.GET("/v1/user")).data?.email).toBe(email);

    const otp = await latestCodeFor(phone, { after: since });
    const done = await user.PATCH("/v1/user", {
      body: { email: next.email, emailVerificationCode: next.code, otp },
    });
    expect(done.response.status).toBe(200);
    expect(done.data?.email).toBe(next.email);
  });

  it("the old email is told when the email changes", async () => {
    const { phone, email, user } = await smsUserWithEmail();
    const next = await verifiedEmail();
    const since = new Date();
    const body = { email: next.email, emailVerificationCode: next.code };
    expect((await user.PATCH("/v1/user", { body })).error?.error).toBe("otp_required");
    const otp = await latestCodeFor(phone, { after: since });
    expect((await user.PATCH("/v1/user", { body: { ...body, otp } })).response.status).toBe(200);
    let notice: string | undefined;
    for (let tries = 0; tries < 50 && notice === undefined; tries += 1) {
      notice = (await messagesFor(email))
        .filter((message) => message.sentAt > since.toISOString())
        .find((message) => message.body.includes("was changed"))?.body;
      if (notice === undefined) await sleep(100);
    }
    expect(notice).toContain("email address");
  });
});
