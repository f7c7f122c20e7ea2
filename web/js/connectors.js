// @ts-check
/**
 * Step 5: a demo connector account, a manual run, and its account card: the account state and
 * the run's outcome in plain words, the popup when the run waits for a code.
 */
import { authed, explain, UNAVAILABLE } from "./api.js";
import { accountPath, connector } from "./connector-state.js";
import { plainState, waitsForCode, withName } from "./connector-words.js";
import { $, busy, field, fillIfEmpty, say, value } from "./dom.js";
import { known, onSignOut } from "./session.js";
import {
  closeTwoFaDialog,
  openTwoFaDialog,
  renderTwoFaDetails,
  setupTwoFaDialog,
} from "./twofa-popup.js";

const CONNECTOR_POLL_MS = 1000;
/** After a code is handed over, the run gets this long to leave the state it was asked in. */
const TWOFA_RESUBMIT_GRACE_MS = 4000;

/** @typedef {import("./connector-state.js").Account} Account */

/** Bumped whenever the followed account changes: a poll of an older one stops. */
let generation = 0;

const section = () => $("#connectors", HTMLElement);
const result = () => $("#connectors > .result", HTMLElement);

function markUnavailable() {
  section().classList.add("unavailable");
  say(result(), UNAVAILABLE, "error");
}

/** The login and password just used fill the demo account's site credentials. */
export function fillConnectorCredentials() {
  const form = $("#account-form", HTMLFormElement);
  fillIfEmpty(field(form, "login"), known.username);
  fillIfEmpty(field(form, "password"), known.password);
}

/** Stops following the account: its card, its run and its popup go away. */
function forgetAccount() {
  generation += 1;
  connector.accountId = null;
  connector.runId = null;
  connector.polling = false;
  connector.state = null;
  connector.twoFa = null;
  connector.request = null;
  connector.submitted = null;
  connector.dismissed = null;
  connector.resent = null;
  closeTwoFaDialog();
  $("#connector-status", HTMLElement).hidden = true;
  $("#twofa-reopen", HTMLButtonElement).hidden = true;
  $("#run-start", HTMLButtonElement).disabled = true;
}

export function setupConnectors() {
  const form = $("#account-form", HTMLFormElement);
  const runButton = $("#run-start", HTMLButtonElement);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const auth = { login: value(form, "login"), password: field(form, "password").value };
    const created = busy(
      form,
      async () => {
        const answer = await authed("POST", "/v1/accounts", {
          json: { connector: "demo", auth },
        });
        if (answer.missing) return markUnavailable();
        if (!answer.ok) return say(result(), explain(answer), "error");
        forgetAccount();
        connector.accountId = answer.body.id;
        $("#connector-status", HTMLElement).hidden = false;
        $("#account-id", HTMLElement).textContent =
          `${answer.body.connector ?? "demo"} · ${answer.body.id}`;
        $("#account-state", HTMLElement).textContent = withName(answer.body.state);
        $("#run-status", HTMLElement).textContent = "not started";
        say(result(), "Demo account created. Start a run.");
      },
      { result: result(), progress: "Creating the account…" },
    );
    // busy() puts the buttons back as they were: "Run now" is enabled once that is done.
    created.then(() => {
      runButton.disabled = !connector.accountId;
    });
  });

  runButton.addEventListener("click", async () => {
    if (!connector.accountId) return;
    runButton.disabled = true;
    say(result(), "Starting the run…", "progress");
    const answer = await authed("POST", `${accountPath()}/runs`, { json: { manual: true } });
    if (answer.missing) {
      runButton.disabled = false;
      return markUnavailable();
    }
    if (!answer.ok) {
      runButton.disabled = false;
      return say(result(), explain(answer), "error");
    }
    connector.runId = answer.body.id ?? answer.body.runId;
    connector.submitted = null;
    connector.dismissed = null;
    $("#run-status", HTMLElement).textContent = "running";
    say(result(), "Run started: the connector is logging in to the site…", "progress");
    if (!connector.polling) pollConnector();
  });

  $("#twofa-reopen", HTMLButtonElement).addEventListener("click", () => {
    if (!connector.state) return;
    connector.dismissed = null;
    openTwoFaDialog(connector.state);
  });
  setupTwoFaDialog();

  onSignOut(() => {
    forgetAccount();
    field(form, "password").value = "";
    say(result(), "", "");
  });
}

/** @param {string | undefined} status */
function runInWords(status, error = "UNKNOWN_ERROR") {
  if (status === "succeeded") return "succeeded: logged in and fetched the data";
  if (status === "failed") return `failed: ${withName(error)}`;
  return String(status ?? "unknown");
}

/** Reads the account and its run every second until the run ends. */
async function pollConnector() {
  const polled = generation;
  connector.polling = true;
  const runPath = `/v1/runs/${encodeURIComponent(connector.runId ?? "")}`;
  const [account, run] = await Promise.all([authed("GET", accountPath()), authed("GET", runPath)]);
  if (polled !== generation) return; // signed out, or another account meanwhile

  if (account.ok) onAccount(account.body);
  else say(result(), explain(account), "error");

  let running = true;
  if (run.ok) {
    /** @type {{ status?: string, error?: string | null }} */
    const body = run.body;
    running = body.status === "running";
    $("#run-status", HTMLElement).textContent = runInWords(body.status, body.error ?? undefined);
    if (!running) onRunEnded(body.status, body.error ?? "UNKNOWN_ERROR");
  } else if (run.missing) {
    running = false;
    markUnavailable();
  }
  if (running) setTimeout(pollConnector, CONNECTOR_POLL_MS);
  else connector.polling = false;
}

/**
 * The run ended: the popup closes and the card says what happened, even where the account
 * still reports a wait for a code that no run serves any more.
 * @param {string | undefined} status
 * @param {string} error
 */
function onRunEnded(status, error) {
  connector.resent = null;
  closeTwoFaDialog();
  connector.twoFa = null;
  $("#twofa-reopen", HTMLButtonElement).hidden = true;
  $("#run-start", HTMLButtonElement).disabled = false;
  if (status === "succeeded") {
    say(result(), "The run finished.");
    return;
  }
  if (waitsForCode(connector.state)) {
    $("#account-state", HTMLElement).textContent = withName(error);
  }
  say(result(), `The run failed: ${plainState(error)}.`, "error");
}

/**
 * The account's state in words; after a run ended in an error, that error, unless a later
 * state says more.
 * @param {Account} account
 */
function accountInWords(account) {
  const state = account.state ?? null;
  const error = account.lastRun?.endedAt ? account.lastRun.error : null;
  if (error && (state === null || waitsForCode(state))) return withName(error);
  return withName(state);
}

/** @param {Account} account */
function onAccount(account) {
  const state = account.state ?? null;
  // One request for a code: the state and the moment it was set.
  const request = `${state}@${account.updatedAt ?? ""}`;
  connector.state = state;
  connector.request = request;
  connector.twoFa = account.twoFa ?? null;
  $("#account-state", HTMLElement).textContent = accountInWords(account);
  const waiting = waitsForCode(state);
  $("#twofa-reopen", HTMLButtonElement).hidden = !waiting;
  const popup = $("#twofa-dialog", HTMLDialogElement);
  if (!waiting) {
    connector.submitted = null;
    connector.dismissed = null;
    // The site is sending a new code: the popup waits for the run to ask for it.
    if (connector.resent !== null && popup.open) renderTwoFaDetails();
    else closeTwoFaDialog();
    return;
  }
  if (popup.open) {
    if (connector.resent !== null && connector.resent !== request) connector.resent = null;
    // A new code, a later deadline or fewer attempts show at once in the open popup.
    renderTwoFaDetails();
    return;
  }
  if (connector.dismissed === request) return;
  const sent = connector.submitted;
  // A code was handed over for this very request: wait for the run to ask again. Without an
  // `updatedAt` to tell requests apart, give it a moment to leave the state instead.
  if (
    sent?.request === request &&
    (account.updatedAt || Date.now() - sent.at < TWOFA_RESUBMIT_GRACE_MS)
  ) {
    return;
  }
  say(result(), "The site asks for a code: type it in the popup.");
  openTwoFaDialog(state);
}
