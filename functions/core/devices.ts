/**
 * Remembered devices: after a completed second factor, a client may ask for a device token. A
 * later password login that presents it skips the second factor, never the password and its
 * limits. A token is 256 random bits, stored only as a keyed hash, bound to its user, and lives
 * `days` days (0 turns the feature off: nothing is issued and presented tokens are ignored).
 *
 * A token that is malformed, unknown, expired, another user's or forgotten is ignored alike:
 * the login asks for the second factor as if none had been presented. A device token stands in
 * for the factor of the user's method (SMS, email or app code), under that factor's lockout: a
 * locked user is locked on every device, and a factor disabled by the lockout's hard cap is not
 * skipped either. A passkey is never skipped: a user who has one gets no device token and any
 * token they present is ignored, since a bearer token in a browser's storage would otherwise
 * stand in for a phishing-resistant factor. Changing the password or a factor (adding a passkey
 * included) forgets every device of the user.
 */
import { keyedHash, randomId } from "./crypto.js";
import { DomainError } from "./errors.js";
import type { EventPublisher, RequestSource } from "./events.js";
import type { AttemptGuard } from "./lockout.js";
import type { PasskeyStore } from "./passkeys.js";
import type { LockoutPolicy } from "./policy.js";
import { type Clock, nowEpochSeconds, type Random } from "./ports.js";
import { isoSeconds, logOnlyEvent, shownSource } from "./security-log.js";
import type { User } from "./users.js";

const DEVICE_TOKEN_BYTES = 32;
const DEVICE_TOKEN_PREFIX = "dvt_";
/** `dvt_` + 256 random bits in base64url (43 characters). */
const DEVICE_TOKEN_PATTERN = /^dvt_[A-Za-z0-9_-]{43}$/;
const DEVICE_ID_PATTERN = /^dev_[A-Za-z0-9_-]{22}$/;
const SECONDS_PER_DAY = 86_400;

/** A remembered device as stored: the token's keyed hash, never the token. */
export interface RememberedDevice {
  id: string;
  userId: string;
  tokenHash: string;
  createdAtEpochSeconds: number;
  createdFrom: RequestSource;
  lastUsedAtEpochSeconds: number;
  lastUsedFrom: RequestSource;
  expiresAtEpochSeconds: number;
}

export interface DeviceStore {
  create(device: RememberedDevice): Promise<void>;
  /** Every device of the user still stored (expired ones included until TTL deletion). */
  list(userId: string): Promise<RememberedDevice[]>;
  /** The user's device with this token hash; null when the user has none. */
  findByTokenHash(userId: string, tokenHash: string): Promise<RememberedDevice | null>;
  /** Records a use, if the device is still stored and before its end; false otherwise. */
  touch(userId: string, deviceId: string, now: number, source: RequestSource): Promise<boolean>;
  /** Forgets the device; true when this call removed it. */
  remove(userId: string, deviceId: string): Promise<boolean>;
}

/** The store and how long a device is remembered (0: not at all). */
export interface DeviceSettings {
  store: DeviceStore;
  days: number;
}

/** What remembering and forgetting devices needs. */
export interface DeviceDeps {
  clock: Clock;
  random: Random;
  events: EventPublisher;
  devices: DeviceSettings;
}

/** The user's passkeys, where the caller knows them: a user who has one is never skipped. */
interface PasskeyCheck {
  passkeys?: Pick<PasskeyStore, "list"> | undefined;
}

async function hasPasskey(deps: PasskeyCheck, userId: string): Promise<boolean> {
  return deps.passkeys !== undefined && (await deps.passkeys.list(userId)).length > 0;
}

/** The factor a device token stands in for: the one the user's method asks for, if any. */
function skippedFactor(user: Pick<User, "authMethod">): string | null {
  switch (user.authMethod) {
    case "tfa_sms":
      return "phone_code";
    case "tfa_email":
      return "email_code";
    case "totp":
      return "totp";
    case "simple":
      return null;
  }
}

/** The device token a client keeps, and how long it lasts. */
export interface IssuedDeviceToken {
  token: string;
  expiresIn: number;
}

/** A remembered device as its user sees it. */
export interface PublicDevice {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  createdFrom: { ip: string | null; userAgent: string | null };
  lastUsedFrom: { ip: string | null; userAgent: string | null };
}

export function deviceTokenHash(hashKey: Uint8Array, token: string): string {
  return keyedHash(hashKey, "device_token", token);
}

/**
 * Remembers the device a second factor was just completed on: its token, shown this once; null
 * when the feature is off or the user has a passkey.
 */
export async function rememberDevice(
  deps: DeviceDeps & PasskeyCheck & { hashKey: Uint8Array },
  userId: string,
  source: RequestSource = {},
): Promise<IssuedDeviceToken | null> {
  const lifetime = deps.devices.days * SECONDS_PER_DAY;
  if (lifetime <= 0 || (await hasPasskey(deps, userId))) return null;
  const token =
    DEVICE_TOKEN_PREFIX + Buffer.from(deps.random.bytes(DEVICE_TOKEN_BYTES)).toString("base64url");
  const now = nowEpochSeconds(deps.clock);
  const device: RememberedDevice = {
    id: randomId(deps.random, "dev_"),
    userId,
    tokenHash: deviceTokenHash(deps.hashKey, token),
    createdAtEpochSeconds: now,
    createdFrom: source,
    lastUsedAtEpochSeconds: now,
    lastUsedFrom: source,
    expiresAtEpochSeconds: now + lifetime,
  };
  await deps.devices.store.create(device);
  await deps.events.publish(
    logOnlyEvent(
      deps,
      "user.device.remembered",
      { userId, source },
      { userId, deviceId: device.id },
    ),
  );
  return { token, expiresIn: lifetime };
}

/**
 * Whether `token` lets this user skip the second factor: a live device of theirs, the feature
 * on, a user with a second-factor method and no passkey, that method's factor neither locked
 * nor disabled. The device, the lockout and the passkeys are read at once; the use is recorded
 * by a conditional write, so a device forgotten meanwhile does not skip. Every other case
 * answers false, and says nothing of why.
 */
export async function deviceSkipsSecondFactor(
  deps: Pick<DeviceDeps, "clock" | "devices"> &
    PasskeyCheck & {
      hashKey: Uint8Array;
      guard: Pick<AttemptGuard, "lockedFor">;
      lockout: LockoutPolicy;
    },
  user: Pick<User, "id" | "authMethod">,
  token: string | undefined,
  source: RequestSource = {},
): Promise<boolean> {
  const factor = skippedFactor(user);
  if (
    deps.devices.days <= 0 ||
    factor === null ||
    token === undefined ||
    !DEVICE_TOKEN_PATTERN.test(token)
  ) {
    return false;
  }
  const now = nowEpochSeconds(deps.clock);
  const [device, lockedFor, passkey] = await Promise.all([
    deps.devices.store.findByTokenHash(user.id, deviceTokenHash(deps.hashKey, token)),
    deps.guard.lockedFor(user.id, now, deps.lockout, factor),
    hasPasskey(deps, user.id),
  ]);
  if (!device || device.userId !== user.id || device.expiresAtEpochSeconds <= now) return false;
  // A locked user is locked on every device; a passkey is never skipped.
  if (lockedFor > 0 || passkey) return false;
  return deps.devices.store.touch(user.id, device.id, now, source);
}

/** `GET /v1/user/devices`: the user's remembered devices, most recently used first. */
export async function listDevices(
  deps: Pick<DeviceDeps, "clock" | "devices">,
  userId: string,
): Promise<PublicDevice[]> {
  const now = nowEpochSeconds(deps.clock);
  const devices = await deps.devices.store.list(userId);
  return devices
    .filter((device) => device.expiresAtEpochSeconds > now)
    .sort((a, b) => b.lastUsedAtEpochSeconds - a.lastUsedAtEpochSeconds)
    .map((device) => ({
      id: device.id,
      createdAt: isoSeconds(device.createdAtEpochSeconds),
      lastUsedAt: isoSeconds(device.lastUsedAtEpochSeconds),
      expiresAt: isoSeconds(device.expiresAtEpochSeconds),
      createdFrom: shownSource(device.createdFrom),
      lastUsedFrom: shownSource(device.lastUsedFrom),
    }));
}

/** `DELETE /v1/user/devices/{id}`: forgets one of the user's devices; 404 otherwise. */
export async function forgetDevice(
  deps: DeviceDeps,
  userId: string,
  deviceId: string,
  source: RequestSource = {},
): Promise<void> {
  if (!DEVICE_ID_PATTERN.test(deviceId) || !(await deps.devices.store.remove(userId, deviceId))) {
    throw new DomainError("not_found", "No such device.");
  }
  await deps.events.publish(
    logOnlyEvent(deps, "user.device.forgotten", { userId, source }, { userId, deviceId }),
  );
}

/**
 * Forgets every device of the user (`DELETE /v1/user/devices`, a password or factor change, an
 * administrator's reset): each of their logins asks for the second factor again. Answers how
 * many devices it forgot.
 */
export async function forgetDevices(
  deps: DeviceDeps,
  userId: string,
  source: RequestSource = {},
): Promise<number> {
  const devices = await deps.devices.store.list(userId);
  let forgotten = 0;
  for (const device of devices) {
    if (!(await deps.devices.store.remove(userId, device.id))) continue;
    forgotten += 1;
    await deps.events.publish(
      logOnlyEvent(
        deps,
        "user.device.forgotten",
        { userId, source },
        { userId, deviceId: device.id },
      ),
    );
  }
  return forgotten;
}
