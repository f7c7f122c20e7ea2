/** `POST /v1/email_verification_codes {email}` → 204; the code goes by email only. */
import { composeCodeDeps } from "../adapters/compose.js";
import { requestEmailVerificationCode } from "../core/contact-verification.js";
import { apiHandler } from "./http.js";
import { EmailVerificationCodeRequest } from "./schemas.js";

const deps = composeCodeDeps();

export const handler = apiHandler(
  { body: EmailVerificationCodeRequest },
  async ({ body, locale, sourceIp }) => {
    const { deliveryId, verificationId } = await requestEmailVerificationCode(deps, {
      email: body.email,
      locale,
      sourceIp,
    });
    // The code itself is never returned; its delivery can be followed at /v1/deliveries/{id}.
    // The handle goes to the requester alone: sent back with the code, it spends that code's
    // own checks, which strangers guessing without it cannot reach.
    return {
      status: 204,
      headers: { "x-delivery-id": deliveryId, "x-verification-id": verificationId },
    };
  },
);
