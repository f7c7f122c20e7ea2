/**
 * `POST /v1/logout` (RFC 7009 token revocation, form-encoded or JSON) `{token,
 * token_type_hint?}`: ends the session of a refresh token (or of an access token). The answer is
 * 200 whatever the token: an unknown or already revoked one reveals nothing.
 */
import { composeLogoutDeps } from "../adapters/compose.js";
import { logout } from "../core/sessions.js";
import { requestSource } from "../core/tokens.js";
import { apiHandler } from "./http.js";
import { LogoutRequest } from "./schemas.js";

const deps = composeLogoutDeps();

export const handler = apiHandler(
  { body: LogoutRequest, acceptForm: true },
  async ({ body, sourceIp, userAgent }) => {
    await logout(deps, {
      token: body.token,
      ...(body.token_type_hint === undefined ? {} : { tokenTypeHint: body.token_type_hint }),
      source: requestSource({ sourceIp, userAgent }),
    });
    return { status: 200 };
  },
);
