/**
 * A PNG of an HTML report as the headless browser renders it (for the README).
 *
 *   npx tsx scripts/screenshot-report.ts out.html docs/fleet-report.png
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { launchBrowser, openPage } from "../test/helpers/browser.js";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: tsx scripts/screenshot-report.ts REPORT.html OUT.png");
  process.exit(2);
}
const browser = await launchBrowser();
try {
  const { page, errors } = await openPage(browser);
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(pathToFileURL(resolve(input)).href, { waitUntil: "load" });
  await page.screenshot({ path: output as `${string}.png`, fullPage: false });
  if (errors.length > 0) {
    console.error(errors.join("\n"));
    process.exitCode = 1;
  }
} finally {
  await browser.close();
}
