/**
 * Every port's contract against its DynamoDB adapter on DynamoDB Local: the same suites run
 * against the in-memory fakes in `test/unit/port-contracts.test.ts`.
 */
import { beforeAll, inject } from "vitest";
import { dynamoAttemptGuard } from "../../functions/adapters/attempt-guard.js";
import { dynamoAuthenticatorAppStore } from "../../functions/adapters/authenticator-app-store.js";
import { dynamoCodeStore } from "../../functions/adapters/code-store.js";
import { dynamoDeliveryStore } from "../../functions/adapters/delivery-store.js";
import { dynamoDeviceStore } from "../../functions/adapters/device-store.js";
import {
  dynamoChallengeStore,
  dynamoPasskeyStore,
} from "../../functions/adapters/passkey-store.js";
import { dynamoRateLimiter } from "../../functions/adapters/rate-limiter.js";
import { dynamoSignInStore } from "../../functions/adapters/sign-in-store.js";
import { dynamoRefreshTokenStore } from "../../functions/adapters/token-store.js";
import { dynamoUserStore } from "../../functions/adapters/user-store.js";
import { attemptGuardContract } from "../support/contracts/attempt-guard.js";
import { authenticatorAppStoreContract } from "../support/contracts/authenticator-app-store.js";
import { codeStoreContract } from "../support/contracts/code-store.js";
import { deliveryStoreContract } from "../support/contracts/delivery-store.js";
import { deviceStoreContract } from "../support/contracts/device-store.js";
import {
  challengeStoreContract,
  passkeyStoreContract,
} from "../support/contracts/passkey-store.js";
import { rateLimiterContract } from "../support/contracts/rate-limiter.js";
import { refreshTokenStoreContract } from "../support/contracts/refresh-token-store.js";
import { signInStoreContract } from "../support/contracts/sign-in-store.js";
import { userStoreContract } from "../support/contracts/user-store.js";
import { useLocalAwsEnvironment } from "../support/local.js";

let table = "";
beforeAll(() => {
  useLocalAwsEnvironment();
  table = inject("tableName");
});

const DYNAMO = "DynamoDB adapter";

codeStoreContract(DYNAMO, () => dynamoCodeStore(table));
rateLimiterContract(DYNAMO, () => dynamoRateLimiter(table));
attemptGuardContract(DYNAMO, () => dynamoAttemptGuard(table));
userStoreContract(DYNAMO, () => ({ users: dynamoUserStore(table), codes: dynamoCodeStore(table) }));
authenticatorAppStoreContract(DYNAMO, () => ({
  users: dynamoUserStore(table),
  apps: dynamoAuthenticatorAppStore(table),
}));
signInStoreContract(DYNAMO, () => ({
  signIns: dynamoSignInStore(table),
  refreshTokens: dynamoRefreshTokenStore(table),
}));
refreshTokenStoreContract(DYNAMO, () => dynamoRefreshTokenStore(table));
deliveryStoreContract(DYNAMO, () => dynamoDeliveryStore(table));
deviceStoreContract(DYNAMO, () => dynamoDeviceStore(table));
passkeyStoreContract(DYNAMO, () => dynamoPasskeyStore(table));
challengeStoreContract(DYNAMO, () => dynamoChallengeStore(table));
