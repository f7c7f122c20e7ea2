// @ts-check
/**
 * Steps 1 and 2: a verification code sent to a phone or an email, then a registration that
 * proves the contact with it.
 */
import { api, explain } from "./api.js";
import { fillConnectorCredentials } from "./connectors.js";
import { $, busy, field, say, value } from "./dom.js";
import { known, onSignOut } from "./session.js";

export function setupVerify() {
  const form = $("#verify-form", HTMLFormElement);
  const contact = $("#verify-contact", HTMLInputElement);
  const label = $("#verify-contact-label", HTMLLabelElement);
  const result = $(".result", HTMLElement, form);
  const channelOf = () => {
    const channel = form.elements.namedItem("channel");
    return channel instanceof RadioNodeList ? channel.value : "sms";
  };

  form.addEventListener("change", (event) => {
    if (!(event.target instanceof HTMLInputElement) || event.target.name !== "channel") return;
    const sms = event.target.value === "sms";
    label.textContent = sms ? "Phone number (E.164)" : "Email address";
    contact.type = sms ? "tel" : "email";
    contact.autocomplete = sms ? "tel" : "email";
    contact.placeholder = sms ? "+33612345678" : "joe@example.com";
    contact.value = (sms ? known.phoneNumber : known.email) || "";
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const sms = channelOf() === "sms";
    const to = contact.value.trim();
    if (!to) {
      say(result, sms ? "Type a phone number." : "Type an email address.", "error");
      contact.focus();
      return;
    }
    const progress = `Sending a code to ${to}…`;
    busy(
      form,
      async () => {
        const answer = sms
          ? await api("POST", "/v1/phone_verification_codes", { json: { phoneNumber: to } })
          : await api("POST", "/v1/email_verification_codes", { json: { email: to } });
        if (!answer.ok) return say(result, explain(answer), "error");
        say(result, `Code sent to ${to}. Read it in the Inbox and use it to register.`);
        const register = $("#register-form", HTMLFormElement);
        if (sms) {
          known.phoneNumber = to;
          field(register, "phoneNumber").value = to;
          field(register, "authMethod").value = "tfa_sms";
        } else {
          known.email = to;
          field(register, "email").value = to;
          field(register, "authMethod").value = "tfa_email";
        }
      },
      { result, progress },
    );
  });
}

const CONTACT_FIELDS = ["phoneNumber", "phoneVerificationCode", "email", "emailVerificationCode"];

export function setupRegister() {
  const form = $("#register-form", HTMLFormElement);
  const result = $(".result", HTMLElement, form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    /** @type {Record<string, string>} */
    const registration = {
      username: value(form, "username"),
      password: field(form, "password").value,
      authMethod: value(form, "authMethod"),
    };
    for (const name of CONTACT_FIELDS) {
      if (value(form, name)) registration[name] = value(form, name);
    }
    busy(
      form,
      async () => {
        const answer = await api("POST", "/v1/customers", { json: registration });
        if (!answer.ok) return say(result, explain(answer), "error");
        const username = registration.username ?? "";
        say(result, `Registered ${answer.body.username ?? username}. Now log in.`);
        known.username = username;
        known.password = registration.password ?? "";
        const login = $("#login-form", HTMLFormElement);
        field(login, "username").value = username;
        field(login, "password").value = known.password;
        fillConnectorCredentials();
      },
      { result, progress: "Registering…" },
    );
  });

  onSignOut(() => {
    field(form, "password").value = "";
    field(form, "phoneVerificationCode").value = "";
    field(form, "emailVerificationCode").value = "";
  });
}
