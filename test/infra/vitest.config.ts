/**
 * Runs only the infra tests, without the root config's global setup (which starts the local
 * AWS stack that these tests do not use): `npx vitest run --config test/infra/vitest.config.ts`.
 */
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, "../.."),
    include: ["test/infra/**/*.test.ts"],
    // One process per file: Pulumi's runtime state is global, one SST run per file.
    pool: "forks",
    testTimeout: 30_000,
    // The first run unpacks .sst/platform (about 30 s).
    hookTimeout: 180_000,
  },
});
