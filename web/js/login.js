// @ts-check
/**
 * Step 3: the password grant, then the login code when two-factor authentication is on (a
 * code sent by SMS or email, or an authenticator app's code or a backup code), and sign-out.
 */
import { api, explain } from "./api.js";
import { fillConnectorCredentials } from "./connectors.js";
import { deviceTokenFor, keepDeviceToken, showDevices } from "./devices.js";
import { $, busy, field, say, value } from "./dom.js";
import { passkeySecondFactor, showPasskeys } from "./passkeys.js";
import { keepTokens, known, signOut } from "./session.js";
import { renderUser, showUser } from "./user.js";

export function setupLogin() {
  const form = $("#login-form", HTMLFormElement);
  const result = $(".result", HTMLElement, form);
  const otpStep = $("#otp-step", HTMLElement);
  const otp = $("#otp", HTMLInputElement);
  const hint = $("#otp-hint", HTMLElement);
  const submit = $("#login-submit", HTMLButtonElement);
  const remember = $("#remember-device", HTMLInputElement);

  const resetOtp = () => {
    otpStep.hidden = true;
    hint.hidden = true;
    otp.value = "";
    remember.checked = false;
    submit.textContent = "Log in";
  };
  // A different user or password starts a new login.
  for (const name of ["username", "password"])
    field(form, name).addEventListener("input", resetOtp);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    /** @type {Record<string, string | boolean>} */
    const grant = {
      grant_type: "password",
      username: value(form, "username"),
      password: field(form, "password").value,
    };
    const username = value(form, "username");
    // A device remembered here skips the second factor; the API ignores a stale one.
    const deviceToken = deviceTokenFor(username);
    if (deviceToken) grant.device_token = deviceToken;
    const withCode = !otpStep.hidden;
    if (withCode) {
      if (!otp.value.trim()) {
        say(result, "Type the login code.", "error");
        otp.focus();
        return;
      }
      grant.otp = otp.value.trim();
      if (remember.checked) grant.remember_device = true;
    }
    const progress = withCode ? "Checking the code…" : "Logging in…";
    busy(
      form,
      async () => {
        const answer = await api("POST", "/v1/token", { json: grant });
        if (answer.ok) {
          keepTokens(answer.body);
          if (typeof answer.body.device_token === "string") {
            keepDeviceToken(username, answer.body.device_token);
          }
          resetOtp();
          field(form, "password").value = "";
          known.username = username;
          known.password = String(grant.password ?? "");
          fillConnectorCredentials();
          say(result, "Logged in.");
          await showUser();
          await showDevices();
          await showPasskeys();
          return;
        }
        if (answer.body?.error === "otp_required" && answer.body.auth_method === "passkey") {
          // A password grant cannot carry a passkey: the same password through a sign-in.
          const password = String(grant.password ?? "");
          if (await passkeySecondFactor(username, password, result)) {
            field(form, "password").value = "";
            known.username = username;
            known.password = password;
            fillConnectorCredentials();
            await showDevices();
          }
          return;
        }
        if (answer.body?.error === "otp_required") {
          askForCode(answer.body);
          say(
            result,
            answer.body.auth_method === "totp" ? "Two-factor authentication is on." : "Code sent.",
          );
          otp.focus();
          return;
        }
        if (answer.body?.error === "invalid_otp") otp.select();
        say(result, explain(answer), "error");
      },
      { result, progress },
    );
  });

  /**
   * Shows the code field for an `otp_required` answer: where the code went, or that the
   * authenticator app's code or a backup code is asked for.
   * @param {{ auth_method?: string, otp_destination?: string }} body
   */
  const askForCode = (body) => {
    const app = body.auth_method === "totp";
    const prompt = $("#otp-prompt", HTMLElement);
    if (app) {
      prompt.textContent = "Type the code your authenticator app shows.";
    } else {
      prompt.textContent = "A code was sent to ";
      const destination = document.createElement("strong");
      destination.id = "otp-destination";
      destination.textContent = body.otp_destination ?? "your phone or email";
      prompt.append(destination, ". It is in the Inbox.");
    }
    // Backup codes have letters and hyphens: a numeric keyboard would hide them.
    otp.inputMode = app ? "text" : "numeric";
    hint.hidden = !app;
    otpStep.hidden = false;
    submit.textContent = "Verify the code";
  };

  $("#sign-out", HTMLButtonElement).addEventListener("click", () => {
    signOut();
    resetOtp();
    field(form, "password").value = "";
    renderUser();
    say(result, "Signed out: the tokens and every code on the page were forgotten.");
  });
}
