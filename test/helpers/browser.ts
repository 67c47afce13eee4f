// A real headless Chromium for tests that check browser-facing artifacts (HTML reports, pages
// served by the mock service). The browser ships inside a registry package (@sparticuz/chromium,
// a brotli-packed Chromium unpacked to the temp folder on first use) and is driven by
// puppeteer-core, so a clean `npm ci` is all a machine needs: nothing is downloaded at test time.
import chromium from "@sparticuz/chromium";
import puppeteer, { type Browser, type Page } from "puppeteer-core";

export type { Browser, Page };

/** Starts a headless browser. Close it in afterAll (launching costs about a second). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  return puppeteer.launch({
    executablePath,
    args: chromium.args,
    headless: true,
    // The tests own the viewport; a console-sized window unless a test says otherwise.
    defaultViewport: { width: 1280, height: 900 },
  });
}

/**
 * Opens a page and collects what the page itself reports as broken: uncaught exceptions and
 * console errors. A test asserts `errors` is empty after its checks, so a chart that throws is a
 * failure even when the DOM looks right.
 */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`page error: ${err instanceof Error ? err.message : String(err)}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console error: ${msg.text()}`);
  });
  return { page, errors };
}
