/**
 * The Home page (`web/`) in a real browser: Debian's Chromium driven by playwright-core against
 * the local stack of the global setup. The page is used as a person would use it: forms filled
 * by label, codes read from the page's own Inbox panel.
 */
import { generateSync } from "otplib";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshPhone, freshUsername, post } from "../support/http.js";
import { PASSWORD, registerSmsUser, wrongOf } from "../support/users.js";
import { useHomePage } from "./home-page.js";

const home = useHomePage();
const { inboxFor, newestCodeIn, signInOwner } = home;
let page: Page;
beforeEach(() => {
  page = home.page;
});

describe("the Home page", () => {
  it("a person can verify a phone, register with SMS TFA and log in with the code read from the inbox", async () => {
    const phone = freshPhone();
    const username = freshUsername();
    const toPhone = inboxFor(phone);

    await page.getByLabel("Phone number (E.164)").fill(phone);
    await page.getByRole("button", { name: "Send a code" }).click();
    const verificationCode = await newestCodeIn(toPhone, 1);

    const register = page.locator("#register-form");
    await register.getByLabel("Username").fill(username);
    await register.getByLabel("Password", { exact: true }).fill(PASSWORD);
    expect(await register.getByLabel("Second factor").inputValue()).toBe("tfa_sms");
    expect(await register.getByLabel("Phone number").inputValue()).toBe(phone);
    await register.locator('input[name="phoneVerificationCode"]').fill(verificationCode);
    await register.getByRole("button", { name: "Register" }).click();
    await register.getByText(`Registered ${username}`).waitFor();

    const login = page.locator("#login-form");
    expect(await login.getByLabel("Username").inputValue()).toBe(username);
    await login.getByRole("button", { name: "Log in" }).click();
    const otp = login.getByLabel("Login code");
    await otp.waitFor();
    await otp.fill(await newestCodeIn(toPhone, 2));
    await login.getByRole("button", { name: "Verify the code" }).click();

    await page.locator("#signed-in").getByText(username).waitFor();
    expect(await page.locator("#user-name").textContent()).toBe(username);
    expect(await page.locator("#session").textContent()).toBe(`Signed in as ${username}`);
    expect(await page.locator("#user-details").textContent()).toContain("a code by SMS");
    // The tokens stay in the page's memory: nothing in the browser's storage.
    // (Expressions as strings: the tests are type-checked without the DOM library.)
    const stored = await page.evaluate(
      "({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie })",
    );
    expect(stored).toEqual({ local: 0, session: 0, cookie: "" });
  });

  it("an otp_required answer shows the masked destination and an OTP field", async () => {
    const { username, phone } = await registerSmsUser();
    const login = page.locator("#login-form");
    await login.getByLabel("Username").fill(username);
    await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await login.getByRole("button", { name: "Log in" }).click();

    const otp = login.getByLabel("Login code");
    await otp.waitFor();
    const masked = `+${"*".repeat(phone.length - 5)}${phone.slice(-4)}`;
    expect(await login.locator("#otp-destination").textContent()).toBe(masked);
    expect(await login.textContent()).not.toContain(phone);
    expect(await otp.getAttribute("autocomplete")).toBe("one-time-code");
    expect(await page.evaluate("document.activeElement?.id")).toBe("otp");

    // A wrong code is refused with the API's own explanation, and the field stays.
    const code = await newestCodeIn(inboxFor(phone), 2);
    await otp.fill(wrongOf(code));
    await login.getByRole("button", { name: "Verify the code" }).click();
    await login.locator(".result", { hasText: "(invalid_otp)" }).waitFor();
    expect(await otp.isVisible()).toBe(true);
    expect(await page.locator("#signed-in").isHidden()).toBe(true);
  });

  it("the 2FA popup opens for a waiting connector run and the typed code finishes the run", async () => {
    // The demo connector logs into this service's /v1/token as a user with SMS TFA. The test
    // stack gives a waiting run 4 s (CONNECTOR_TWOFA_TIMEOUT_SECONDS) per code.
    const target = await registerSmsUser();
    await signInOwner();
    await home.startDemoRun(target);

    const popup = page.getByRole("dialog", { name: "Two-factor code needed" });
    await popup.waitFor();
    expect(await popup.textContent()).toContain("by SMS");
    const code = await newestCodeIn(inboxFor(target.phone), 2);

    // A wrong code first: the popup comes back asking again.
    await popup.getByLabel("Code").fill(wrongOf(code));
    await popup.getByRole("button", { name: "Send the code" }).click();
    await popup.getByText("Wrong code, try again.").waitFor();
    expect(await page.locator("#account-state").textContent()).toContain("TWOFA_NEEDED_RETRY.SMS");

    await popup.getByLabel("Code").fill(code);
    await popup.getByRole("button", { name: "Send the code" }).click();
    await page.locator("#run-status", { hasText: /^(succeeded|failed)/ }).waitFor();
    expect(await page.locator("#run-status").textContent()).toMatch(/^succeeded/);
    expect(await page.locator("#account-state").textContent()).toBe(
      "Logged in to the site (LOGIN_SUCCESS)",
    );
    expect(await popup.isHidden()).toBe(true);
  });
});

/** A user whose authenticator app is linked (set up over HTTP), with its ten backup codes. */
async function appUser(): Promise<{ username: string; backupCodes: string[] }> {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  const tokens = await post("/v1/token", { grant_type: "password", username, password: PASSWORD });
  const token = String(tokens.body.access_token);
  const setup = await call<{ response: { manualEntryKey: string } }>(
    "GET",
    "/api/2.0/settings/tfaapp/setup",
    { token },
  );
  const secret = setup.body.response.manualEntryKey.replace(/\s+/g, "");
  const linked = await post(
    "/api/2.0/settings/tfaapp/validate",
    { code: generateSync({ secret }) },
    { token },
  );
  expect(linked.body.response).toBe(true);
  const codes = await call<{ response: { code: string }[] }>(
    "GET",
    "/api/2.0/settings/tfaappcodes",
    { token },
  );
  const backupCodes = codes.body.response.map((entry) => entry.code);
  expect(backupCodes).toHaveLength(10);
  return { username, backupCodes };
}

/**
 * Holds every request to `url` until the returned function is called: the test sees what the
 * page shows while it waits for the answer.
 */
async function holdRequests(url: string): Promise<() => void> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(url, async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

describe("the Home page's second factors", () => {
  it("an app user logs in with a backup code, then makes new backup codes and unlinks the app, each confirmed with a current second factor", async () => {
    const { username, backupCodes } = await appUser();
    const [loginCode = "", spentLater = "", regenerateCode = ""] = backupCodes;
    await home.logIn(username);

    const login = page.locator("#login-form");
    const otp = login.getByLabel("Login code");
    await otp.waitFor();
    // The field says it takes backup codes, and takes one whole.
    expect(await login.locator("#otp-hint").isVisible()).toBe(true);
    expect(await login.locator("#otp-hint").textContent()).toContain("backup codes");
    await otp.fill(loginCode);
    expect(await otp.inputValue()).toBe(loginCode);
    await login.getByRole("button", { name: "Verify the code" }).click();
    await page.locator("#signed-in").getByText(username).waitFor();
    expect(await page.locator("#user-details").textContent()).toContain("an authenticator app");

    const totp = page.locator("#totp");
    const result = totp.locator(":scope > .result");
    const stepUp = totp.getByLabel("Code from your authenticator app, or a backup code");
    const newCodes = totp.getByRole("button", { name: "New backup codes" });
    const unlink = totp.getByRole("button", { name: "Unlink the app" });

    // Without a code, the page says what the step-up needs.
    await newCodes.click();
    await result.getByText("(second_factor_required)").waitFor();
    expect(await result.textContent()).toContain("a code from your current app or a backup code");
    // A spent backup code is refused.
    await stepUp.fill(loginCode);
    await newCodes.click();
    await result.getByText("(invalid_otp)").waitFor();

    await stepUp.fill(regenerateCode);
    await newCodes.click();
    await result.getByText("New backup codes: the old ones no longer work.").waitFor();
    const fresh = await page.locator("#backup-list > li").allTextContents();
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((code) => backupCodes.includes(code))).toEqual([]);
    expect(await stepUp.inputValue()).toBe("");

    // An old code no longer confirms anything; a new one does.
    await stepUp.fill(spentLater);
    await unlink.click();
    await result.getByText("(invalid_otp)").waitFor();
    await stepUp.fill(fresh[0] ?? "");
    await unlink.click();
    await result.getByText("Authenticator app unlinked").waitFor();
    expect(await page.locator("#user-details").textContent()).toContain("not linked");
    expect(await page.locator("#user-details").textContent()).toContain("password only");
    expect(await page.locator("#backup-codes").isHidden()).toBe(true);
    expect(await page.locator("#totp-manage").isHidden()).toBe(true);
  });

  it("linking an app shows its backup codes once, and signing out clears them and every other secret on the page", async () => {
    await signInOwner();
    const totp = page.locator("#totp");
    await totp.getByRole("button", { name: "Set up an authenticator app" }).click();
    await page.locator("#totp-enroll").waitFor();
    const key = (await page.locator("#totp-key").textContent()) ?? "";
    expect(key).not.toBe("");
    await totp
      .getByLabel("Code from the app")
      .fill(generateSync({ secret: key.replace(/\s+/g, "") }));
    await totp.getByRole("button", { name: "Link the app" }).click();
    const backup = page.locator("#backup-list > li");
    await backup.nth(9).waitFor();
    const codes = await backup.allTextContents();

    // More secrets typed elsewhere: a registration's password and verification code, and the
    // site password the connector form took from the login.
    const register = page.locator("#register-form");
    await register.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await register.locator('input[name="phoneVerificationCode"]').fill("123456");
    expect(await page.locator("#connectors").getByLabel("Site password").inputValue()).toBe(
      PASSWORD,
    );

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#session", { hasText: "Not signed in" }).waitFor();
    expect(await page.locator("#backup-codes").isHidden()).toBe(true);
    expect(await backup.count()).toBe(0);
    expect(await page.locator("#totp-enroll").isHidden()).toBe(true);
    expect(await page.locator("#totp-key").textContent()).toBe("");
    expect(await page.locator("#totp-qr").getAttribute("src")).toBeNull();
    const html = await page.content();
    for (const code of [...codes, key]) expect(html).not.toContain(code);
    // No field keeps a password or a code. (A string: the tests have no DOM types.)
    const filled = await page.evaluate(
      `[...document.querySelectorAll('input[type="password"], input[autocomplete="one-time-code"], input[name$="VerificationCode"]')]
        .filter((input) => input.value !== "").map((input) => input.id || input.name)`,
    );
    expect(filled).toEqual([]);
  });
});

describe("the Home page while it waits", () => {
  it("says so with a spinner while a code is being sent", async () => {
    const phone = freshPhone();
    const release = await holdRequests("**/v1/phone_verification_codes");
    const form = page.locator("#verify-form");
    await page.getByLabel("Phone number (E.164)").fill(phone);
    await form.getByRole("button", { name: "Send a code" }).click();

    const waiting = form.locator('.result[data-kind="progress"]');
    await waiting.getByText(`Sending a code to ${phone}…`).waitFor();
    expect(await waiting.getAttribute("aria-busy")).toBe("true");
    expect(await form.getByRole("button", { name: "Send a code" }).isDisabled()).toBe(true);

    release();
    await form.locator(".result", { hasText: `Code sent to ${phone}` }).waitFor();
    expect(await form.locator(".result").getAttribute("aria-busy")).toBeNull();
    expect(await form.locator(".result").getAttribute("data-kind")).toBe("ok");
  });

  it("says so while a run starts and while a typed code is handed to the connector", async () => {
    const target = await registerSmsUser();
    await signInOwner();
    const connectors = page.locator("#connectors");
    const startRelease = await holdRequests("**/v1/accounts/*/runs");
    await home.startDemoRun(target);
    await connectors
      .locator(':scope > .result[data-kind="progress"]', {
        hasText: "Starting the run…",
      })
      .waitFor();
    startRelease();

    const popup = page.getByRole("dialog", { name: "Two-factor code needed" });
    await popup.waitFor();
    const code = await newestCodeIn(inboxFor(target.phone), 2);
    const codeRelease = await holdRequests("**/v1/accounts/*/twofa_code");
    await popup.getByLabel("Code").fill(code);
    await popup.getByRole("button", { name: "Send the code" }).click();
    await popup
      .locator('.result[data-kind="progress"]', {
        hasText: "Handing the code to the connector…",
      })
      .waitFor();
    codeRelease();
    await page.locator("#run-status", { hasText: /^succeeded/ }).waitFor();
    expect(await connectors.locator(":scope > .result").textContent()).toBe("The run finished.");
  });

  it("after the wait for a code gives up, the account card says that no code arrived in time", async () => {
    const target = await registerSmsUser();
    await signInOwner();
    await home.startDemoRun(target);
    const popup = page.getByRole("dialog", { name: "Two-factor code needed" });
    await popup.waitFor();

    // Nobody types the code: the test stack's wait gives up after 4 s.
    await page.locator("#run-status", { hasText: /^failed/ }).waitFor();
    const expired = "No two-factor code arrived in time (USER_ACTION_NEEDED.TWOFA_EXPIRED)";
    expect(await page.locator("#run-status").textContent()).toBe(`failed: ${expired}`);
    expect(await page.locator("#account-state").textContent()).toBe(expired);
    expect(await page.locator("#connectors > .result").textContent()).toBe(
      "The run failed: No two-factor code arrived in time.",
    );
    expect(await popup.isHidden()).toBe(true);
    expect(await page.locator("#twofa-reopen").isHidden()).toBe(true);
  });
});

describe("the Home page's remembered devices", () => {
  it("remembering this device skips the code at the next login, until the device is forgotten", async () => {
    const { username, phone } = await registerSmsUser();
    const login = page.locator("#login-form");
    const logIn = async () => {
      await login.getByLabel("Username").fill(username);
      await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await login.getByRole("button", { name: "Log in" }).click();
    };
    await logIn();
    await login.getByLabel("Login code").fill(await newestCodeIn(inboxFor(phone), 2));
    await login.getByLabel("Remember this device").check();
    await login.getByRole("button", { name: "Verify the code" }).click();
    const devices = page.locator("#device-list li");
    await devices.first().waitFor();
    expect(await devices.count()).toBe(1);
    // Only the device token is kept, never the session's tokens.
    expect(
      await page.evaluate("Object.keys(JSON.parse(localStorage.getItem('twofa.deviceTokens')))"),
    ).toEqual([username]);

    await page.getByRole("button", { name: "Sign out" }).click();
    await logIn();
    await page.locator("#signed-in").getByText(username).waitFor();
    expect(await login.getByLabel("Login code").isVisible()).toBe(false);

    await devices.first().getByRole("button", { name: "Forget" }).click();
    await page.locator("#devices-empty").waitFor({ state: "visible" });
    await page.getByRole("button", { name: "Sign out" }).click();
    await logIn();
    await login.getByLabel("Login code").waitFor();
  });
});
