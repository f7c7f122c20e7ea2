/**
 * Remembered devices over HTTP: a device token asked for with the OTP (`/v1/token`, form or
 * JSON, and `attempt_second_factor`) skips the second factor at later logins, as a body field or
 * the `X-Device-Token` header, in both login APIs; a bad token is ignored; the user lists and
 * forgets devices, each step in their security log; a change of second factor forgets them all.
 */
import { describe, expect, it } from "vitest";
import { call, post } from "../support/http.js";
import { latestCodeFor } from "../support/local.js";
import { PASSWORD, passwordGrant, registerSmsUser, verifiedEmail } from "../support/users.js";

const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0";
const PHONE_APP = "TwofaApp/2.1 (iPhone)";

interface DeviceView {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  createdFrom: { ip: string | null; userAgent: string | null };
  lastUsedFrom: { ip: string | null; userAgent: string | null };
}

/** An SMS user who logged in once with `remember_device=true` (a form, as OAuth2 clients send). */
async function rememberedUser() {
  const user = await registerSmsUser();
  const res = await call("POST", "/v1/token", {
    form: {
      grant_type: "password",
      username: user.username,
      password: PASSWORD,
      otp: user.registrationCode,
      remember_device: "true",
    },
    headers: { "user-agent": FIREFOX },
  });
  expect(res.status).toBe(200);
  const deviceToken = String(res.body.device_token);
  expect(deviceToken).toMatch(/^dvt_[A-Za-z0-9_-]{43}$/);
  expect(res.body.device_token_expires_in).toBe(30 * 86_400);
  return { ...user, deviceToken, accessToken: String(res.body.access_token) };
}

async function devices(accessToken: string): Promise<DeviceView[]> {
  const res = await call<{ devices: DeviceView[] }>("GET", "/v1/user/devices", {
    token: accessToken,
  });
  expect(res.status).toBe(200);
  return res.body.devices;
}

const withDevice = (username: string, deviceToken: string) =>
  call("POST", "/v1/token", {
    json: { grant_type: "password", username, password: PASSWORD },
    headers: { "x-device-token": deviceToken, "user-agent": PHONE_APP },
  });

describe("a remembered device skips the second factor", () => {
  it("at /v1/token, as the X-Device-Token header or the device_token field; never the password", async () => {
    const user = await rememberedUser();
    const viaHeader = await withDevice(user.username, user.deviceToken);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.device_token).toBeUndefined();
    const viaBody = await passwordGrant(user.username, { device_token: user.deviceToken });
    expect(viaBody.status).toBe(200);
    const wrongPassword = await post("/v1/token", {
      grant_type: "password",
      username: user.username,
      password: "not the password",
      device_token: user.deviceToken,
    });
    expect(wrongPassword.body.error).toBe("invalid_grant");

    const [device] = await devices(String(viaHeader.body.access_token));
    expect(device).toMatchObject({
      createdFrom: { userAgent: FIREFOX },
      lastUsedFrom: { userAgent: expect.any(String) },
    });
  });

  it("at POST /v1/sign_ins: complete at once, with tokens", async () => {
    const user = await rememberedUser();
    const signIn = await post(
      "/v1/sign_ins",
      { identifier: user.username, password: PASSWORD },
      { headers: { "x-device-token": user.deviceToken } },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.status).toBe("complete");
    expect((signIn.body.tokens as Record<string, unknown>).token_type).toBe("bearer");
    const viaBody = await post("/v1/sign_ins", {
      identifier: user.username,
      password: PASSWORD,
      deviceToken: user.deviceToken,
    });
    expect(viaBody.body.status).toBe("complete");
  });

  it("ignores a malformed, unknown or other user's token: the second factor is asked as usual", async () => {
    const user = await rememberedUser();
    const other = await rememberedUser();
    for (const token of ["nonsense", `dvt_${"A".repeat(43)}`, other.deviceToken]) {
      const res = await withDevice(user.username, token);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe("otp_required");
      const signIn = await post("/v1/sign_ins", {
        identifier: user.username,
        password: PASSWORD,
        deviceToken: token,
      });
      expect(signIn.body.status).toBe("needs_second_factor");
    }
  });

  it("attempt_second_factor with rememberDevice answers a device token that works", async () => {
    const user = await registerSmsUser();
    const started = await post("/v1/sign_ins", { identifier: user.username, password: PASSWORD });
    const id = String(started.body.id);
    const since = new Date();
    const prepared = await post(`/v1/sign_ins/${id}/prepare_second_factor`, {
      strategy: "phone_code",
    });
    expect(prepared.status).toBe(200);
    const code = await latestCodeFor(user.phone, { after: since });
    const attempted = await post(`/v1/sign_ins/${id}/attempt_second_factor`, {
      strategy: "phone_code",
      code,
      rememberDevice: true,
    });
    expect(attempted.body.status).toBe("complete");
    const deviceToken = String((attempted.body.tokens as Record<string, unknown>).device_token);
    expect(deviceToken).toMatch(/^dvt_/);
    expect((await withDevice(user.username, deviceToken)).status).toBe(200);
  });
});

describe("the user's devices", () => {
  it("lists them, forgets one (404 for an unknown one), then all", async () => {
    const user = await rememberedUser();
    const since = new Date();
    const second = await passwordGrant(user.username, {});
    expect(second.body.error).toBe("otp_required");
    const otp = await latestCodeFor(user.phone, { after: since });
    const again = await passwordGrant(user.username, { otp, remember_device: true });
    expect(again.status).toBe(200);
    const otherToken = String(again.body.device_token);
    const listed = await devices(user.accessToken);
    expect(listed).toHaveLength(2);
    const firefox = listed.find((d) => d.createdFrom.userAgent === FIREFOX) as DeviceView;
    expect(Date.parse(firefox.expiresAt) - Date.parse(firefox.createdAt)).toBe(30 * 86_400_000);

    const unknown = await call("DELETE", "/v1/user/devices/dev_AAAAAAAAAAAAAAAAAAAAAA", {
      token: user.accessToken,
    });
    expect(unknown.status).toBe(404);
    const forgotten = await call("DELETE", `/v1/user/devices/${firefox.id}`, {
      token: user.accessToken,
    });
    expect(forgotten.status).toBe(204);
    expect((await withDevice(user.username, user.deviceToken)).body.error).toBe("otp_required");
    expect((await withDevice(user.username, otherToken)).status).toBe(200);

    const all = await call("DELETE", "/v1/user/devices", { token: user.accessToken });
    expect(all.status).toBe(204);
    expect(await devices(user.accessToken)).toEqual([]);
    expect((await withDevice(user.username, otherToken)).body.error).toBe("otp_required");
  });

  it("remembering, a skip and forgetting reach the user's security log", async () => {
    const user = await rememberedUser();
    const skipped = await withDevice(user.username, user.deviceToken);
    expect(skipped.status).toBe(200);
    const [device] = await devices(user.accessToken);
    const forgotten = await call("DELETE", `/v1/user/devices/${device?.id}`, {
      token: user.accessToken,
    });
    expect(forgotten.status).toBe(204);
    const log = await call<{ events: { type: string; userAgent: string | null; data: object }[] }>(
      "GET",
      "/v1/user/security_events",
      { token: user.accessToken },
    );
    expect(log.status).toBe(200);
    const entries = log.body.events.filter((e) =>
      ["user.device.remembered", "user.login.succeeded", "user.device.forgotten"].includes(e.type),
    );
    // Newest first; the first login and the device it remembered happened in one request.
    expect(entries.slice(0, 2)).toMatchObject([
      { type: "user.device.forgotten", data: { deviceId: device?.id } },
      { type: "user.login.succeeded", userAgent: PHONE_APP, data: { factor: "device" } },
    ]);
    expect(entries.slice(2)).toHaveLength(2);
    expect(entries.slice(2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: "user.login.succeeded",
          userAgent: FIREFOX,
          data: expect.objectContaining({ factor: "phone_code" }),
        }),
        expect.objectContaining({
          type: "user.device.remembered",
          userAgent: FIREFOX,
          data: { deviceId: device?.id },
        }),
      ]),
    );
    expect(JSON.stringify(log.body)).not.toContain(user.deviceToken);
  });

  it("another user cannot forget my device", async () => {
    const mine = await rememberedUser();
    const other = await rememberedUser();
    const [device] = await devices(mine.accessToken);
    const res = await call("DELETE", `/v1/user/devices/${device?.id}`, {
      token: other.accessToken,
    });
    expect(res.status).toBe(404);
    expect((await withDevice(mine.username, mine.deviceToken)).status).toBe(200);
  });

  it("needs a bearer token", async () => {
    expect((await call("GET", "/v1/user/devices")).status).toBe(401);
    expect((await call("DELETE", "/v1/user/devices")).status).toBe(401);
  });

  it("a change of second factor (SMS to email) forgets every device", async () => {
    const user = await rememberedUser();
    const { email, code } = await verifiedEmail();
    const change = { authMethod: "tfa_email", email, emailVerificationCode: code };
    const since = new Date();
    const ask = await call("PATCH", "/v1/user", { token: user.accessToken, json: change });
    expect(ask.body.error).toBe("otp_required");
    const otp = await latestCodeFor(user.phone, { after: since });
    const done = await call("PATCH", "/v1/user", {
      token: user.accessToken,
      json: change,
      headers: { "x-otp": otp },
    });
    expect(done.status).toBe(200);
    expect(await devices(user.accessToken)).toEqual([]);
    const res = await withDevice(user.username, user.deviceToken);
    expect(res.body.error).toBe("otp_required");
  });
});
