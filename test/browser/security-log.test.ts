/**
 * The Home page's security log in a real browser: the signed-in user's events newest first,
 * every value shown as text (a user agent is whatever a client sent), and older pages by
 * cursor.
 */
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshUsername, post } from "../support/http.js";
import { PASSWORD } from "../support/users.js";
import { useHomePage } from "./home-page.js";

const home = useHomePage();
let page: Page;
beforeEach(() => {
  page = home.page;
});

/** A user agent that would run script if the page ever read it as HTML. */
const HOSTILE_AGENT = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>`;

async function registered(): Promise<string> {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  return username;
}

/** A password login of `username` from outside the page, with `userAgent`. */
async function loginElsewhere(username: string, userAgent: string): Promise<void> {
  const answer = await call("POST", "/v1/token", {
    form: { grant_type: "password", username, password: PASSWORD },
    headers: { "user-agent": userAgent },
  });
  expect(answer.status).toBe(200);
}

const rows = () => page.locator("#security-log-rows > tr");

describe("the Home page's security log", () => {
  it("shows the login just made, newest first, and a hostile user agent as text", async () => {
    const username = await registered();
    await loginElsewhere(username, HOSTILE_AGENT);
    await home.logIn(username);
    await page.locator("#signed-in").getByText(username).waitFor();
    const log = page.locator("#security-log");
    await rows().first().waitFor();

    // This page's login is the newest one, with the browser's own user agent.
    const browserAgent = String(await page.evaluate("navigator.userAgent"));
    const logins = log.locator('tr[data-type="user.login.succeeded"]');
    expect(await logins.count()).toBe(2);
    const newest = logins.first();
    expect(await newest.locator("td.user-agent").textContent()).toBe(browserAgent);
    expect(await newest.locator("td.ip").textContent()).toBe("127.0.0.1");
    expect(await newest.locator("td.outcome").textContent()).toBe("success");
    expect(await newest.textContent()).toContain("Login");
    expect(await newest.locator("td.details").textContent()).toContain("factor: password");

    // The other login's user agent is shown exactly as sent, as text: no element, no script.
    const elsewhere = logins.nth(1);
    expect(await elsewhere.locator("td.user-agent").textContent()).toBe(HOSTILE_AGENT);
    expect(await log.locator("img, script").count()).toBe(0);
    expect(await page.evaluate("window.__xss")).toBeUndefined();

    // Newest first.
    const times = await log
      .locator("time")
      .evaluateAll((nodes) => nodes.map((node) => String(node.getAttribute("datetime"))));
    expect(times.length).toBeGreaterThanOrEqual(4);
    expect([...times].sort().reverse()).toEqual(times);

    // Signing out clears it.
    await page.getByRole("button", { name: "Sign out" }).click();
    expect(await rows().count()).toBe(0);
    await page.locator("#security-log-empty").waitFor({ state: "visible" });
  });

  it("shows older events page by page until the oldest", async () => {
    const username = await registered();
    // Each login is two entries (the login and its session): well over one page of 20.
    for (let i = 0; i < 11; i += 1) await loginElsewhere(username, `security-log-paging/${i}`);
    await home.logIn(username);
    await page.locator("#signed-in").getByText(username).waitFor();
    await rows().first().waitFor();
    expect(await rows().count()).toBe(20);
    const older = page.getByRole("button", { name: "Older events" });
    await older.click();
    await older.waitFor({ state: "hidden" });
    // Every entry once: the 12 logins and their sessions.
    const ids = await rows().evaluateAll((nodes) =>
      nodes.map((node) => `${node.getAttribute("data-type")} ${node.textContent}`),
    );
    expect(ids.length).toBeGreaterThanOrEqual(24);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await page.locator('#security-log tr[data-type="user.login.succeeded"]').count()).toBe(
      12,
    );
    // The oldest entry shown is the first login's, from the first outside request.
    expect(await rows().last().locator("td.user-agent").textContent()).toBe(
      "security-log-paging/0",
    );
  });
});
