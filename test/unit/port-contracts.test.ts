/**
 * Every port's contract against its in-memory fake: the same suites run against DynamoDB Local
 * in `test/integration/port-contracts.test.ts`, so the fakes the unit tests rely on behave as
 * the adapters do.
 */
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
import {
  MemoryAttemptGuard,
  MemoryAuthenticatorAppStore,
  MemoryChallengeStore,
  MemoryCodeStore,
  MemoryDeliveryStore,
  MemoryDeviceStore,
  MemoryPasskeyStore,
  MemoryRateLimiter,
  MemoryRefreshTokens,
  MemorySignInStore,
  MemoryUserStore,
} from "../support/fakes.js";

const FAKE = "in-memory fake";

codeStoreContract(FAKE, () => new MemoryCodeStore());
rateLimiterContract(FAKE, () => new MemoryRateLimiter());
attemptGuardContract(FAKE, () => new MemoryAttemptGuard());
userStoreContract(FAKE, () => {
  const codes = new MemoryCodeStore();
  return { users: new MemoryUserStore(codes), codes };
});
authenticatorAppStoreContract(FAKE, () => {
  const users = new MemoryUserStore();
  return { users, apps: new MemoryAuthenticatorAppStore(users) };
});
signInStoreContract(FAKE, () => {
  const refreshTokens = new MemoryRefreshTokens();
  return { signIns: new MemorySignInStore(refreshTokens), refreshTokens };
});
refreshTokenStoreContract(FAKE, () => new MemoryRefreshTokens());
deliveryStoreContract(FAKE, () => new MemoryDeliveryStore());
deviceStoreContract(FAKE, () => new MemoryDeviceStore());
passkeyStoreContract(FAKE, () => new MemoryPasskeyStore());
challengeStoreContract(FAKE, () => new MemoryChallengeStore());
