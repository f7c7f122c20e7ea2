/** Refuses a body larger than `maxBytes` (413) before anything reads it. */
import { DomainError } from "../../core/errors.js";
import type { ApiEvent, ApiMiddleware } from "./types.js";

/** No request of this API needs more. */
const MAX_BODY_BYTES = 16 * 1024;

function bodySize(event: ApiEvent): number {
  if (typeof event.body !== "string") return 0;
  return event.isBase64Encoded
    ? Math.floor((event.body.length * 3) / 4)
    : Buffer.byteLength(event.body, "utf8");
}

export function bodyLimit(maxBytes = MAX_BODY_BYTES): ApiMiddleware {
  return {
    name: "bodyLimit",
    before: ({ event }) => {
      if (bodySize(event) > maxBytes) {
        throw new DomainError("payload_too_large", `Bodies are limited to ${maxBytes} bytes.`);
      }
    },
  };
}
