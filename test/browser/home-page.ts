/**
 * The Home page (`web/`) in a real browser, shared by the browser test files: Debian's Chromium
 * driven by playwright-core against the local stack of the global setup, one fresh page per
 * test, and the steps a person takes on it (forms filled by label, codes read from the page's
 * own Inbox panel).
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, afterEach, beforeEach, expect, inject } from "vitest";
import { freshUsername, post } from "../support/http.js";
import { PASSWORD } from "../support/users.js";
import { launchChromium } from "./chromium.js";

/** Every wait of a test; well under vitest's 30 s so that a failure names what it waited for. */
const ACTION_TIMEOUT_MS = 10_000;
/**
 * The wait for a message in the Inbox: the first one after the stack started pays the
 * notifier's cold start, slow on a busy machine.
 */
const INBOX_TIMEOUT_MS = 20_000;

export interface HomePage {
  /** This test's page, at `/` of the local API. */
  readonly page: Page;
  /** The Inbox panel's messages to `to`, newest first. */
  inboxFor(to: string): Locator;
  /** The code in the newest message to `to`, once the Inbox shows `count` messages to it. */
  newestCodeIn(messages: Locator, count: number): Promise<string>;
  /** Logs in on the page with the login form (no second factor). */
  logIn(username: string): Promise<void>;
  /** Signs in on the page as a new user without TFA: the owner of connector accounts. */
  signInOwner(): Promise<void>;
  /** A demo account that logs in as `target`, and a manual run of it started. */
  startDemoRun(target: { username: string }): Promise<void>;
}

/**
 * Registers the hooks that give each test of the file a fresh page (and fail it on any error
 * the page throws), and answers the page with the steps tests take on it.
 */
export function useHomePage(): HomePage {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let current: Page | undefined;
  let pageErrors: string[] = [];

  beforeEach(async () => {
    pageErrors = [];
    browser ??= await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    current = await context.newPage();
    current.on("pageerror", (error) => pageErrors.push(error.message));
    await current.goto(`${inject("apiUrl")}/`);
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    current = undefined;
    expect(pageErrors).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
  });

  const home: HomePage = {
    get page(): Page {
      if (!current) throw new Error("The page exists only while a test runs");
      return current;
    },
    inboxFor: (to) => home.page.locator(`#inbox-list > li[data-to="${to}"]`),
    async newestCodeIn(messages, count) {
      await messages.nth(count - 1).waitFor({ timeout: INBOX_TIMEOUT_MS });
      const code = await messages.first().locator("mark.code").last().textContent();
      expect(code).toMatch(/^\d{6}$/);
      return code ?? "";
    },
    async logIn(username) {
      const login = home.page.locator("#login-form");
      await login.getByLabel("Username").fill(username);
      await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await login.getByRole("button", { name: "Log in" }).click();
    },
    async signInOwner() {
      const username = freshUsername();
      expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
      await home.logIn(username);
      await home.page.locator("#signed-in").getByText(username).waitFor();
    },
    async startDemoRun(target) {
      const connectors = home.page.locator("#connectors");
      await connectors.getByLabel("Site login").fill(target.username);
      await connectors.getByLabel("Site password").fill(PASSWORD);
      await connectors.getByRole("button", { name: "Create a demo account" }).click();
      await connectors.locator("#run-start:enabled").waitFor();
      await connectors.getByRole("button", { name: "Run now" }).click();
    },
  };
  return home;
}
