/** Request body schemas shared by several handlers (valibot: ~5 KB on a cold start). */
import * as v from "valibot";

/** A bounded string: nothing in this API needs more than a few hundred characters. */
export const text = (max = 256) =>
  v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(max));
