// @ts-check
/**
 * Passkeys: add a named one, list, rename and remove them, sign in with a passkey alone, and
 * confirm a password login with one. The WebAuthn ceremonies run through
 * `@simplewebauthn/browser`, which the local server serves from node_modules (nothing from a
 * CDN); it is loaded the first time a ceremony starts.
 */
import { api, authed, explain } from "./api.js";
import { $, busy, field, say, value } from "./dom.js";
import { showSecurityLog } from "./security-log.js";
import { keepTokens, onSignOut, session } from "./session.js";
import { showUser } from "./user.js";

/** @typedef {typeof import("@simplewebauthn/browser")} WebAuthnBrowser */

const LIBRARY_URL = "/vendor/simplewebauthn-browser/index.js";

/** @type {Promise<WebAuthnBrowser> | undefined} */
let library;

/** @returns {Promise<WebAuthnBrowser>} */
function webAuthn() {
  library ??= /** @type {Promise<WebAuthnBrowser>} */ (import(LIBRARY_URL));
  return library;
}

/**
 * @typedef {object} Passkey
 * @property {string} id
 * @property {string} name
 * @property {string} createdAt
 * @property {string | null} lastUsedAt
 */

export function setupPasskeys() {
  const form = $("#passkey-form", HTMLFormElement);
  const result = $(".result", HTMLElement, form);
  const list = $("#passkey-list", HTMLUListElement);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!session.user) {
      say(result, "Log in first.", "error");
      return;
    }
    const otp = value(form, "otp");
    const name = value(form, "name");
    busy(
      form,
      async () => {
        const options = await authed("POST", "/v1/user/passkeys/registration_options", {
          json: otp ? { otp } : {},
        });
        if (!options.ok) {
          say(result, stepUpWords(options), "error");
          return;
        }
        say(result, "Confirm on your device…", "progress");
        let credential;
        try {
          credential = await (await webAuthn()).startRegistration({ optionsJSON: options.body });
        } catch (error) {
          say(result, `The browser did not create a passkey: ${describeError(error)}`, "error");
          return;
        }
        const created = await authed("POST", "/v1/user/passkeys", {
          json: name ? { credential, name } : { credential },
        });
        if (!created.ok) {
          say(result, explain(created), "error");
          return;
        }
        field(form, "otp").value = "";
        field(form, "name").value = "";
        say(result, `Passkey “${created.body.name}” added.`);
        await showPasskeys();
        await showSecurityLog();
      },
      { result, progress: "Asking for passkey options…" },
    );
  });

  list.addEventListener("click", (event) => {
    const button = event.target instanceof HTMLButtonElement ? event.target : null;
    const item = button?.closest("li");
    const id = item?.dataset.id;
    if (!button || !item || !id) return;
    const path = `/v1/user/passkeys/${encodeURIComponent(id)}`;
    busy(form, async () => {
      if (button.value === "rename") {
        const input = $("input", HTMLInputElement, item);
        const renamed = await authed("PATCH", path, { json: { name: input.value.trim() } });
        say(
          result,
          renamed.ok ? `Renamed to “${renamed.body.name}”.` : explain(renamed),
          renamed.ok ? "ok" : "error",
        );
      } else {
        const otp = value(form, "otp");
        const removed = await authed("DELETE", path, { json: otp ? { otp } : {} });
        if (removed.ok) field(form, "otp").value = "";
        say(
          result,
          removed.ok ? "Passkey removed." : stepUpWords(removed),
          removed.ok ? "ok" : "error",
        );
        if (removed.ok) await showSecurityLog();
      }
      await showPasskeys();
    });
  });

  $("#passkey-login", HTMLButtonElement).addEventListener("click", () => {
    const login = $("#login-form", HTMLFormElement);
    const loginResult = $(".result", HTMLElement, login);
    busy(
      login,
      async () => {
        const started = await api("POST", "/v1/sign_ins", { json: { strategy: "passkey" } });
        if (!started.ok) {
          say(loginResult, explain(started), "error");
          return;
        }
        const options = started.body.firstFactorVerification?.nonce;
        const attempt = await assert(options, loginResult);
        if (!attempt) return;
        const done = await api("POST", `/v1/sign_ins/${started.body.id}/attempt_first_factor`, {
          json: { strategy: "passkey", publicKeyCredential: attempt },
        });
        await finishSignIn(done, loginResult, "Signed in with a passkey.");
      },
      { result: loginResult, progress: "Starting a passkey sign-in…" },
    );
  });

  onSignOut(() => {
    list.replaceChildren();
    field(form, "otp").value = "";
    say(result, "", "");
  });
}

/**
 * A password login whose second factor is a passkey (`/v1/token` answered `otp_required` with
 * `auth_method: passkey`): the same password through a sign-in, then the passkey.
 * @param {string} identifier
 * @param {string} password
 * @param {HTMLElement} result
 * @returns {Promise<boolean>} whether the user is signed in
 */
export async function passkeySecondFactor(identifier, password, result) {
  say(result, "This account's second factor is a passkey: confirm on your device…", "progress");
  const started = await api("POST", "/v1/sign_ins", { json: { identifier, password } });
  if (!started.ok) {
    say(result, explain(started), "error");
    return false;
  }
  const id = started.body.id;
  const prepared = await api("POST", `/v1/sign_ins/${id}/prepare_second_factor`, {
    json: { strategy: "passkey" },
  });
  if (!prepared.ok) {
    say(result, explain(prepared), "error");
    return false;
  }
  const attempt = await assert(prepared.body.secondFactorVerification?.nonce, result);
  if (!attempt) return false;
  const done = await api("POST", `/v1/sign_ins/${id}/attempt_second_factor`, {
    json: { strategy: "passkey", publicKeyCredential: attempt },
  });
  return finishSignIn(done, result, "Logged in with your password and a passkey.");
}

/**
 * Runs the browser's assertion ceremony for request options; null (and why) when it fails.
 * @param {any} options
 * @param {HTMLElement} result
 */
async function assert(options, result) {
  try {
    return await (await webAuthn()).startAuthentication({ optionsJSON: options });
  } catch (error) {
    say(result, `The browser did not use a passkey: ${describeError(error)}`, "error");
    return null;
  }
}

/**
 * @param {import("./api.js").ApiResult} done
 * @param {HTMLElement} result
 * @param {string} words
 */
async function finishSignIn(done, result, words) {
  if (!done.ok || !done.body.tokens) {
    say(result, explain(done), "error");
    return false;
  }
  keepTokens(done.body.tokens);
  say(result, words);
  await showUser();
  await showPasskeys();
  return true;
}

/**
 * A refusal in words, saying what a step-up needs.
 * @param {import("./api.js").ApiResult} answer
 */
function stepUpWords(answer) {
  if (answer.body?.error === "otp_required") {
    return "A code was sent (see the Inbox): type it as the current second factor, then try again.";
  }
  if (answer.body?.error === "second_factor_required") {
    return "Type a code from your authenticator app (or a backup code) as the current second factor.";
  }
  return explain(answer);
}

/** @param {unknown} error */
function describeError(error) {
  return error instanceof Error ? error.message : String(error);
}

/** Lists the signed-in user's passkeys, each with a name field, Rename and Remove. */
export async function showPasskeys() {
  const list = $("#passkey-list", HTMLUListElement);
  if (!session.user) {
    list.replaceChildren();
    return;
  }
  const answer = await authed("GET", "/v1/user/passkeys");
  if (!answer.ok) return;
  /** @type {Passkey[]} */
  const passkeys = answer.body;
  list.replaceChildren(
    ...passkeys.map((passkey) => {
      const item = document.createElement("li");
      item.dataset.id = passkey.id;
      const name = document.createElement("input");
      name.value = passkey.name;
      name.maxLength = 64;
      name.setAttribute("aria-label", "Passkey name");
      const used = document.createElement("span");
      used.className = "hint";
      used.textContent = passkey.lastUsedAt
        ? `last used ${new Date(passkey.lastUsedAt).toLocaleString()}`
        : "never used";
      const rename = document.createElement("button");
      rename.type = "button";
      rename.value = "rename";
      rename.className = "secondary";
      rename.textContent = "Rename";
      const remove = document.createElement("button");
      remove.type = "button";
      remove.value = "remove";
      remove.className = "secondary";
      remove.textContent = "Remove";
      item.append(name, used, rename, remove);
      return item;
    }),
  );
}
