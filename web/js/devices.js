// @ts-check
/**
 * Remembered devices: "remember this device" at the second-factor step keeps a device token in
 * localStorage (per username), sent at later logins to skip the second factor; the signed-in
 * user's remembered devices are listed, each with "Forget". Only the device token is stored:
 * the session's tokens stay in memory.
 */
import { authed, explain } from "./api.js";
import { $, say } from "./dom.js";
import { showSecurityLog } from "./security-log.js";
import { onSignOut } from "./session.js";

const STORAGE_KEY = "twofa.deviceTokens";

/** @returns {Record<string, string>} */
function stored() {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}");
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * This browser's device token for `username`, if it was remembered here.
 * @param {string} username
 */
export function deviceTokenFor(username) {
  const token = stored()[username];
  return typeof token === "string" ? token : undefined;
}

/**
 * Keeps the device token a login answered, for `username`.
 * @param {string} username
 * @param {string} token
 */
export function keepDeviceToken(username, token) {
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...stored(), [username]: token }));
}

/** @typedef {{ id: string, createdAt: string, lastUsedAt: string, expiresAt: string, createdFrom: { ip: string | null, userAgent: string | null }, lastUsedFrom: { ip: string | null, userAgent: string | null } }} Device */

/** @param {{ ip: string | null, userAgent: string | null }} from */
const where = (from) => [from.userAgent ?? "unknown browser", from.ip ?? "unknown IP"].join(", ");
/** @param {string} iso */
const when = (iso) => new Date(iso).toLocaleString();

/** Reads the signed-in user's remembered devices and lists them. */
export async function showDevices() {
  const list = $("#device-list", HTMLUListElement);
  const result = $("#devices .result", HTMLElement);
  const answer = await authed("GET", "/v1/user/devices");
  if (!answer.ok) {
    say(result, explain(answer), "error");
    return;
  }
  /** @type {Device[]} */
  const devices = answer.body.devices ?? [];
  list.replaceChildren(
    ...devices.map((device) => {
      const item = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = `Remembered ${when(device.createdAt)} (${where(device.createdFrom)}); last used ${when(device.lastUsedAt)} (${where(device.lastUsedFrom)}); until ${when(device.expiresAt)}`;
      const forget = document.createElement("button");
      forget.type = "button";
      forget.className = "secondary";
      forget.textContent = "Forget";
      forget.addEventListener("click", async () => {
        forget.disabled = true;
        const done = await authed("DELETE", `/v1/user/devices/${encodeURIComponent(device.id)}`);
        say(result, done.ok ? "Device forgotten." : explain(done), done.ok ? "ok" : "error");
        await showDevices();
        if (done.ok) await showSecurityLog();
      });
      item.append(text, " ", forget);
      return item;
    }),
  );
  $("#devices-empty", HTMLElement).hidden = devices.length > 0;
  $("#forget-devices", HTMLButtonElement).hidden = devices.length === 0;
}

export function setupDevices() {
  const result = $("#devices .result", HTMLElement);
  $("#forget-devices", HTMLButtonElement).addEventListener("click", async () => {
    const done = await authed("DELETE", "/v1/user/devices");
    say(result, done.ok ? "Every device forgotten." : explain(done), done.ok ? "ok" : "error");
    await showDevices();
    if (done.ok) await showSecurityLog();
  });
  onSignOut(() => {
    $("#device-list", HTMLUListElement).replaceChildren();
    say(result, "", "");
  });
}
