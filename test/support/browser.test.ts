import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, type Browser } from "../helpers/browser.js";

// The browser every HTML test relies on: if this fails, the others' failures are about the
// browser, not about the pages they check.
describe("the headless browser used by the HTML tests", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => browser?.close());

  it("runs a page's scripts and reports its errors", async () => {
    const { page, errors } = await openPage(browser);
    await page.setContent(
      "<p id=out></p><script>document.getElementById('out').textContent = String(6 * 7); throw new Error('boom');</script>",
    );
    expect(await page.$eval("#out", (el) => el.textContent)).toBe("42");
    expect(errors.join("\n")).toContain("boom");
  });
});
