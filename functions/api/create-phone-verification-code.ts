/** `POST /v1/phone_verification_codes {phoneNumber}` → 204; the code goes by SMS only. */
// Every request here parses a phone number: the library core imports on first use is read at
// the cold start instead, so that the first request does not pay for it.
import "../core/phone-library.js";
import { composeCodeDeps } from "../adapters/compose.js";
import { requestPhoneVerificationCode } from "../core/contact-verification.js";
import { apiHandler } from "./http.js";
import { PhoneVerificationCodeRequest } from "./schemas.js";

const deps = composeCodeDeps();

export const handler = apiHandler(
  { body: PhoneVerificationCodeRequest },
  async ({ body, locale, sourceIp }) => {
    const { deliveryId, verificationId } = await requestPhoneVerificationCode(deps, {
      phoneNumber: body.phoneNumber,
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
