/**
 * The service's secret keys for the local stack. In AWS they are SST secrets; here they are
 * generated once per data directory, so that tokens, code hashes and encrypted secrets stored
 * under `.data/` stay readable across restarts.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";

const KEY_NAMES = ["SigningKey", "CodeHashKey", "EncryptionKey", "AdminApiKey"] as const;
/** Added after the first keys files were written: generated into an older file on start. */
const ADDED_LATER: ReadonlySet<KeyName> = new Set(["AdminApiKey"]);
type KeyName = (typeof KEY_NAMES)[number];
export type ServiceKeys = Readonly<Record<KeyName, string>>;

const KEY_BYTES = 32; // 256-bit: HMAC-SHA-256 and AES-256-GCM keys
const KEYS_FILE = "keys.json";

/** Keys from `<dataDir>/keys.json`, created on first use; fresh ones when `dataDir` is null. */
export async function loadOrCreateKeys(dataDir: string | null): Promise<ServiceKeys> {
  if (dataDir === null) return generateKeys();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The directory also holds the database; an existing one may have been made by other tools.
  if (((await stat(dataDir)).mode & 0o077) !== 0) await chmod(dataDir, 0o700);
  const file = join(dataDir, KEYS_FILE);
  const keys = generateKeys();
  try {
    // `wx`: never overwrite keys that data already depends on, even if two starts race.
    await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    return keys;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  // A copied or restored file may have lost its mode; nobody else needs to read it.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const text = await readFile(file, "utf8");
  const missing = [...ADDED_LATER].filter((name) => !text.includes(`"${name}"`));
  if (missing.length === 0) return parseKeys(text, file);
  const completed = { ...(JSON.parse(text) as Record<string, unknown>) };
  for (const name of missing) completed[name] = keys[name];
  const next = parseKeys(JSON.stringify(completed), file);
  await writeFile(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  return next;
}

function generateKeys(): ServiceKeys {
  const entries = KEY_NAMES.map((name) => [name, randomBytes(KEY_BYTES).toString("base64url")]);
  return Object.fromEntries(entries) as ServiceKeys;
}

function parseKeys(text: string, file: string): ServiceKeys {
  // The message names the file and the key, never a value.
  const invalid = (why: string) =>
    new Error(`${file} is not a valid keys file (${why}); move it away to generate new keys.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid("not an object");
  const record = parsed as Record<string, unknown>;
  const keys: Partial<Record<KeyName, string>> = {};
  for (const name of KEY_NAMES) {
    const value = record[name];
    if (
      typeof value !== "string" ||
      !/^[A-Za-z0-9_-]+$/.test(value) ||
      Buffer.from(value, "base64url").length !== KEY_BYTES
    ) {
      throw invalid(`${name} is missing or not ${KEY_BYTES} bytes of base64url`);
    }
    keys[name] = value;
  }
  return keys as ServiceKeys;
}
