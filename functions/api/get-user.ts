/** `GET /v1/user`: the signed-in user. */
import { composeAuthenticate } from "../adapters/compose.js";
import { resources } from "../adapters/config.js";
import { dynamoUserStore } from "../adapters/user-store.js";
import { DomainError } from "../core/errors.js";
import { publicUser } from "../core/users.js";
import { apiHandler } from "./http.js";

const users = dynamoUserStore(resources.tableName());

export const handler = apiHandler({ authenticate: composeAuthenticate() }, async ({ userId }) => {
  const user = await users.get(userId);
  if (!user) throw new DomainError("invalid_token", "The user of this token no longer exists.");
  return { status: 200, body: publicUser(user) };
});
