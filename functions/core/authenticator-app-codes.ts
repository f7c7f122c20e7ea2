/**
 * The codes of a linked authenticator app, as a second factor: a TOTP code is decided here
 * (the secret opened, the code checked against the replay guard) and accepted by the store's
 * one conditional write that advances the last used step; a backup code is normalized and
 * hashed here and spent by the store's one conditional write on its item.
 */
import type { AuthenticatorAppStore } from "./authenticator-app.js";
import { hashBackupCode, normalizeBackupCode } from "./backup-codes.js";
import { open } from "./crypto.js";
import { isWellFormedOtp, verifyTotp } from "./totp.js";
import type { User } from "./users.js";

/** The AES-GCM context a user's TOTP secret is sealed under (pending and linked alike). */
export function totpSecretContext(userId: string): string {
  return `totp-secret:${userId}`;
}

export interface AuthenticatorAppCodeDeps {
  store: Pick<AuthenticatorAppStore, "advanceTotpStep" | "spendBackupCode">;
  encryptionKey: Uint8Array;
  backupCodeHashKey: Uint8Array;
}

export function isWellFormedTotpCode(code: unknown): boolean {
  return isWellFormedOtp(code);
}

export function isWellFormedBackupCode(code: unknown): boolean {
  return normalizeBackupCode(code) !== null;
}

/**
 * Accepts a TOTP code of the user's linked app at most once: true when the code is right for
 * a step after the last used one and this request's write advanced the step first.
 */
export async function acceptTotpCode(
  deps: AuthenticatorAppCodeDeps,
  user: User,
  code: string,
  nowEpochSeconds: number,
): Promise<boolean> {
  if (!user.totp) return false;
  const secretBase32 = open(deps.encryptionKey, user.totp.sealedSecret, totpSecretContext(user.id));
  const result = await verifyTotp({
    secretBase32,
    code,
    nowEpochSeconds,
    lastUsedStep: user.totp.lastUsedStep,
  });
  if (!result.ok) return false;
  // Another request that accepted this step (or a later one) first makes this one a replay.
  return deps.store.advanceTotpStep(user.id, user.totp.sealedSecret, result.step);
}

/** Spends one unused backup code of the user's linked app; false when none matches. */
export async function spendBackupCode(
  deps: AuthenticatorAppCodeDeps,
  user: User,
  code: string,
  usedAt: string,
): Promise<boolean> {
  const normalized = normalizeBackupCode(code);
  if (!normalized || !user.totp) return false;
  return deps.store.spendBackupCode(
    user.id,
    hashBackupCode(normalized, deps.backupCodeHashKey),
    usedAt,
  );
}
