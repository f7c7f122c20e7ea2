/**
 * The connector popup as Cozy's Home shows it, in Chromium: the time left before the run gives
 * up, the attempts left after a wrong code, and a new code on request. These read the account's
 * `twoFa` ({type, expiresAt, attemptsLeft, canResend}) and call
 * `POST /v1/accounts/{id}/twofa_code/resend`.
 */
import { describe, expect, it } from "vitest";
import { sleep } from "../support/http.js";
import { messagesFor } from "../support/local.js";
import { registerSmsUser, wrongOf } from "../support/users.js";
import { useHomePage } from "./home-page.js";

/** The test stack's resend cooldown (CODE_RESEND_COOLDOWN_SECONDS), with a margin. */
const RESEND_COOLDOWN_MS = 2_200;

const home = useHomePage();

/** A run of a demo account that logs in as a new SMS user, waiting in its popup. */
async function runWaitingForCode() {
  const target = await registerSmsUser();
  await home.signInOwner();
  await home.startDemoRun(target);
  const popup = home.page.getByRole("dialog", { name: "Two-factor code needed" });
  await popup.waitFor();
  return { target, popup };
}

/** The number in "N attempts left". */
function attemptsIn(text: string | null): number {
  const match = /^(\d+) attempts? left$/.exec(text ?? "");
  expect(match, `"${text}" says how many attempts are left`).not.toBeNull();
  return Number(match?.[1]);
}

describe("the connector popup", () => {
  it("shows the time left before the run gives up, and the attempts left after a wrong code", async () => {
    const { target, popup } = await runWaitingForCode();
    const timer = popup.getByRole("timer");
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/^Time left: \d+:\d{2}$/);
    const attempts = popup.locator("#twofa-attempts");
    await attempts.waitFor();
    const before = attemptsIn(await attempts.textContent());

    const code = await home.newestCodeIn(home.inboxFor(target.phone), 2);
    await popup.getByLabel("Code").fill(wrongOf(code));
    await popup.getByRole("button", { name: "Send the code" }).click();
    await popup.getByText("Wrong code, try again.").waitFor();
    const fewer = `${before - 1} ${before - 1 === 1 ? "attempt" : "attempts"} left`;
    await popup.locator("#twofa-attempts", { hasText: fewer }).waitFor();
    expect(await timer.isVisible()).toBe(true);

    await popup.getByLabel("Code").fill(code);
    await popup.getByRole("button", { name: "Send the code" }).click();
    await home.page.locator("#run-status", { hasText: /^succeeded/ }).waitFor();
  });

  it("asks the site for a new code, and the new code finishes the run", async () => {
    const { target, popup } = await runWaitingForCode();
    const phone = home.inboxFor(target.phone);
    await home.newestCodeIn(phone, 2);
    // The site sends no new code within its resend cooldown: let it pass first.
    const first = (await messagesFor(target.phone)).at(-1)?.sentAt ?? "";
    await sleep(Math.max(0, Date.parse(first) + RESEND_COOLDOWN_MS - Date.now()));

    await popup.getByRole("button", { name: "Send me a new code" }).click();
    await popup.getByText("A new code is on its way").waitFor();
    const fresh = await home.newestCodeIn(phone, 3);
    await popup.getByLabel("Code").fill(fresh);
    await popup.getByRole("button", { name: "Send the code" }).click();
    await home.page.locator("#run-status", { hasText: /^(succeeded|failed)/ }).waitFor();
    expect(await home.page.locator("#run-status").textContent()).toMatch(/^succeeded/);
    expect(await popup.isHidden()).toBe(true);
  });
});
