// @ts-check
/** The signed-in user as the page shows it. */
import { authed, explain } from "./api.js";
import { $, describe, say } from "./dom.js";
import { showSecurityLog } from "./security-log.js";
import { session } from "./session.js";

/** @type {Record<string, string>} */
const AUTH_METHODS = {
  simple: "password only",
  tfa_sms: "a code by SMS",
  tfa_email: "a code by email",
  totp: "an authenticator app",
};

/**
 * The second factor in words.
 * @param {string} authMethod
 */
export const methodInWords = (authMethod) => AUTH_METHODS[authMethod] ?? authMethod;

/** Reads the signed-in user and shows it, with their security log as it is now. */
export async function showUser() {
  const answer = await authed("GET", "/v1/user");
  if (!answer.ok) {
    say($("#login-form .result", HTMLElement), explain(answer), "error");
    return;
  }
  session.user = answer.body;
  renderUser();
  await showSecurityLog();
}

/** Shows the user of the session, or that nobody is signed in. */
export function renderUser() {
  const user = session.user;
  $("#signed-in", HTMLElement).hidden = !user;
  const status = $("#session", HTMLElement);
  status.textContent = user ? `Signed in as ${user.username}` : "Not signed in";
  status.dataset.kind = user ? "ok" : "";
  $("#totp-manage", HTMLElement).hidden = !user?.tfaAppLinked;
  if (!user) return;
  $("#user-name", HTMLElement).textContent = user.username;
  describe($("#user-details", HTMLElement), [
    ["Second factor", methodInWords(user.authMethod)],
    ["Phone", user.phoneNumber ?? "none"],
    ["Email", user.email ?? "none"],
    ["Authenticator app", user.tfaAppLinked ? "linked" : "not linked"],
  ]);
}
