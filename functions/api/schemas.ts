/** Request body schemas shared by several handlers (valibot: ~5 KB on a cold start). */
import * as v from "valibot";
import { normalizeUsername } from "../core/users.js";

/** A bounded string: nothing in this API needs more than a few hundred characters. */
export const text = (max = 256) =>
  v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(max));

/**
 * A username as sent, bounded before and after normalization: NFKC turns some single
 * characters into many (U+FDFA into 18), and the normalized name keys rate limits and lookups
 * whose DynamoDB keys are bounded too.
 */
export const username = (max = 256) =>
  v.pipe(
    text(max),
    v.check(
      (value) => normalizeUsername(value).length <= max,
      `must have at most ${max} characters once normalized (NFKC)`,
    ),
  );
