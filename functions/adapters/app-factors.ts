/**
 * Authenticator-app factors on DynamoDB. A TOTP code is accepted by one conditional write that
 * advances the user's last used step (and version, so no stale whole-item write can move it
 * back); a backup code is spent by one conditional write on its own item.
 */
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { totpSecretContext } from "../core/authenticator-app.js";
import { hashBackupCode, normalizeBackupCode } from "../core/backup-codes.js";
import { open } from "../core/crypto.js";
import type { AppFactors } from "../core/second-factor.js";
import { isWellFormedOtp, verifyTotp } from "../core/totp.js";
import type { User } from "../core/users.js";
import { documentClient, isConditionFailure } from "./dynamo.js";
import { userKey } from "./user-store.js";

export function backupCodeKey(userId: string, codeHash: string) {
  return { pk: `USER#${userId}`, sk: `BACKUP#${codeHash}` };
}

export function dynamoAppFactors(
  table: string,
  encryptionKey: Uint8Array,
  hashKey: Uint8Array,
): AppFactors {
  const db = documentClient();
  return {
    isWellFormedTotp: (code) => isWellFormedOtp(code),
    isWellFormedBackupCode: (code) => normalizeBackupCode(code) !== null,

    async verifyTotp(user: User, code: string, now: number) {
      if (!user.totp) return false;
      const secretBase32 = open(encryptionKey, user.totp.sealedSecret, totpSecretContext(user.id));
      const result = await verifyTotp({
        secretBase32,
        code,
        nowEpochSeconds: now,
        lastUsedStep: user.totp.lastUsedStep,
      });
      if (!result.ok) return false;
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: userKey(user.id),
            UpdateExpression: "SET totp.lastUsedStep = :step, version = version + :one",
            ConditionExpression:
              "attribute_exists(totp) AND totp.sealedSecret = :secret AND (attribute_type(totp.lastUsedStep, :null) OR totp.lastUsedStep < :step)",
            ExpressionAttributeValues: {
              ":step": result.step,
              ":one": 1,
              ":secret": user.totp.sealedSecret,
              ":null": "NULL",
            },
          }),
        );
        return true;
      } catch (error) {
        // Another request accepted this step (or a later one) first: a replay.
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async useBackupCode(user: User, code: string) {
      const normalized = normalizeBackupCode(code);
      if (!normalized || !user.totp) return false;
      try {
        await db.send(
          new UpdateCommand({
            TableName: table,
            Key: backupCodeKey(user.id, hashBackupCode(normalized, hashKey)),
            UpdateExpression: "SET usedAt = :now",
            ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(usedAt)",
            ExpressionAttributeValues: { ":now": new Date().toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async hasBackupCodes(user: User) {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          FilterExpression: "attribute_not_exists(usedAt)",
          ExpressionAttributeValues: { ":pk": `USER#${user.id}`, ":prefix": "BACKUP#" },
        }),
      );
      return Items.length > 0;
    },
  };
}
