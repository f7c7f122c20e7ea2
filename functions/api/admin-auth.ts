/**
 * The admin API's key check: `X-Admin-Api-Key` against the `AdminApiKey` secret, compared in
 * constant time (both sides hashed first, so neither length nor content leaks through timing).
 * A missing or wrong key is 401 `invalid_admin_key`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { resources } from "../adapters/config.js";
import { DomainError } from "../core/errors.js";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function adminKeyCheck(): (headers: Record<string, string | undefined>) => void {
  const expected = digest(resources.adminApiKey());
  return (headers) => {
    const presented = headers["x-admin-api-key"] ?? "";
    if (presented === "" || !timingSafeEqual(digest(presented), expected)) {
      throw new DomainError("invalid_admin_key");
    }
  };
}
