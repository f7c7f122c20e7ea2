/**
 * Remembered devices, one item each in their user's partition (`USER#<id> / DEVICE#<id>`)
 * holding the token's keyed hash, never the token. A login has already found its user by the
 * password, so one strongly consistent query of that partition finds the device: a token of
 * another user's is never looked at. `expiresAt` is checked in core and in the use's condition,
 * never left to TTL deletion; it is also the item's TTL attribute, so a device goes once it no
 * longer works.
 */
import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DeviceStore, RememberedDevice } from "../core/devices.js";
import type { RequestSource } from "../core/events.js";
import { documentClient, writeIfConditionHolds } from "./dynamo.js";
import { deviceKey, devicesQuery } from "./keys.js";

function sourceOf(value: unknown): RequestSource {
  const item = (value ?? {}) as Record<string, unknown>;
  return {
    ...(typeof item.ip === "string" ? { ip: item.ip } : {}),
    ...(typeof item.userAgent === "string" ? { userAgent: item.userAgent } : {}),
  };
}

function toDevice(item: Record<string, unknown>): RememberedDevice {
  return {
    id: String(item.id),
    userId: String(item.userId),
    tokenHash: String(item.tokenHash),
    createdAtEpochSeconds: Number(item.createdAt),
    createdFrom: sourceOf(item.createdFrom),
    lastUsedAtEpochSeconds: Number(item.lastUsedAt ?? item.createdAt),
    lastUsedFrom: sourceOf(item.lastUsedFrom ?? item.createdFrom),
    expiresAtEpochSeconds: Number(item.expiresAt),
  };
}

export function dynamoDeviceStore(table: string): DeviceStore {
  const db = documentClient();

  async function query(userId: string, tokenHash?: string): Promise<RememberedDevice[]> {
    const devices: RememberedDevice[] = [];
    const { KeyConditionExpression, ExpressionAttributeValues } = devicesQuery(userId);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression,
          ExpressionAttributeValues: {
            ...ExpressionAttributeValues,
            ...(tokenHash === undefined ? {} : { ":hash": tokenHash }),
          },
          ...(tokenHash === undefined ? {} : { FilterExpression: "tokenHash = :hash" }),
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) devices.push(toDevice(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return devices;
  }

  return {
    async create(device) {
      await db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...deviceKey(device.userId, device.id),
            id: device.id,
            userId: device.userId,
            tokenHash: device.tokenHash,
            createdAt: device.createdAtEpochSeconds,
            createdFrom: device.createdFrom,
            lastUsedAt: device.lastUsedAtEpochSeconds,
            lastUsedFrom: device.lastUsedFrom,
            expiresAt: device.expiresAtEpochSeconds,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    list(userId) {
      return query(userId);
    },

    async findByTokenHash(userId, tokenHash) {
      return (await query(userId, tokenHash))[0] ?? null;
    },

    touch(userId, deviceId, now, source) {
      return writeIfConditionHolds(() =>
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: deviceKey(userId, deviceId),
            UpdateExpression: "SET lastUsedAt = :now, lastUsedFrom = :from",
            ConditionExpression: "attribute_exists(pk) AND expiresAt > :now",
            ExpressionAttributeValues: { ":now": now, ":from": source },
          }),
        ),
      );
    },

    remove(userId, deviceId) {
      return writeIfConditionHolds(() =>
        db.send(
          new DeleteCommand({
            TableName: table,
            Key: deviceKey(userId, deviceId),
            ConditionExpression: "attribute_exists(pk)",
          }),
        ),
      );
    },
  };
}
