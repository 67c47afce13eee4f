/**
 * Long names in the console's lists, in a real headless browser: a profile named with 200
 * characters (the wizard's maxlength) and described with 300 must not squash the other columns,
 * whose dates used to wrap a few characters a line ("202 / 7- / 03- / 06 ..."). The dates stay
 * on one line and the name breaks inside its own column. And no page is wider than the window,
 * from a phone's 390 pixels to 1920: a long name without spaces used to push the profile's page
 * (its heading and breadcrumbs), a policy form (a group's checkbox label) and Troubleshooting (a
 * table's caption) thousands of pixels sideways at every width, and below 900 pixels the one
 * column grew to the device list's table instead of letting it scroll in its wrap.
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
  documentElement: { scrollWidth: number };
};
declare const window: { innerWidth: number };

const AOSP = "/devices/enrollment/android/aosp/corporate-owned-user-associated";

let t: ServiceApp;
let browser: Browser;
let longProfileId: string;
const LONG_UPN = `${"a".repeat(64)}@${"b".repeat(40)}.example`;

beforeAll(async () => {
  t = await startServiceApp();
  longProfileId = (await t.admin.createProfile({ displayName: "W".repeat(200), description: "d".repeat(300), enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" })).id;
  await t.admin.createGroup({ displayName: "G".repeat(256), mailEnabled: false, mailNickname: "long", securityEnabled: true });
  await t.admin.createUser({ displayName: "U".repeat(256), userPrincipalName: LONG_UPN, password: "Corr3ct-Horse" });
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

describe("pages with long names, from 390 to 1920 pixels wide", { timeout: 120_000 }, () => {
  it("are never wider than the window: long names break inside their box", async () => {
    const session = await signIn(t);
    const { page, errors } = await openPage(browser);
    const [name, value] = session.cookie.split("=") as [string, string];
    await page.setCookie({ name, value, url: t.url });
    const paths = [
      `${AOSP}/${longProfileId}`,
      `${AOSP}/${longProfileId}/token`,
      "/devices/compliance/create",
      "/devices/configuration/create",
      "/tenant-admin/terms-and-conditions/create",
      `/troubleshooting?user=${encodeURIComponent(LONG_UPN)}`,
      "/users",
      "/groups",
      "/devices",
    ];
    const wider: string[] = [];
    for (const width of [390, 800, 1920]) {
      await page.setViewport({ width, height: 900 });
      for (const path of paths) {
        await page.goto(`${t.url}${path}`);
        const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (over > 0) wider.push(`${path} at ${width}: ${over} px too wide`);
      }
    }
    expect(wider).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
