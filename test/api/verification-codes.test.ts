import { describe, expect, it } from "vitest";
import { call, freshEmail, freshPhone, post } from "../support/http.js";
import { latestCodeFor, messagesFor } from "../support/local.js";

describe("POST /v1/phone_verification_codes", () => {
  it("answers 204 with no body and sends the code by SMS", async () => {
    const phone = freshPhone();
    const res = await post("/v1/phone_verification_codes", { phoneNumber: phone });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const code = await latestCodeFor(phone);
    expect(code).toMatch(/^[0-9]{6}$/);
    const [sms] = await messagesFor(phone);
    expect(sms?.channel).toBe("sms");
  });

  it("normalises the number to E.164 before sending", async () => {
    const phone = freshPhone();
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 4)} ${phone.slice(4, 6)} ${phone.slice(6)}`;
    expect((await post("/v1/phone_verification_codes", { phoneNumber: spaced })).status).toBe(204);
    expect(await latestCodeFor(phone)).toMatch(/^[0-9]{6}$/);
  });

  it("writes the SMS in French for Accept-Language fr", async () => {
    const phone = freshPhone();
    await post(
      "/v1/phone_verification_codes",
      { phoneNumber: phone },
      { headers: { "accept-language": "fr-FR,fr;q=0.9" } },
    );
    await latestCodeFor(phone);
    expect((await messagesFor(phone))[0]?.body).toContain("Votre code de vérification");
  });

  it("refuses a resend within the cooldown with 429 and Retry-After", async () => {
    const phone = freshPhone();
    expect((await post("/v1/phone_verification_codes", { phoneNumber: phone })).status).toBe(204);
    const again = await post("/v1/phone_verification_codes", { phoneNumber: phone });
    expect(again.status).toBe(429);
    expect(again.body.error).toBe("resend_too_soon");
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it.each([
    ["a missing field", {}, "invalid_request", "phoneNumber"],
    ["a wrong type", { phoneNumber: 33612345678 }, "invalid_request", "phoneNumber"],
    [
      "a number without country code",
      { phoneNumber: "0612345678" },
      "invalid_phone_number",
      "phoneNumber",
    ],
    ["an unroutable number", { phoneNumber: "+33123" }, "invalid_phone_number", "phoneNumber"],
    [
      "a disallowed country",
      { phoneNumber: "+8613800138000" },
      "country_not_allowed",
      "phoneNumber",
    ],
  ])("refuses %s with 400 and the field", async (_label, json, error, field) => {
    const res = await post("/v1/phone_verification_codes", json);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error, field });
    expect(typeof res.body.error_description).toBe("string");
  });
});

describe("POST /v1/email_verification_codes", () => {
  it("answers 204 and sends the code by email", async () => {
    const email = freshEmail();
    const res = await post("/v1/email_verification_codes", { email });
    expect(res.status).toBe(204);
    expect(await latestCodeFor(email)).toMatch(/^[0-9]{6}$/);
    const [mail] = await messagesFor(email);
    expect(mail).toMatchObject({ channel: "email", to: email });
    expect(mail && "subject" in mail ? mail.subject : "").toContain("verification code");
  });

  it("refuses an invalid email with 400 invalid_email", async () => {
    const res = await post("/v1/email_verification_codes", { email: "not-an-email" });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_email", field: "email" });
  });
});

describe("bad requests anywhere", () => {
  it("refuses a body that is not JSON with 400 invalid_json", async () => {
    const res = await call("POST", "/v1/email_verification_codes", {
      raw: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("invalid_json");
  });

  it("refuses an unsupported content type with 415", async () => {
    const res = await call("POST", "/v1/email_verification_codes", {
      raw: "email=a@example.com",
      headers: { "content-type": "text/plain" },
    });
    expect(res.status).toBe(415);
    expect(res.body.error).toBe("unsupported_media_type");
  });

  it("refuses an oversized body with 413", async () => {
    const res = await post("/v1/email_verification_codes", {
      email: "a@example.com",
      pad: "x".repeat(20_000),
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe("payload_too_large");
  });

  it("answers an unknown route with 404 not_found and a wrong method with 405", async () => {
    const missing = await call("GET", "/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("not_found");
    const wrong = await call("GET", "/v1/phone_verification_codes");
    expect(wrong.status).toBe(405);
    expect(wrong.body.error).toBe("method_not_allowed");
  });

  it("never echoes a submitted value back, even one sent in the wrong shape", async () => {
    const wrongType = await post("/v1/token", {
      grant_type: "password",
      username: "bob",
      password: 86_753_091,
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: "invalid_request", field: "password" });
    expect(wrongType.text).not.toContain("86753091");
    const oddType = await call("POST", "/v1/token", {
      raw: "grant_type=password&username=bob&password=hunter2hunter2",
      headers: { "content-type": "text/x-www-form-urlencoded-json" },
    });
    expect(oddType.status).toBe(415);
    expect(oddType.text).not.toContain("hunter2");
  });

  it("never answers with a stack trace", async () => {
    const res = await call("POST", "/v1/phone_verification_codes", {
      raw: "[1,2,3]",
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/at .*\.ts:\d+|Error:/);
  });
});

describe("GET /v1/deliveries/{id}", () => {
  it("shows the delivery of a code as sent, naming neither recipient nor code", async () => {
    const phone = freshPhone();
    const res = await post("/v1/phone_verification_codes", { phoneNumber: phone });
    const id = res.headers.get("x-delivery-id");
    expect(id).toMatch(/^evt_/);
    const code = await latestCodeFor(phone);
    let delivery = await call("GET", `/v1/deliveries/${id}`);
    for (let i = 0; i < 20 && delivery.body.status !== "sent"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      delivery = await call("GET", `/v1/deliveries/${id}`);
    }
    expect(delivery.status).toBe(200);
    expect(delivery.body).toMatchObject({
      channel: "sms",
      status: "sent",
      eventType: "phone_verification_code.created",
    });
    expect(delivery.text).not.toContain(code);
    expect(delivery.text).not.toContain(phone);
  });

  it("answers 404 for an unknown delivery", async () => {
    const res = await call("GET", "/v1/deliveries/evt_AAAAAAAAAAAAAAAAAAAAAA");
    expect(res.status).toBe(404);
    expect(res.body.error).toBe("not_found");
  });
});
