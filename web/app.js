// The Home demo page: plain DOM, same-origin calls to the local API, nothing stored in the
// browser. API data only ever reaches the page through textContent or attributes.

const INBOX_POLL_MS = 1000;
const CONNECTOR_POLL_MS = 1000;
/** After a code is handed over, the run gets this long to leave the state it was asked in. */
const TWOFA_RESUBMIT_GRACE_MS = 4000;

const $ = (selector, root = document) => root.querySelector(selector);

/** Tokens live in this closure only: never in localStorage, sessionStorage or a cookie. */
const session = { accessToken: null, refreshToken: null, user: null };
/** What the user typed or verified, to fill the next forms. */
const known = { phoneNumber: "", email: "", username: "", password: "" };

// --- API --------------------------------------------------------------------------------------

/**
 * One call to the API. Never throws for an HTTP answer: `{ok, status, body, missing}`, where
 * `missing` says the route does not exist on this server (yet).
 */
async function api(method, path, { json, auth = false } = {}) {
  const headers = { accept: "application/json" };
  if (json !== undefined) headers["content-type"] = "application/json";
  if (auth && session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: json === undefined ? undefined : JSON.stringify(json),
      cache: "no-store",
      credentials: "omit",
    });
  } catch {
    return { ok: false, status: 0, body: { error_description: "The API cannot be reached." } };
  }
  const text = await response.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = {};
  }
  const missing =
    response.status === 404 &&
    // The local server's answer for a path without a route, and API Gateway's.
    (/^No route for /.test(body?.error_description ?? "") || body?.message === "Not Found");
  return { ok: response.ok, status: response.status, body, missing };
}

/** A call as the signed-in user; an expired access token is refreshed once. */
async function authed(method, path, options = {}) {
  const first = await api(method, path, { ...options, auth: true });
  if (first.status !== 401 || !session.refreshToken) return first;
  const refreshed = await api("POST", "/v1/token", {
    json: { grant_type: "refresh_token", refresh_token: session.refreshToken },
  });
  if (!refreshed.ok) return first;
  keepTokens(refreshed.body);
  return api(method, path, { ...options, auth: true });
}

function keepTokens(body) {
  session.accessToken = body.access_token ?? null;
  session.refreshToken = body.refresh_token ?? null;
}

/**
 * The error code and its details, from `/v1`'s `{error, error_description}` or the DocSpace
 * paths' `{error: {message, type}}`.
 */
function errorOf(body) {
  const error = body?.error;
  if (error && typeof error === "object")
    return { ...error, code: error.type, description: error.message };
  return { ...body, code: error, description: body?.error_description ?? body?.message };
}

/** `error_description (error)`, the way the API explains a refusal. */
function explain(result) {
  if (result.status === 0) return result.body.error_description;
  const error = errorOf(result.body);
  const description = error.description ?? `HTTP ${result.status}`;
  const field = error.field ? ` [${error.field}]` : "";
  return error.code ? `${description} (${error.code})${field}` : description;
}

function say(target, text, kind = "ok") {
  target.textContent = text;
  target.dataset.kind = kind;
}

/** Runs `work` with the form's submit buttons disabled, so a double click sends once. */
async function busy(form, work) {
  const buttons = [...form.querySelectorAll("button")];
  const wasDisabled = buttons.map((b) => b.disabled);
  for (const b of buttons) b.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await work();
  } finally {
    buttons.forEach((b, i) => {
      b.disabled = wasDisabled[i];
    });
    form.removeAttribute("aria-busy");
  }
}

const field = (form, name) => form.elements.namedItem(name);
const value = (form, name) => field(form, name).value.trim();

function fillIfEmpty(input, text) {
  if (text && !input.value) input.value = text;
}

// --- Inbox ------------------------------------------------------------------------------------

const inbox = {
  list: $("#inbox-list"),
  count: $("#inbox-count"),
  note: $("#inbox-note"),
  shown: 0,
  failing: false,
};

function timeOf(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

/** The body as text nodes, with every 6- to 8-digit code in a `<mark>`. */
function appendBody(parent, body) {
  const pattern = /(?<!\d)\d{6,8}(?!\d)/g;
  let last = 0;
  for (const match of body.matchAll(pattern)) {
    parent.append(body.slice(last, match.index));
    const mark = document.createElement("mark");
    mark.className = "code";
    mark.textContent = match[0];
    parent.append(mark);
    last = match.index + match[0].length;
  }
  parent.append(body.slice(last));
}

function messageItem(message) {
  const item = document.createElement("li");
  item.className = "message fresh";
  item.dataset.channel = message.channel;
  item.dataset.to = message.to;

  const head = document.createElement("div");
  head.className = "message-head";
  const channel = document.createElement("span");
  channel.className = "channel";
  channel.textContent = message.channel === "sms" ? "SMS" : "Email";
  const to = document.createElement("span");
  to.className = "to";
  to.textContent = message.to;
  const time = document.createElement("time");
  time.dateTime = message.sentAt;
  time.textContent = timeOf(message.sentAt);
  head.append(channel, to, time);
  item.append(head);

  if (message.subject) {
    const subject = document.createElement("p");
    subject.className = "subject";
    subject.textContent = message.subject;
    item.append(subject);
  }
  const body = document.createElement("p");
  body.className = "body";
  appendBody(body, String(message.body ?? ""));
  item.append(body);
  setTimeout(() => item.classList.remove("fresh"), 3000);
  return item;
}

async function pollInbox() {
  const result = await api("GET", "/_local/messages");
  if (result.status === 404) {
    inbox.note.textContent = "No local inbox on this server: it exists only under npm start.";
    return; // stop polling: nothing will appear
  }
  if (!result.ok || !Array.isArray(result.body)) {
    if (!inbox.failing) inbox.note.textContent = `Inbox unavailable: ${explain(result)}`;
    inbox.failing = true;
  } else {
    if (inbox.failing) {
      inbox.note.textContent = "Every SMS and email sent since npm start, newest first.";
      inbox.failing = false;
    }
    const messages = result.body;
    if (messages.length < inbox.shown) {
      // The stack restarted: start over.
      inbox.list.replaceChildren();
      inbox.shown = 0;
    }
    // Oldest first from the API; each newer one goes on top.
    for (const message of messages.slice(inbox.shown)) inbox.list.prepend(messageItem(message));
    inbox.shown = messages.length;
    inbox.count.textContent = String(messages.length);
  }
  setTimeout(pollInbox, INBOX_POLL_MS);
}

// --- 1. Verify a phone or an email ------------------------------------------------------------

function setupVerify() {
  const form = $("#verify-form");
  const contact = $("#verify-contact");
  const label = $("#verify-contact-label");
  const result = $(".result", form);

  form.addEventListener("change", (event) => {
    if (event.target.name !== "channel") return;
    const sms = event.target.value === "sms";
    label.textContent = sms ? "Phone number (E.164)" : "Email address";
    contact.type = sms ? "tel" : "email";
    contact.autocomplete = sms ? "tel" : "email";
    contact.placeholder = sms ? "+33612345678" : "joe@example.com";
    contact.value = (sms ? known.phoneNumber : known.email) || "";
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sms = form.elements.namedItem("channel").value === "sms";
    const to = contact.value.trim();
    if (!to) {
      say(result, sms ? "Type a phone number." : "Type an email address.", "error");
      contact.focus();
      return;
    }
    busy(form, async () => {
      const answer = sms
        ? await api("POST", "/v1/phone_verification_codes", { json: { phoneNumber: to } })
        : await api("POST", "/v1/email_verification_codes", { json: { email: to } });
      if (!answer.ok) return say(result, explain(answer), "error");
      say(result, `Code sent to ${to}. Read it in the Inbox and use it to register.`);
      const register = $("#register-form");
      if (sms) {
        known.phoneNumber = to;
        field(register, "phoneNumber").value = to;
        field(register, "authMethod").value = "tfa_sms";
      } else {
        known.email = to;
        field(register, "email").value = to;
        field(register, "authMethod").value = "tfa_email";
      }
    });
  });
}

// --- 2. Register ------------------------------------------------------------------------------

function setupRegister() {
  const form = $("#register-form");
  const result = $(".result", form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const registration = {
      username: value(form, "username"),
      password: field(form, "password").value,
      authMethod: value(form, "authMethod"),
    };
    for (const name of ["phoneNumber", "phoneVerificationCode", "email", "emailVerificationCode"]) {
      if (value(form, name)) registration[name] = value(form, name);
    }
    busy(form, async () => {
      const answer = await api("POST", "/v1/customers", { json: registration });
      if (!answer.ok) return say(result, explain(answer), "error");
      say(result, `Registered ${answer.body.username ?? registration.username}. Now log in.`);
      known.username = registration.username;
      known.password = registration.password;
      const login = $("#login-form");
      field(login, "username").value = registration.username;
      field(login, "password").value = registration.password;
      fillConnectorCredentials();
    });
  });
}

// --- 3. Log in --------------------------------------------------------------------------------

function setupLogin() {
  const form = $("#login-form");
  const result = $(".result", form);
  const otpStep = $("#otp-step");
  const otp = $("#otp");
  const submit = $("#login-submit");

  const resetOtp = () => {
    otpStep.hidden = true;
    otp.value = "";
    submit.textContent = "Log in";
  };
  // A different user or password starts a new login.
  for (const name of ["username", "password"])
    field(form, name).addEventListener("input", resetOtp);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const grant = {
      grant_type: "password",
      username: value(form, "username"),
      password: field(form, "password").value,
    };
    if (!otpStep.hidden) {
      if (!otp.value.trim()) {
        say(result, "Type the login code.", "error");
        otp.focus();
        return;
      }
      grant.otp = otp.value.trim();
    }
    busy(form, async () => {
      const answer = await api("POST", "/v1/token", { json: grant });
      if (answer.ok) {
        keepTokens(answer.body);
        resetOtp();
        field(form, "password").value = "";
        known.username = grant.username;
        known.password = grant.password;
        fillConnectorCredentials();
        say(result, "Logged in.");
        await showUser();
        return;
      }
      if (answer.body?.error === "otp_required") {
        const app = answer.body.auth_method === "totp";
        const prompt = $("#otp-prompt");
        if (app) {
          prompt.textContent = "Type the code your authenticator app shows.";
        } else {
          prompt.textContent = "A code was sent to ";
          const destination = document.createElement("strong");
          destination.id = "otp-destination";
          destination.textContent = answer.body.otp_destination ?? "your phone or email";
          prompt.append(destination, ". It is in the Inbox.");
        }
        otpStep.hidden = false;
        submit.textContent = "Verify the code";
        say(result, app ? "Two-factor authentication is on." : "Code sent.");
        otp.focus();
        return;
      }
      if (answer.body?.error === "invalid_otp") otp.select();
      say(result, explain(answer), "error");
    });
  });

  $("#sign-out").addEventListener("click", () => {
    session.accessToken = null;
    session.refreshToken = null;
    session.user = null;
    renderUser();
    say(result, "Signed out: the tokens were forgotten.");
  });
}

async function showUser() {
  const answer = await authed("GET", "/v1/user");
  if (!answer.ok) {
    say($(".result", $("#login-form")), explain(answer), "error");
    return;
  }
  session.user = answer.body;
  renderUser();
}

const AUTH_METHODS = {
  simple: "password only",
  tfa_sms: "a code by SMS",
  tfa_email: "a code by email",
  totp: "an authenticator app",
};

function renderUser() {
  const user = session.user;
  $("#signed-in").hidden = !user;
  $("#session").textContent = user ? `Signed in as ${user.username}` : "Not signed in";
  $("#session").dataset.kind = user ? "ok" : "";
  if (!user) return;
  $("#user-name").textContent = user.username;
  const rows = [
    ["Second factor", AUTH_METHODS[user.authMethod] ?? user.authMethod],
    ["Phone", user.phoneNumber ?? "none"],
    ["Email", user.email ?? "none"],
    ["Authenticator app", user.tfaAppLinked ? "linked" : "not linked"],
  ];
  $("#user-details").replaceChildren(
    ...rows.flatMap(([term, detail]) => {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = detail;
      return [dt, dd];
    }),
  );
}

// --- 4. Authenticator app ---------------------------------------------------------------------

const UNAVAILABLE = "This server does not have this endpoint yet (404).";

function setupTotp() {
  const section = $("#totp");
  const result = $(":scope > .result", section);
  const enroll = $("#totp-enroll");
  const form = $("#totp-form");

  $("#totp-setup").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const answer = await authed("GET", "/api/2.0/settings/tfaapp/setup");
      if (answer.missing) return markUnavailable(section, result);
      if (!answer.ok) return say(result, explain(answer), "error");
      const setup = answer.body.response ?? {};
      const qr = String(setup.qrCodeSetupImageUrl ?? "");
      // Only an inline image: a URL from elsewhere would make the browser fetch it.
      if (qr.startsWith("data:image/")) $("#totp-qr").src = qr;
      $("#totp-account").textContent = setup.account ?? "";
      $("#totp-key").textContent = String(setup.manualEntryKey ?? "");
      enroll.hidden = false;
      say(result, "Scan the QR code, then type the code the app shows.");
      $("#totp-code").focus();
    } finally {
      button.disabled = false;
    }
  });

  const stepUp = $("#totp-stepup");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const code = value(form, "code");
    if (!code) return say(result, "Type the code from the app.", "error");
    const request = { code };
    if (!stepUp.hidden && value(form, "otp")) request.otp = value(form, "otp");
    busy(form, async () => {
      const answer = await authed("POST", "/api/2.0/settings/tfaapp/validate", { json: request });
      if (answer.missing) return markUnavailable(section, result);
      const error = errorOf(answer.body);
      if (error.code === "second_factor_required" || error.code === "otp_required") {
        // Replacing an active second factor needs it first (step-up).
        $("#totp-stepup-text").textContent =
          error.auth_method === "totp"
            ? "Confirm with your current second factor: a code from your current app or a backup code."
            : `Confirm with your current second factor: the code sent ${
                error.auth_method === "tfa_email" ? "by email" : "by SMS"
              } (see the Inbox). None came? Codes are resent at most every 30 s: try again shortly.`;
        stepUp.hidden = false;
        field(form, "otp").focus();
        return say(result, explain(answer), "error");
      }
      if (!answer.ok) return say(result, explain(answer), "error");
      if (answer.body.response !== true) {
        field(form, "code").select();
        return say(result, "Wrong code, try again.", "error");
      }
      enroll.hidden = true;
      stepUp.hidden = true;
      form.reset();
      say(result, "Authenticator app linked: the next logins ask for its code.");
      await Promise.all([showUser(), showBackupCodes()]);
    });
  });
}

async function showBackupCodes() {
  const answer = await authed("GET", "/api/2.0/settings/tfaappcodes");
  const list = answer.ok && Array.isArray(answer.body.response) ? answer.body.response : [];
  const codes = list.filter((entry) => entry && typeof entry.code === "string" && !entry.isUsed);
  if (codes.length === 0) return;
  $("#backup-list").replaceChildren(
    ...codes.map((entry) => {
      const item = document.createElement("li");
      item.textContent = entry.code;
      return item;
    }),
  );
  $("#backup-codes").hidden = false;
}

function markUnavailable(section, result) {
  section.classList.add("unavailable");
  say(result, UNAVAILABLE, "error");
}

// --- 5. Connectors ----------------------------------------------------------------------------

/** Cozy account states and connector error names, in plain words (seed-semantics §1). */
const TWOFA_CHANNELS = { EMAIL: "by email", SMS: "by SMS" };
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

function plainState(state) {
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
    const where = TWOFA_CHANNELS[type] ? ` ${TWOFA_CHANNELS[type]}` : "";
    return retry
      ? `Wrong code: the site waits for another try at the code it sent${where}`
      : `The site sent a code${where} and waits for it`;
  }
  return PLAIN[state] ?? state;
}

/** "Plain words (NAME)", or the plain words alone when there is no name to show. */
function withName(name) {
  const plain = plainState(name);
  return name && plain !== name ? `${plain} (${name})` : plain;
}

const connector = {
  accountId: null,
  runId: null,
  polling: false,
  state: null,
  /** The request for a code (state and time) currently shown. */
  request: null,
  /** The request a code was handed over for, and when. */
  submitted: null,
  /** The request whose popup the user closed with "Later". */
  dismissed: null,
};

function fillConnectorCredentials() {
  const form = $("#account-form");
  fillIfEmpty(field(form, "login"), known.username);
  fillIfEmpty(field(form, "password"), known.password);
}

function setupConnectors() {
  const section = $("#connectors");
  const form = $("#account-form");
  const result = $(":scope > .result", section);
  const runButton = $("#run-start");

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const auth = { login: value(form, "login"), password: field(form, "password").value };
    const created = busy(form, async () => {
      const answer = await authed("POST", "/v1/accounts", { json: { connector: "demo", auth } });
      if (answer.missing) return markUnavailable(section, result);
      if (!answer.ok) return say(result, explain(answer), "error");
      connector.accountId = answer.body.id;
      connector.runId = null;
      $("#connector-status").hidden = false;
      $("#account-id").textContent = `${answer.body.connector ?? "demo"} · ${answer.body.id}`;
      $("#account-state").textContent = withName(answer.body.state);
      $("#run-status").textContent = "not started";
      say(result, "Demo account created. Start a run.");
    });
    // busy() puts the buttons back as they were: "Run now" is enabled once that is done.
    created.then(() => {
      runButton.disabled = !connector.accountId;
    });
  });

  runButton.addEventListener("click", async () => {
    if (!connector.accountId) return;
    runButton.disabled = true;
    const answer = await authed(
      "POST",
      `/v1/accounts/${encodeURIComponent(connector.accountId)}/runs`,
      { json: { manual: true } },
    );
    if (answer.missing) {
      runButton.disabled = false;
      return markUnavailable(section, result);
    }
    if (!answer.ok) {
      runButton.disabled = false;
      return say(result, explain(answer), "error");
    }
    connector.runId = answer.body.id ?? answer.body.runId;
    connector.submitted = null;
    connector.dismissed = null;
    $("#run-status").textContent = "running";
    say(result, "Run started.");
    if (!connector.polling) pollConnector();
  });

  $("#twofa-reopen").addEventListener("click", () => {
    if (!connector.state) return;
    connector.dismissed = null;
    openTwoFaDialog(connector.state);
  });
  setupTwoFaDialog();
}

async function pollConnector() {
  connector.polling = true;
  const accountPath = `/v1/accounts/${encodeURIComponent(connector.accountId)}`;
  const runPath = `/v1/runs/${encodeURIComponent(connector.runId)}`;
  const [account, run] = await Promise.all([authed("GET", accountPath), authed("GET", runPath)]);
  const result = $(":scope > .result", $("#connectors"));

  if (account.ok) onAccount(account.body);
  else say(result, explain(account), "error");

  let running = true;
  if (run.ok) {
    const status = run.body.status;
    running = status === "running";
    const words =
      status === "succeeded"
        ? "succeeded: logged in and fetched the data"
        : status === "failed"
          ? `failed: ${withName(run.body.error ?? "UNKNOWN_ERROR")}`
          : String(status ?? "unknown");
    $("#run-status").textContent = words;
    if (!running) {
      closeTwoFaDialog();
      $("#twofa-reopen").hidden = true;
      $("#run-start").disabled = false;
      say(
        result,
        status === "succeeded" ? "The run finished." : "The run failed.",
        status === "succeeded" ? "ok" : "error",
      );
    }
  } else if (run.missing) {
    running = false;
    markUnavailable($("#connectors"), result);
  }
  if (running) setTimeout(pollConnector, CONNECTOR_POLL_MS);
  else connector.polling = false;
}

function onAccount(account) {
  const state = account.state ?? null;
  // One request for a code: the state and the moment it was set.
  const request = `${state}@${account.updatedAt ?? ""}`;
  connector.state = state;
  connector.request = request;
  $("#account-state").textContent = withName(state);
  const waiting = typeof state === "string" && state.startsWith("TWOFA_NEEDED");
  $("#twofa-reopen").hidden = !waiting;
  if (!waiting) {
    connector.submitted = null;
    connector.dismissed = null;
    closeTwoFaDialog();
    return;
  }
  const dialog = $("#twofa-dialog");
  if (dialog.open || connector.dismissed === request) return;
  const sent = connector.submitted;
  // A code was handed over for this very request: wait for the run to ask again. Without an
  // `updatedAt` to tell requests apart, give it a moment to leave the state instead.
  if (
    sent?.request === request &&
    (account.updatedAt || Date.now() - sent.at < TWOFA_RESUBMIT_GRACE_MS)
  ) {
    return;
  }
  openTwoFaDialog(state);
}

function openTwoFaDialog(state) {
  const dialog = $("#twofa-dialog");
  const retry = typeof state === "string" && state.startsWith("TWOFA_NEEDED_RETRY");
  const approve = /\.APP$/.test(state ?? "");
  $("#twofa-text").textContent = approve
    ? "Approve the login in the site's app. This closes by itself once the site accepts it."
    : `${plainState(state.replace("_RETRY", ""))}. Type it to continue.`;
  $("#twofa-retry").hidden = !retry;
  $("#twofa-field").hidden = approve;
  $("#twofa-send").hidden = approve;
  say($(".result", dialog), "");
  const input = $("#twofa-code");
  input.value = "";
  if (!dialog.open) dialog.showModal();
  if (!approve) input.focus();
}

function closeTwoFaDialog() {
  const dialog = $("#twofa-dialog");
  if (dialog.open) dialog.close("done");
}

function setupTwoFaDialog() {
  const dialog = $("#twofa-dialog");
  const form = $("#twofa-form");
  const result = $(".result", form);
  const input = $("#twofa-code");

  dialog.addEventListener("cancel", () => {
    connector.dismissed = connector.request;
  });
  form.addEventListener("submit", (event) => {
    if (event.submitter?.value === "cancel") {
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
    busy(form, async () => {
      const answer = await authed(
        "POST",
        `/v1/accounts/${encodeURIComponent(connector.accountId)}/twofa_code`,
        { json: { code } },
      );
      if (answer.missing) return say(result, UNAVAILABLE, "error");
      if (!answer.ok) return say(result, explain(answer), "error");
      connector.submitted = { request: connector.request, at: Date.now() };
      dialog.close("sent");
      say($(":scope > .result", $("#connectors")), "Code handed to the connector…");
    });
  });
}

// --- Start ------------------------------------------------------------------------------------

setupVerify();
setupRegister();
setupLogin();
setupTotp();
setupConnectors();
renderUser();
pollInbox();
