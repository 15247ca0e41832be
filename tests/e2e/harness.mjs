// Shared by the end-to-end tests: the static server on loopback and Debian's
// Chromium driven by playwright-core (never a downloaded browser).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startServer } from "../../scripts/serve.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const OUTPUT = fileURLToPath(new URL("../output/", import.meta.url));
mkdirSync(OUTPUT, { recursive: true });

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Server + browser + a page on the HCP tab; `close()` tears all down.
 * `onContext` runs before the first navigation (to record every request).
 */
export async function openApp({ onContext, pkgDir } = {}) {
  const server = await startServer({ pkgDir });
  const browser = await launchBrowser();
  const context = await browser.newContext({ acceptDownloads: true });
  await onContext?.(context);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await page.goto(server.url);
  return {
    server,
    browser,
    context,
    page,
    errors,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
