/**
 * `POST /v1/token`: the OAuth2 token endpoint (form-encoded or JSON). The OTP may come as the
 * `otp` field or the `X-OTP` header; a remembered device's token as `device_token` or the
 * `X-Device-Token` header, and `remember_device=true` with the OTP asks for one.
 */
import { composeTokenDeps } from "../adapters/compose.js";
import { DomainError } from "../core/errors.js";
import { passwordGrant, refreshGrant, requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";
import { flagSet, TokenRequest } from "./schemas.js";

const deps = composeTokenDeps();

function required(value: string | undefined, field: string): string {
  if (value === undefined) {
    throw new DomainError("invalid_request", `${field} is required for this grant.`, { field });
  }
  return value;
}

export const handler = apiHandler(
  { body: TokenRequest, acceptForm: true },
  async ({ body, headers, locale, sourceIp, userAgent }) => {
    if (body.grant_type === "password") {
      const otp = body.otp ?? headers["x-otp"];
      const deviceToken = body.device_token ?? headers["x-device-token"];
      const tokens = await passwordGrant(deps, {
        username: required(body.username, "username"),
        password: required(body.password, "password"),
        ...(otp === undefined ? {} : { otp }),
        ...(deviceToken === undefined ? {} : { deviceToken }),
        rememberDevice: flagSet(body.remember_device),
        locale,
        sourceIp,
        userAgent,
      });
      return { status: 200, body: tokens };
    }
    if (body.grant_type === "refresh_token") {
      return {
        status: 200,
        body: await refreshGrant(
          deps,
          required(body.refresh_token, "refresh_token"),
          requestSource({ sourceIp, userAgent }),
        ),
      };
    }
    throw new DomainError("unsupported_grant_type", "Supported grants: password, refresh_token.", {
      field: "grant_type",
    });
  },
);
