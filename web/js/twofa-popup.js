// @ts-check
/**
 * The popup that asks for the code a connector run waits for, as Cozy's Home does: the time
 * left before the run gives up, the attempts left after a wrong code, and a new code on
 * request when the site can send one. Without those details from the API it asks for the code
 * alone.
 */
import { authed, explain, UNAVAILABLE } from "./api.js";
import { accountPath, connector } from "./connector-state.js";
import { plainState } from "./connector-words.js";
import { $, busy, say } from "./dom.js";

const COUNTDOWN_TICK_MS = 500;

/** @type {ReturnType<typeof setInterval> | undefined} */
let countdown;

const dialog = () => $("#twofa-dialog", HTMLDialogElement);
const connectorsResult = () => $("#connectors > .result", HTMLElement);

/**
 * `m:ss` of a duration.
 * @param {number} ms
 */
function minutesAndSeconds(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The time left before the run gives up, from the account's `twoFa.expiresAt`. */
function renderTimeLeft() {
  const timer = $("#twofa-time-left", HTMLElement);
  const expiresAt = Date.parse(connector.twoFa?.expiresAt ?? "");
  if (Number.isNaN(expiresAt)) {
    timer.hidden = true;
    return;
  }
  timer.hidden = false;
  const left = expiresAt - Date.now();
  timer.textContent =
    left > 0
      ? `Time left: ${minutesAndSeconds(left)}`
      : "Time is up: the site no longer waits for this code.";
  timer.dataset.kind = left > 30_000 ? "" : "error";
}

/**
 * "Wrong code" after `TWOFA_NEEDED_RETRY.*`; attempts left, time left and the new-code
 * button from the account's `twoFa`.
 */
export function renderTwoFaDetails() {
  const twoFa = connector.twoFa;
  $("#twofa-retry", HTMLElement).hidden = !connector.state?.startsWith("TWOFA_NEEDED_RETRY");
  const attempts = $("#twofa-attempts", HTMLElement);
  const left = twoFa?.attemptsLeft;
  attempts.hidden = typeof left !== "number";
  attempts.textContent =
    typeof left === "number" ? `${left} ${left === 1 ? "attempt" : "attempts"} left` : "";
  $("#twofa-resend", HTMLButtonElement).hidden = twoFa?.canResend !== true;
  renderTimeLeft();
}

/**
 * Opens the popup for `state` (`TWOFA_NEEDED*`), with an empty code field.
 * @param {string} state
 */
export function openTwoFaDialog(state) {
  const popup = dialog();
  const approve = /\.APP$/.test(state);
  $("#twofa-text", HTMLElement).textContent = approve
    ? "Approve the login in the site's app. This closes by itself once the site accepts it."
    : `${plainState(state.replace("_RETRY", ""))}. Type it to continue.`;
  $("#twofa-field", HTMLElement).hidden = approve;
  $("#twofa-send", HTMLButtonElement).hidden = approve;
  say($(".result", HTMLElement, popup), "", "");
  renderTwoFaDetails();
  const input = $("#twofa-code", HTMLInputElement);
  input.value = "";
  if (!popup.open) popup.showModal();
  clearInterval(countdown);
  countdown = setInterval(renderTimeLeft, COUNTDOWN_TICK_MS);
  if (!approve) input.focus();
}

export function closeTwoFaDialog() {
  const popup = dialog();
  if (popup.open) popup.close("done");
}

export function setupTwoFaDialog() {
  const popup = dialog();
  const form = $("#twofa-form", HTMLFormElement);
  const result = $(".result", HTMLElement, form);
  const input = $("#twofa-code", HTMLInputElement);
  const resend = $("#twofa-resend", HTMLButtonElement);

  popup.addEventListener("close", () => {
    clearInterval(countdown);
    countdown = undefined;
  });
  popup.addEventListener("cancel", () => {
    connector.dismissed = connector.request;
  });

  form.addEventListener("submit", (event) => {
    if (event.submitter instanceof HTMLButtonElement && event.submitter.value === "cancel") {
      connector.dismissed = connector.request;
      return; // method="dialog" closes it
    }
    event.preventDefault();
    const code = input.value.trim();
    if (!code) {
      say(result, "Type the code.", "error");
      input.focus();
      return;
    }
    // The request this code answers: the run may ask again before the API has answered.
    const request = connector.request;
    busy(
      form,
      async () => {
        const answer = await authed("POST", `${accountPath()}/twofa_code`, { json: { code } });
        if (answer.missing) return say(result, UNAVAILABLE, "error");
        if (!answer.ok) return say(result, explain(answer), "error");
        connector.submitted = { request, at: Date.now() };
        connector.resent = null;
        say(result, "", "");
        popup.close("sent");
        say(
          connectorsResult(),
          "Code handed to the connector: the site is checking it…",
          "progress",
        );
      },
      { result, progress: "Handing the code to the connector…" },
    );
  });

  resend.addEventListener("click", () => {
    busy(
      form,
      async () => {
        const answer = await authed("POST", `${accountPath()}/twofa_code/resend`);
        if (answer.missing) return say(result, UNAVAILABLE, "error");
        if (!answer.ok) return say(result, explain(answer), "error");
        connector.resent = connector.request;
        say(result, "A new code is on its way: see the Inbox.");
        input.value = "";
        input.focus();
      },
      { result, progress: "Asking the site for a new code…" },
    );
  });
}
