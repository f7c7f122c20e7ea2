/**
 * The test tiers, each a vitest project that says what it needs (`--project <name>` runs one):
 *
 * - `unit`: core with in-memory fakes, and pure adapter logic; no local stack, no Java.
 * - `integration`: adapters against the local stack's services (DynamoDB Local, SNS, SES, …).
 * - `api`: HTTP against the local API server.
 * - `browser`: the Home page in Chromium against the local server.
 * - `infra`: SST's components under Pulumi mocks; no local stack.
 *
 * The three tiers that need the local stack share one, started by their global setup.
 */
import { defineConfig } from "vitest/config";

const LOCAL_STACK = ["test/support/global-setup.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: LOCAL_STACK,
        },
      },
      {
        extends: true,
        test: { name: "api", include: ["test/api/**/*.test.ts"], globalSetup: LOCAL_STACK },
      },
      {
        extends: true,
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], globalSetup: LOCAL_STACK },
      },
      {
        extends: true,
        // The first run unpacks .sst/platform (about 30 s).
        test: { name: "infra", include: ["test/infra/**/*.test.ts"], hookTimeout: 180_000 },
      },
    ],
  },
});
