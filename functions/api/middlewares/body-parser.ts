/**
 * Parses the body with middy's parsers, as the media-type middleware matched it: a missing body
 * becomes `{}`, JSON and form bodies their values. Runs after `mediaType`, which refused every
 * other type. middy's parsers match the lower-case type without spaces only, so each is shown
 * the type as matched here (`Application/JSON ;charset=utf-8` is JSON); their errors stay
 * middy's, told apart by `cause.package` in error mapping.
 */
import jsonBodyParser from "@middy/http-json-body-parser";
import urlencodeBodyParser from "@middy/http-urlencode-body-parser";
import { contentTypeOf, hasBody, type MediaKind, mediaKindOf } from "./media-type.js";
import type { ApiMiddleware } from "./types.js";

/** A middy parser: only its `before` is used, with this stack's request. */
type Parser = { before?: (request: never) => unknown };

export function bodyParser(): ApiMiddleware {
  const parsers: Record<MediaKind, { type: string; parser: Parser }> = {
    json: { type: "application/json", parser: jsonBodyParser() },
    form: { type: "application/x-www-form-urlencoded", parser: urlencodeBodyParser() },
  };
  return {
    name: "bodyParser",
    before: async (request) => {
      const { event } = request;
      if (!hasBody(event)) {
        event.body = {};
        return;
      }
      const kind = mediaKindOf(contentTypeOf(event));
      if (kind === null) return;
      const { type, parser } = parsers[kind];
      const headers = event.headers;
      const sent = headers["content-type"];
      headers["content-type"] = type;
      try {
        await parser.before?.(request as never);
      } finally {
        if (sent === undefined) delete headers["content-type"];
        else headers["content-type"] = sent;
      }
    },
  };
}
