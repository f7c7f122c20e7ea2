// @ts-check
// The Home demo page: plain DOM, same-origin calls to the local API, nothing stored in the
// browser but a remembered device's token. API data only ever reaches the page through textContent or attributes. Each part of
// the page is a module under js/; this one starts them.
import { setupAuthenticatorApp } from "./js/authenticator-app.js";
import { setupConnectors } from "./js/connectors.js";
import { setupDevices } from "./js/devices.js";
import { pollInbox } from "./js/inbox.js";
import { setupLogin } from "./js/login.js";
import { setupPasskeys } from "./js/passkeys.js";
import { setupSecurityLog } from "./js/security-log.js";
import { renderUser } from "./js/user.js";
import { setupRegister, setupVerify } from "./js/verification.js";

setupVerify();
setupRegister();
setupLogin();
setupDevices();
setupAuthenticatorApp();
setupPasskeys();
setupSecurityLog();
setupConnectors();
renderUser();
pollInbox();
