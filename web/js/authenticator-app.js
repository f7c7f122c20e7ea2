// @ts-check
/**
 * Step 4: the authenticator app (DocSpace paths): setup with a QR code and a manual key, the
 * first code that links it, backup codes shown once, new backup codes and unlinking, each
 * confirmed with the current second factor (step-up).
 */
import { authed, errorOf, explain, UNAVAILABLE } from "./api.js";
import { $, busy, field, say, value } from "./dom.js";
import { onSignOut, session } from "./session.js";
import { methodInWords, showUser } from "./user.js";

/** @typedef {{ account?: string, manualEntryKey?: string, qrCodeSetupImageUrl?: string }} Setup */
/** @typedef {{ isUsed?: boolean, code?: unknown }} BackupCode */

/**
 * @param {HTMLElement} section
 * @param {HTMLElement} result
 */
function markUnavailable(section, result) {
  section.classList.add("unavailable");
  say(result, UNAVAILABLE, "error");
}

/**
 * What a step-up refusal asks the person for, in words.
 * @param {import("./api.js").Refusal} error
 */
function stepUpRequest(error) {
  return error.auth_method === "totp"
    ? "Confirm with your current second factor: a code from your current app or a backup code."
    : `Confirm with your current second factor: the code sent ${
        error.auth_method === "tfa_email" ? "by email" : "by SMS"
      } (see the Inbox). None came? Codes are resent at most every 30 s: try again shortly.`;
}

/** @param {import("./api.js").Refusal} error */
const asksForStepUp = (error) =>
  error.code === "second_factor_required" || error.code === "otp_required";

/**
 * Shows the codes that are still unused; none shown leaves the list as it is.
 * @param {BackupCode[]} list
 */
function showCodes(list) {
  const codes = list.filter((entry) => entry && typeof entry.code === "string" && !entry.isUsed);
  if (codes.length === 0) return;
  $("#backup-list", HTMLElement).replaceChildren(
    ...codes.map((entry) => {
      const item = document.createElement("li");
      item.textContent = String(entry.code);
      return item;
    }),
  );
  $("#backup-codes", HTMLElement).hidden = false;
}

function hideCodes() {
  $("#backup-list", HTMLElement).replaceChildren();
  $("#backup-codes", HTMLElement).hidden = true;
}

async function showBackupCodes() {
  const answer = await authed("GET", "/api/2.0/settings/tfaappcodes");
  showCodes(answer.ok && Array.isArray(answer.body.response) ? answer.body.response : []);
}

export function setupAuthenticatorApp() {
  const section = $("#totp", HTMLElement);
  const result = $(":scope > .result", HTMLElement, section);
  const enroll = $("#totp-enroll", HTMLElement);
  const form = $("#totp-form", HTMLFormElement);
  const qr = $("#totp-qr", HTMLImageElement);
  const stepUp = $("#totp-stepup", HTMLElement);
  const setupButton = $("#totp-setup", HTMLButtonElement);

  setupButton.addEventListener("click", async () => {
    setupButton.disabled = true;
    say(result, "Preparing a new key…", "progress");
    try {
      const answer = await authed("GET", "/api/2.0/settings/tfaapp/setup");
      if (answer.missing) return markUnavailable(section, result);
      if (!answer.ok) return say(result, explain(answer), "error");
      /** @type {Setup} */
      const setup = answer.body.response ?? {};
      const image = String(setup.qrCodeSetupImageUrl ?? "");
      // Only an inline image: a URL from elsewhere would make the browser fetch it.
      if (image.startsWith("data:image/")) qr.src = image;
      $("#totp-account", HTMLElement).textContent = setup.account ?? "";
      $("#totp-key", HTMLElement).textContent = String(setup.manualEntryKey ?? "");
      enroll.hidden = false;
      say(result, "Scan the QR code, then type the code the app shows.");
      $("#totp-code", HTMLInputElement).focus();
    } finally {
      setupButton.disabled = false;
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = value(form, "code");
    if (!code) return say(result, "Type the code from the app.", "error");
    /** @type {Record<string, string>} */
    const request = { code };
    if (!stepUp.hidden && value(form, "otp")) request.otp = value(form, "otp");
    busy(
      form,
      async () => {
        const answer = await authed("POST", "/api/2.0/settings/tfaapp/validate", {
          json: request,
        });
        if (answer.missing) return markUnavailable(section, result);
        const error = errorOf(answer.body);
        if (asksForStepUp(error)) {
          // Replacing an active second factor needs it first (step-up).
          $("#totp-stepup-text", HTMLElement).textContent = stepUpRequest(error);
          stepUp.hidden = false;
          field(form, "otp").focus();
          return say(result, explain(answer), "error");
        }
        if (!answer.ok) return say(result, explain(answer), "error");
        if (answer.body.response !== true) {
          $("#totp-code", HTMLInputElement).select();
          return say(result, "Wrong code, try again.", "error");
        }
        enroll.hidden = true;
        stepUp.hidden = true;
        form.reset();
        say(result, "Authenticator app linked: the next logins ask for its code.");
        await Promise.all([showUser(), showBackupCodes()]);
      },
      { result, progress: "Checking the code…" },
    );
  });

  setupManage(section, result);

  onSignOut(() => {
    enroll.hidden = true;
    stepUp.hidden = true;
    form.reset();
    qr.removeAttribute("src");
    $("#totp-account", HTMLElement).textContent = "";
    $("#totp-key", HTMLElement).textContent = "";
    $("#totp-manage-form", HTMLFormElement).reset();
    hideCodes();
    say(result, "", "");
  });
}

/**
 * New backup codes and unlinking, for a user whose app is linked.
 * @param {HTMLElement} section
 * @param {HTMLElement} result
 */
function setupManage(section, result) {
  const form = $("#totp-manage-form", HTMLFormElement);
  const otp = $("#totp-manage-otp", HTMLInputElement);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const unlink =
      event.submitter instanceof HTMLButtonElement && event.submitter.value === "unlink";
    const code = otp.value.trim();
    const path = unlink ? "/api/2.0/settings/tfaappnewapp" : "/api/2.0/settings/tfaappnewcodes";
    const progress = unlink ? "Unlinking the app…" : "Making new backup codes…";
    busy(
      form,
      async () => {
        // Without a code the API says what the step-up needs.
        const answer = await authed("PUT", path, { json: code ? { otp: code } : {} });
        if (answer.missing) return markUnavailable(section, result);
        if (!answer.ok) {
          const error = errorOf(answer.body);
          if (asksForStepUp(error)) {
            otp.focus();
            return say(result, `${stepUpRequest(error)} (${error.code})`, "error");
          }
          otp.select();
          return say(result, explain(answer), "error");
        }
        form.reset();
        if (unlink) {
          hideCodes();
          await showUser();
          const method = session.user ? methodInWords(session.user.authMethod) : "";
          say(
            result,
            method
              ? `Authenticator app unlinked: the next logins ask for ${method}.`
              : "Authenticator app unlinked.",
          );
          return;
        }
        showCodes(Array.isArray(answer.body.response) ? answer.body.response : []);
        say(result, "New backup codes: the old ones no longer work.");
      },
      { result, progress },
    );
  });
}
