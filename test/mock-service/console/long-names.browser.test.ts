/**
 * Long names in the console's lists, in a real headless browser: a profile named with 200
 * characters (the wizard's maxlength) and described with 300 must not squash the other columns,
 * whose dates used to wrap a few characters a line ("202 / 7- / 03- / 06 ..."). The dates stay
 * on one line and the name breaks inside its own column.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, type Browser } from "../../helpers/browser.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { signIn } from "./support.js";

// Callbacks run inside the page; the project's typings have no DOM library.
interface Box { height: number; width: number }
declare const document: {
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null; getBoundingClientRect(): Box }>;
  createRange(): { selectNodeContents(node: unknown): void; getClientRects(): ArrayLike<Box> };
};

const AOSP = "/devices/enrollment/android/aosp/corporate-owned-user-associated";

let t: ServiceApp;
let browser: Browser;

beforeAll(async () => {
  t = await startServiceApp();
  await t.admin.createProfile({ displayName: "W".repeat(200), description: "d".repeat(300), enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  await t.admin.createProfile({ displayName: "Short", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("a list with a 200-character name", { timeout: 60_000 }, () => {
  it("keeps each date on one line and the row no wider than the page", async () => {
    const session = await signIn(t);
    const { page, errors } = await openPage(browser);
    const [name, value] = session.cookie.split("=") as [string, string];
    await page.setCookie({ name, value, url: t.url });
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(`${t.url}${AOSP}`);
    // Columns 3 and 5 are Token expiration date and Created; one line box each means no wrap.
    const lines = await page.evaluate(() =>
      Array.from(document.querySelectorAll("main table tbody td:nth-child(3), main table tbody td:nth-child(5)"), (cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return { text: cell.textContent, lines: range.getClientRects().length };
      }),
    );
    expect(lines).toHaveLength(4);
    for (const cell of lines) {
      expect(cell.text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
      expect(cell.lines).toBe(1);
    }
    const widths = await page.evaluate(() => ({
      table: document.querySelectorAll("main table")[0]!.getBoundingClientRect().width,
      wrap: document.querySelectorAll("main .table-wrap")[0]!.getBoundingClientRect().width,
    }));
    // The long name breaks in its column instead of widening the table past the page.
    expect(widths.table).toBeLessThanOrEqual(widths.wrap);
    expect(errors).toEqual([]);
    await page.close();
  });
});
