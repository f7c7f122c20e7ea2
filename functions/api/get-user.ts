/** `GET /v1/user`: the signed-in user. */
import { composeSignedInUser } from "../adapters/compose.js";
import { publicUser } from "../core/users.js";
import { apiHandler } from "./http.js";

export const handler = apiHandler({ authenticate: composeSignedInUser() }, async ({ user }) => ({
  status: 200,
  body: publicUser(user),
}));
