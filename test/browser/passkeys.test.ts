/**
 * Passkeys on the Home page with the real WebAuthn ceremony: Chromium's virtual authenticator
 * (DevTools protocol `WebAuthn`, CTAP2, internal transport, resident keys, user verification)
 * on `http://localhost:PORT` (WebAuthn refuses IP addresses). Register a named passkey, use it
 * as the second factor after the password, sign in with it alone, remove it.
 */
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { freshUsername, post } from "../support/http.js";
import { PASSWORD } from "../support/users.js";
import { useHomePage } from "./home-page.js";

const home = useHomePage();
let page: Page;

/** The page at `localhost`, with a virtual platform authenticator that verifies the user. */
beforeEach(async () => {
  page = home.page;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  await page.goto(`${inject("apiUrl").replace("//127.0.0.1:", "//localhost:")}/`);
});

async function logInWithPassword(username: string) {
  const login = page.locator("#login-form");
  await login.getByLabel("Username").fill(username);
  await login.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await login.getByRole("button", { name: "Log in" }).click();
}

/** A new user without TFA, signed in on the page, with one passkey named `name`. */
async function userWithPasskey(name: string) {
  const username = freshUsername();
  expect((await post("/v1/customers", { username, password: PASSWORD })).status).toBe(201);
  await logInWithPassword(username);
  await page.locator("#signed-in").getByText(username).waitFor();
  const passkeys = page.locator("#passkeys");
  await passkeys.getByLabel("Passkey name").first().fill(name);
  await passkeys.getByRole("button", { name: "Add a passkey" }).click();
  await passkeys.getByText(`Passkey “${name}” added.`).waitFor();
  return { username, passkeys };
}

async function signOut() {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.locator("#session").getByText("Not signed in").waitFor();
}

describe("passkeys on the Home page", () => {
  it("registers a named passkey and lists it", async () => {
    const { passkeys } = await userWithPasskey("Laptop");
    const items = passkeys.locator("#passkey-list > li");
    await expect.poll(() => items.count()).toBe(1);
    expect(await items.first().locator("input").inputValue()).toBe("Laptop");
    await expect.poll(() => items.first().textContent()).toContain("never used");
  });

  it("after the password, the passkey is the second factor", async () => {
    const { username } = await userWithPasskey("Laptop");
    await signOut();
    await logInWithPassword(username);
    await page
      .locator("#login-form")
      .getByText("Logged in with your password and a passkey.")
      .waitFor();
    await page.locator("#signed-in").getByText(username).waitFor();
    const items = page.locator("#passkey-list > li");
    await expect.poll(() => items.first().textContent()).toContain("last used");
  });

  it("signs in with the passkey alone", async () => {
    const { username } = await userWithPasskey("Laptop");
    await signOut();
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.locator("#login-form").getByText("Signed in with a passkey.").waitFor();
    await page.locator("#signed-in").getByText(username).waitFor();
  });

  it("removes the passkey: the password alone signs in again", async () => {
    const { username, passkeys } = await userWithPasskey("Laptop");
    await passkeys.locator("#passkey-list > li").getByRole("button", { name: "Remove" }).click();
    await passkeys.getByText("Passkey removed.").waitFor();
    await expect.poll(() => passkeys.locator("#passkey-list > li").count()).toBe(0);
    await signOut();
    await logInWithPassword(username);
    await page.locator("#login-form").getByText("Logged in.").waitFor();
  });
});
