// @ts-check
/** Cozy account states and connector error names in plain words (seed-semantics §1). */

/** @type {Record<string, string>} */
const TWOFA_CHANNELS = { EMAIL: "by email", SMS: "by SMS" };

/** @type {Record<string, string>} */
const PLAIN = {
  HANDLE_LOGIN_SUCCESS: "Logging in to the site…",
  LOGIN_SUCCESS: "Logged in to the site",
  RESET_SESSION: "The saved session will be dropped",
  LOGIN_FAILED: "The site refused the login or the password",
  "LOGIN_FAILED.NEEDS_SECRET": "A secret is missing to log in",
  "LOGIN_FAILED.TOO_MANY_ATTEMPTS": "Too many login attempts: the site blocks them for now",
  USER_ACTION_NEEDED: "The site needs you to do something first",
  "USER_ACTION_NEEDED.TWOFA_EXPIRED": "No two-factor code arrived in time",
  "USER_ACTION_NEEDED.WRONG_TWOFA_CODE": "Too many wrong two-factor codes",
  "USER_ACTION_NEEDED.OAUTH_OUTDATED": "The authorization expired: connect again",
  "USER_ACTION_NEEDED.ACCOUNT_REMOVED": "The account no longer exists on the site",
  "USER_ACTION_NEEDED.CHANGE_PASSWORD": "The site asks you to change your password",
  "USER_ACTION_NEEDED.SCA_REQUIRED": "The site asks for strong customer authentication",
  "USER_ACTION_NEEDED.WEBAUTH_REQUIRED": "Log in on the site's own web page first",
  CHALLENGE_ASKED: "The site asked a challenge the connector cannot answer",
  CAPTCHA_RESOLUTION_FAILED: "The captcha could not be solved",
  VENDOR_DOWN: "The site is down",
  MAINTENANCE: "The site is under maintenance",
  NOT_EXISTING_DIRECTORY: "The destination folder does not exist",
  FILE_DOWNLOAD_FAILED: "A file could not be downloaded",
  SAVE_FILE_FAILED: "A file could not be saved",
  DISK_QUOTA_EXCEEDED: "The disk quota is exceeded",
  TERMS_VERSION_MISMATCH: "The site's terms changed: accept them on the site",
  UNKNOWN_ERROR: "Something unexpected went wrong",
  "UNKNOWN_ERROR.PARTIAL_SYNC": "Only part of the data was synchronised",
};

/**
 * Whether `state` says a run waits for a two-factor code (`TWOFA_NEEDED*`).
 * @param {string | null | undefined} state
 * @returns {state is string}
 */
export const waitsForCode = (state) =>
  typeof state === "string" && state.startsWith("TWOFA_NEEDED");

/**
 * An account state or a run's error name in plain words.
 * @param {string | null | undefined} state
 * @returns {string}
 */
export function plainState(state) {
  if (state === null || state === undefined || state === "") return "Idle";
  const twofa = /^TWOFA_NEEDED(_RETRY)?(?:\.(\w+))?$/.exec(state);
  if (twofa) {
    const [, retry, type] = twofa;
    if (type === "APP") return "Approve the login in the site's app";
    if (type === "APP_CODE") {
      return retry
        ? "Wrong code: the site asks again for a code from your authenticator app"
        : "The site asks for a code from your authenticator app";
    }
    const channel = type === undefined ? undefined : TWOFA_CHANNELS[type];
    const where = channel ? ` ${channel}` : "";
    return retry
      ? `Wrong code: the site waits for another try at the code it sent${where}`
      : `The site sent a code${where} and waits for it`;
  }
  return PLAIN[state] ?? state;
}

/**
 * "Plain words (NAME)", or the plain words alone when there is no name to show.
 * @param {string | null | undefined} name
 */
export function withName(name) {
  const plain = plainState(name);
  return name && plain !== name ? `${plain} (${name})` : plain;
}
