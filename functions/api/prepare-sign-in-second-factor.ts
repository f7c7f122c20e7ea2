/**
 * `POST /v1/sign_ins/{id}/prepare_second_factor` `{strategy: phone_code | email_code}`: sends a
 * code bound to this sign-in and answers the SignIn.
 */
import { composeSignInPrepareDeps } from "../adapters/compose.js";
import { prepareSignInSecondFactor } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";
import { PrepareRequest } from "./schemas.js";

const deps = composeSignInPrepareDeps();

export const handler = apiHandler(
  { body: PrepareRequest },
  async ({ body, pathParameters, locale, sourceIp }) => ({
    status: 200,
    body: await prepareSignInSecondFactor(deps, pathParameters.id ?? "", {
      strategy: body.strategy,
      locale,
      sourceIp,
    }),
  }),
);
