/**
 * The Home page (`web/`) in a real browser: Debian's Chromium driven by playwright-core against
 * the local stack of the global setup. The page is used as a person would use it: forms filled
 * by label, codes read from the page's own Inbox panel.
 */
import { existsSync } from "node:fs";
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from "playwright-core";
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { freshPhone, freshUsername, post } from "../support/http.js";
import { latestCodeFor } from "../support/local.js";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Every wait of a test; well under vitest's 30 s so that a failure names what it waited for. */
const ACTION_TIMEOUT_MS = 10_000;
const PASSWORD = "correct horse battery staple";

let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page;
let pageErrors: string[] = [];

/** A missing browser fails every test with this message; nothing is skipped. */
async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM}, and it is missing. Install it with ` +
        "`apt-get install -y chromium` (Debian) and run the tests again.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

beforeEach(async () => {
  pageErrors = [];
  browser ??= await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`${inject("apiUrl")}/`);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
});

/** The Inbox panel's messages to `to`, newest first. */
function inboxFor(to: string): Locator {
  return page.locator(`#inbox-list > li[data-to="${to}"]`);
}

/** The code in the newest message to `to`, once the Inbox shows `count` messages to it. */
async function newestCodeIn(messages: Locator, count: number): Promise<string> {
  await messages.nth(count - 1).waitFor();
  const code = await messages.first().locator("mark.code").last().textContent();
  expect(code).toMatch(/^\d{6}$/);
  return code ?? "";
}

/** A user with SMS two-factor authentication, registered over HTTP. */
async function smsUser(): Promise<{ username: string; phone: string }> {
  const phone = freshPhone();
  const since = new Date();
  expect((await post("/v1/phone_verification_codes", { phoneNumber: phone })).status).toBe(204);
  const code = await latestCodeFor(phone, { after: since });
  const username = freshUsername();
  const created = await post("/v1/customers", {
    username,
    password: PASSWORD,
    authMethod: "tfa_sms",
    phoneNumber: phone,
    phoneVerificationCode: code,
  });
  expect(created.status).toBe(201);
  return { username, phone };
}

/** Signs in on the page as a new user without TFA: the owner of connector accounts. */
async function signInOwner(): Promise<void> {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  const login = page.locator("#login-form");
  await login.getByLabel("Username").fill(username);
  await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await login.getByRole("button", { name: "Log in" }).click();
  await page.locator("#signed-in").getByText(username).waitFor();
}

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
    const { username, phone } = await smsUser();
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
    await otp.fill(code.replace(/\d$/, (d) => String((Number(d) + 1) % 10)));
    await login.getByRole("button", { name: "Verify the code" }).click();
    await login.locator(".result", { hasText: "(invalid_otp)" }).waitFor();
    expect(await otp.isVisible()).toBe(true);
    expect(await page.locator("#signed-in").isHidden()).toBe(true);
  });

  it("the 2FA popup opens for a waiting connector run and the typed code finishes the run", async () => {
    // The demo connector logs into this service's /v1/token as a user with SMS TFA. The test
    // stack gives a waiting run 4 s (CONNECTOR_TWOFA_TIMEOUT_SECONDS) per code.
    const target = await smsUser();
    await signInOwner();
    const connectors = page.locator("#connectors");
    await connectors.getByLabel("Site login").fill(target.username);
    await connectors.getByLabel("Site password").fill(PASSWORD);
    await connectors.getByRole("button", { name: "Create a demo account" }).click();
    const runNow = connectors.getByRole("button", { name: "Run now" });
    await connectors.locator("#run-start:enabled").waitFor();
    await runNow.click();

    const popup = page.getByRole("dialog", { name: "Two-factor code needed" });
    await popup.waitFor();
    expect(await popup.textContent()).toContain("by SMS");
    const code = await newestCodeIn(inboxFor(target.phone), 2);

    // A wrong code first: the popup comes back asking again.
    await popup.getByLabel("Code").fill(code.replace(/\d$/, (d) => String((Number(d) + 1) % 10)));
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
