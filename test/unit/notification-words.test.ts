import { describe, expect, it } from "vitest";
import { inWords } from "../../functions/adapters/templates.js";
import type { DomainEvent } from "../../functions/core/events.js";
import { DEFAULT_TEMPLATES } from "../../functions/core/notifications.js";

const event = (locale: "en" | "fr", data: DomainEvent["data"]): DomainEvent => ({
  id: "evt_1",
  type: "user.tfa.enabled",
  occurredAt: "2026-12-02T12:00:00.000Z",
  locale,
  data,
});

describe("messages name what was turned on in words", () => {
  it("names each method in words, in English and in French", () => {
    expect(inWords(event("en", { method: "totp" })).data.method).toBe("authenticator app");
    expect(inWords(event("en", { method: "tfa_sms" })).data.method).toBe("SMS codes");
    expect(inWords(event("en", { method: "tfa_email" })).data.method).toBe("email codes");
    expect(inWords(event("fr", { method: "totp" })).data.method).toBe(
      "application d'authentification",
    );
    expect(inWords(event("fr", { method: "tfa_sms" })).data.method).toBe("codes par SMS");
  });

  it("names the changed contact in words, and leaves other values as they are", () => {
    const changed = inWords(event("fr", { what: "phone", userId: "usr_1", minutes: 15 }));
    expect(changed.data).toEqual({ what: "numéro de téléphone", userId: "usr_1", minutes: 15 });
    expect(inWords(event("en", { method: "something_new" })).data.method).toBe("something_new");
  });

  it("every template that shows a method or a contact gets words for each locale", () => {
    for (const [type, byLocale] of Object.entries(DEFAULT_TEMPLATES)) {
      for (const [locale, template] of Object.entries(byLocale ?? {})) {
        for (const [name, code] of [
          ["method", "totp"],
          ["what", "phone"],
        ] as const) {
          if (!template.text.includes(`{{${name}}}`)) continue;
          const shown = inWords(event(locale as "en" | "fr", { [name]: code }));
          expect(shown.data[name], `${type} ${locale}`).not.toBe(code);
        }
      }
    }
  });
});
