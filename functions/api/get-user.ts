/** `GET /v1/user`: the signed-in user. */
import { composeAuthenticate } from "../adapters/compose.js";
import { resources } from "../adapters/config.js";
import { dynamoUserStore } from "../adapters/user-store.js";
import { publicUser, signedInUser } from "../core/users.js";
import { apiHandler } from "./http.js";

const users = dynamoUserStore(resources.tableName());

export const handler = apiHandler({ authenticate: composeAuthenticate() }, async ({ userId }) => {
  const user = await signedInUser(users, userId);
  return { status: 200, body: publicUser(user) };
});
