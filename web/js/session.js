// @ts-check
/**
 * What the page holds for the signed-in person. Tokens live in this module only: never in
 * localStorage, sessionStorage or a cookie, so reloading the page signs out.
 */

/**
 * @typedef {object} User
 * @property {string} username
 * @property {string} authMethod
 * @property {string} [phoneNumber]
 * @property {string} [email]
 * @property {boolean} [tfaAppLinked]
 */

/** @type {{ accessToken: string | null, refreshToken: string | null, user: User | null }} */
export const session = { accessToken: null, refreshToken: null, user: null };

/** What the person typed or verified, to fill the next forms. */
export const known = { phoneNumber: "", email: "", username: "", password: "" };

/** @type {(() => void)[]} */
const clearers = [];

/**
 * `clear` runs on sign-out: each part of the page forgets the secrets it shows or holds.
 * @param {() => void} clear
 */
export function onSignOut(clear) {
  clearers.push(clear);
}

/** Forgets the tokens, the user and every secret on the page. */
export function signOut() {
  session.accessToken = null;
  session.refreshToken = null;
  session.user = null;
  known.password = "";
  for (const clear of clearers) clear();
}

/**
 * Keeps the tokens of a token response.
 * @param {{ access_token?: unknown, refresh_token?: unknown }} body
 */
export function keepTokens(body) {
  session.accessToken = typeof body.access_token === "string" ? body.access_token : null;
  session.refreshToken = typeof body.refresh_token === "string" ? body.refresh_token : null;
}
