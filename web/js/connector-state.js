// @ts-check
/** The demo connector account the page follows, shared by its card and its 2FA popup. */

/**
 * What the account says about the run's wait for a code; absent when none waits.
 * @typedef {object} TwoFa
 * @property {string} [type]
 * @property {string} [expiresAt] ISO 8601: when the wait gives up
 * @property {number} [attemptsLeft]
 * @property {boolean} [canResend] whether the site can send a new code
 */

/**
 * `GET /v1/accounts/{id}`.
 * @typedef {object} Account
 * @property {string} id
 * @property {string} [connector]
 * @property {string | null} [state]
 * @property {string} [updatedAt]
 * @property {TwoFa} [twoFa]
 * @property {{ id?: string, endedAt?: string | null, error?: string | null } | null} [lastRun]
 */

/**
 * @type {{
 *   accountId: string | null,
 *   runId: string | null,
 *   polling: boolean,
 *   state: string | null,
 *   twoFa: TwoFa | null,
 *   request: string | null,
 *   submitted: { request: string | null, at: number } | null,
 *   dismissed: string | null,
 *   resent: string | null,
 * }}
 */
export const connector = {
  accountId: null,
  runId: null,
  polling: false,
  state: null,
  /** The wait for a code the account reported last. */
  twoFa: null,
  /** The request for a code (state and time) currently shown. */
  request: null,
  /** The request a code was handed over for, and when. */
  submitted: null,
  /** The request whose popup the person closed with "Later". */
  dismissed: null,
  /** The request for which a new code was asked: the popup stays open until the next one. */
  resent: null,
};

/** The API path of the followed account. */
export const accountPath = () => `/v1/accounts/${encodeURIComponent(connector.accountId ?? "")}`;
