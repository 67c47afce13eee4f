// A real headless Chromium for tests that check browser-facing artifacts (HTML reports, pages
// served by the mock service). The browser ships inside a registry package (@sparticuz/chromium,
// a brotli-packed Chromium unpacked to the temp folder on first use) and is driven by
// puppeteer-core, so a clean `npm ci` is all a machine needs: nothing is downloaded at test time.
import { createRequire } from "node:module";
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

/** axe-core's script, evaluated in a page to scan it. */
const AXE_SOURCE = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

// Callbacks run inside the page; the project's typings have no DOM library.
declare const document: unknown;
declare const window: Record<string, unknown>;

/** The serious and critical violations axe-core finds on the page as it stands. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = window.axe as { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> };
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}

/**
 * Clicks something that loads a new page, and waits for it. Live pages (the device list) replace
 * their rows as data arrives, so the element found can be detached before the click lands: then
 * it is found again. Puppeteer says so in two ways: "detached", or, when the row was replaced
 * between finding the element and reading its box, "not clickable or not an Element".
 */
export async function followLink(page: Page, selector: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
      return;
    } catch (error) {
      if (attempt >= 5 || !/detached|not clickable or not an Element/i.test(String(error))) throw error;
    }
  }
}
