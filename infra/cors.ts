/**
 * Cross-origin access to the API: none unless `CORS_ALLOWED_ORIGINS` names origins at deploy
 * time (or when `npm start` runs), then exactly those. API Gateway's CORS configuration
 * (infra/gateway.ts) and the local API server (infra/local/api-server.ts) both read it here.
 * Bearer tokens travel in a header, never in cookies, so credentials are not allowed.
 */

export interface CorsConfig {
  readonly allowOrigins: readonly string[];
  readonly allowMethods: readonly ("GET" | "POST" | "PUT" | "PATCH" | "DELETE")[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
}

/** `https://app.example.com,http://localhost:5173`: comma-separated origins, no wildcard. */
export function corsConfig(env: Record<string, string | undefined>): CorsConfig | null {
  const entries = (env.CORS_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  for (const entry of entries) {
    if (!isOrigin(entry)) {
      throw new Error(
        `CORS_ALLOWED_ORIGINS: "${entry}" is not an origin such as https://app.example.com`,
      );
    }
  }
  return {
    allowOrigins: [...new Set(entries)],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: ["authorization", "content-type", "accept-language", "x-otp", "x-device-token"],
    exposeHeaders: [
      "x-otp",
      "www-authenticate",
      "retry-after",
      "location",
      "x-delivery-id",
      "x-verification-id",
    ],
    maxAgeSeconds: 600,
  };
}

/** A serialized origin: scheme, host and port only, as a browser sends it in `Origin`. */
function isOrigin(entry: string): boolean {
  try {
    const url = new URL(entry);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === entry;
  } catch {
    return false;
  }
}
