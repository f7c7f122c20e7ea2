/** `GET /v1/sign_ins/{id}`: the SignIn (never its tokens). */
import { resources } from "../adapters/config.js";
import { dynamoSignInStore } from "../adapters/sign-in-store.js";
import { systemClock } from "../adapters/system.js";
import { getSignIn } from "../core/sign-ins.js";
import { apiHandler } from "./http.js";

const deps = { signIns: dynamoSignInStore(resources.tableName()), clock: systemClock };

export const handler = apiHandler({}, async ({ pathParameters }) => ({
  status: 200,
  body: await getSignIn(deps, pathParameters.id ?? ""),
}));
