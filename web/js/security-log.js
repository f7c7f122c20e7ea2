// @ts-check
/**
 * The security log: the signed-in user's security events (`GET /v1/user/security_events`),
 * newest first, one row each (time, what, outcome, IP, user agent, details), and "Older
 * events" for the next page by its cursor. Every value is set as text: a user agent or any
 * other value in an event is whatever a client sent, and is never read as HTML.
 */
import { authed, explain } from "./api.js";
import { $, say } from "./dom.js";
import { onSignOut, session } from "./session.js";

/**
 * @typedef {object} SecurityEvent
 * @property {string} id
 * @property {string} type
 * @property {string} occurredAt
 * @property {"success" | "failure"} outcome
 * @property {string | null} ip
 * @property {string | null} userAgent
 * @property {Record<string, string | number>} data
 */

/** @type {Record<string, string>} */
const WHAT = {
  "user.tfa_code.created": "Login code sent",
  "user.step_up_code.created": "Confirmation code sent",
  "user.tfa.enabled": "Two-factor authentication turned on",
  "user.tfa.disabled": "Two-factor authentication turned off",
  "user.contact.changed": "Phone or email changed",
  "user.backup_codes.regenerated": "New backup codes",
  "user.locked": "Locked after wrong codes",
  "user.unlocked": "Unlocked",
  "user.login.succeeded": "Login",
  "user.login.failed": "Failed login",
  "user.backup_code.used": "Backup code used",
  "user.password.changed": "Password changed",
  "user.session.created": "Session started",
  "user.session.revoked": "Session ended",
  "user.passkey.added": "Passkey added",
  "user.passkey.removed": "Passkey removed",
  "user.passkey.cloned": "Passkey refused (it may be cloned)",
  "user.device.remembered": "Device remembered",
  "user.device.forgotten": "Device forgotten",
  "account.twofa_needed": "A connector asked for a code",
  "account.twofa_answered": "A code was given to a connector",
};

/** The cursor of the next (older) page, or null when the last page is shown. */
let nextCursor = /** @type {string | null} */ (null);

/**
 * A table cell holding `text`, as text.
 * @param {string} text
 * @param {string} [className]
 */
function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

/** @param {SecurityEvent} event */
function row(event) {
  const tr = document.createElement("tr");
  tr.dataset.type = event.type;
  tr.dataset.outcome = event.outcome;
  const time = document.createElement("time");
  time.dateTime = event.occurredAt;
  time.textContent = new Date(event.occurredAt).toLocaleString();
  const when = document.createElement("td");
  when.append(time);
  const what = document.createElement("td");
  const code = document.createElement("code");
  code.textContent = event.type;
  what.append(WHAT[event.type] ?? event.type, document.createElement("br"), code);
  const details = Object.entries(event.data ?? {})
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  tr.append(
    when,
    what,
    cell(event.outcome, "outcome"),
    cell(event.ip ?? "unknown", "ip"),
    cell(event.userAgent ?? "unknown", "user-agent"),
    cell(details, "details"),
  );
  return tr;
}

/**
 * Reads one page of the log: the newest (replacing what is shown), or the next older one
 * (added below it).
 * @param {boolean} older
 */
async function load(older) {
  const rows = $("#security-log-rows", HTMLTableSectionElement);
  const result = $("#security-log .result", HTMLElement);
  const more = $("#security-log-older", HTMLButtonElement);
  if (!session.accessToken) return;
  const cursor = older ? nextCursor : null;
  if (older && cursor === null) return;
  const query = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
  // One read at a time: a second click on "Older events" must not add the same page twice.
  more.disabled = true;
  const answer = await authed("GET", `/v1/user/security_events${query}`).finally(() => {
    more.disabled = false;
  });
  if (!answer.ok) {
    say(result, explain(answer), "error");
    return;
  }
  /** @type {SecurityEvent[]} */
  const events = Array.isArray(answer.body.events) ? answer.body.events : [];
  const shown = events.map(row);
  if (older) rows.append(...shown);
  else rows.replaceChildren(...shown);
  nextCursor = typeof answer.body.nextCursor === "string" ? answer.body.nextCursor : null;
  more.hidden = nextCursor === null;
  $("#security-log-table", HTMLTableElement).hidden = rows.childElementCount === 0;
  $("#security-log-empty", HTMLElement).hidden = rows.childElementCount > 0;
  say(result, "", "");
}

/** Shows the newest page of the signed-in user's log. */
export function showSecurityLog() {
  return load(false);
}

export function setupSecurityLog() {
  $("#security-log-refresh", HTMLButtonElement).addEventListener("click", () => load(false));
  $("#security-log-older", HTMLButtonElement).addEventListener("click", () => load(true));
  onSignOut(() => {
    nextCursor = null;
    $("#security-log-rows", HTMLTableSectionElement).replaceChildren();
    $("#security-log-table", HTMLTableElement).hidden = true;
    $("#security-log-empty", HTMLElement).hidden = false;
    $("#security-log-older", HTMLButtonElement).hidden = true;
    say($("#security-log .result", HTMLElement), "", "");
  });
}
