/**
 * The media types a body may have: JSON everywhere, a form (`application/x-www-form-urlencoded`)
 * only where the endpoint says so. A form is a "simple" cross-origin request that any web page
 * can make a browser send without a CORS preflight, so endpoints that need no form refuse it.
 * Types are matched as RFC 9110 §8.3.1 has them: case-insensitively, with parameters.
 */
import { DomainError } from "../../core/errors.js";
import type { ApiEvent, ApiMiddleware } from "./types.js";

export type MediaKind = "json" | "form";

/** `Application/JSON ; charset=utf-8` → `json`; a type this API does not read → `null`. */
export function mediaKindOf(contentType: string | undefined): MediaKind | null {
  const essence = contentType?.split(";")[0]?.trim().toLowerCase();
  if (!essence) return null;
  if (essence === "application/json" || /^application\/[^/\s]+\+json$/.test(essence)) {
    return "json";
  }
  if (essence === "application/x-www-form-urlencoded") return "form";
  return null;
}

export function contentTypeOf(event: ApiEvent): string | undefined {
  return event.headers?.["content-type"] ?? event.headers?.["Content-Type"];
}

export function hasBody(event: ApiEvent): boolean {
  return typeof event.body === "string" && event.body.length > 0;
}

export function mediaType(options: { form?: boolean } = {}): ApiMiddleware {
  const accepted = options.form ? "Send application/json or a form body." : undefined;
  return {
    name: "mediaType",
    before: ({ event }) => {
      // A bodiless request has no media type to check, whatever Content-Type it names
      // (clients send `Content-Type: application/json` on GETs too; DocSpace's examples do).
      if (!hasBody(event)) return;
      const kind = mediaKindOf(contentTypeOf(event));
      if (kind === "json" || (kind === "form" && options.form)) return;
      throw new DomainError("unsupported_media_type", accepted);
    },
  };
}
