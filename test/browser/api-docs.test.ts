/**
 * The API reference page (`GET /docs`) in Debian's Chromium: Redoc, served from the project's
 * own `node_modules`, renders every operation of `/openapi.json`, and the page asks nothing of
 * any other host.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { PROJECT_ROOT } from "../../infra/local/stack.js";
import { launchChromium } from "./chromium.js";

const RENDER_TIMEOUT_MS = 20_000;
/** Redoc lays out every operation at once; on a busy machine that takes a while. */
const TEST_TIMEOUT_MS = 60_000;

const DOCUMENT = JSON.parse(readFileSync(join(PROJECT_ROOT, "docs", "openapi.json"), "utf8")) as {
  paths: Record<string, Record<string, { operationId: string; summary: string }>>;
};
const OPERATIONS = Object.values(DOCUMENT.paths).flatMap((item) => Object.values(item));

let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe("GET /docs", () => {
  it(
    "renders every operation of the document, with nothing loaded from another host",
    async () => {
      const apiUrl = inject("apiUrl");
      const context = await (browser as Browser).newContext({
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      const isElsewhere = (url: string) =>
        !["data:", "blob:"].includes(new URL(url).protocol) && new URL(url).origin !== apiUrl;
      // Redoc's footer asks for its logo on its CDN; the page's policy must stop that request.
      const blocked: string[] = [];
      const fetchedElsewhere: string[] = [];
      const errors: string[] = [];
      page.on("requestfailed", (request) => {
        if (isElsewhere(request.url())) blocked.push(request.failure()?.errorText ?? "");
      });
      page.on("response", (response) => {
        if (isElsewhere(response.url())) fetchedElsewhere.push(response.url());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      try {
        const response = await page.goto(`${apiUrl}/docs`);
        expect(response?.status()).toBe(200);
        const operations = page.locator('[data-section-id^="operation/"]');
        await operations.first().waitFor({ timeout: RENDER_TIMEOUT_MS });
        expect(await operations.count()).toBe(OPERATIONS.length);
        for (const { operationId, summary } of OPERATIONS) {
          const heading = page.locator(`[data-section-id="operation/${operationId}"] h2`);
          expect((await heading.textContent())?.trim()).toBe(summary);
        }
        expect(fetchedElsewhere).toEqual([]);
        expect(blocked).toEqual(blocked.map(() => "csp"));
        expect(response?.headers()["content-security-policy"]).toContain("default-src 'self'");
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
