/** `POST /v1/email_verification_codes {email}` → 204; the code goes by email only. */
import * as v from "valibot";
import { composeCodeDeps } from "../adapters/compose.js";
import { requestEmailVerificationCode } from "../core/contact-verification.js";
import { apiHandler } from "./http.js";
import { text } from "./schemas.js";

const deps = composeCodeDeps();

export const handler = apiHandler(
  { body: v.object({ email: text(254) }) },
  async ({ body, locale, sourceIp }) => {
    await requestEmailVerificationCode(deps, { email: body.email, locale, sourceIp });
    return { status: 204 };
  },
);
