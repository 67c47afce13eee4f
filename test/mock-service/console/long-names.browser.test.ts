/**
 * Long names in the console's lists, in a real headless browser: a profile named with 200
 * characters (the limit of a profile's name) and described with 300 must not squash the other columns,
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

/** A new page of the browser, signed in to the console. */
async function signedInPage() {
  const session = await signIn(t);
  const opened = await openPage(browser);
  const [name, value] = session.cookie.split("=") as [string, string];
  await opened.page.setCookie({ name, value, url: t.url });
  return opened;
}

describe("a list with a 200-character name", { timeout: 60_000 }, () => {
  it("keeps each date on one line and the row no wider than the page", async () => {
    const { page, errors } = await signedInPage();
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
    const { page, errors } = await signedInPage();
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

// Before, every Name box had the limit as its `maxlength`, so a name pasted past it was cut to
// 200 or 256 characters in silence: the profile's name was no longer the one the admin noted for
// the dynamic group's rule (the seed: "Note the name down for later"). Intune's admin center
// keeps what was typed and says the limit; so do the forms now, refused by the service.
describe("a name pasted past its limit, in a real browser", { timeout: 120_000 }, () => {
  it("is kept whole, and refused at its field with the limit and how long it is", async () => {
    const { page, errors } = await signedInPage();
    const forms = [
      [`${AOSP}/create`, "Name", 200],
      ["/groups/new", "Group name", 256],
      ["/devices/configuration/create", "Name", 256],
      ["/devices/compliance/create", "Name", 256],
      ["/tenant-admin/terms-and-conditions/create", "Name", 256],
    ] as const;
    for (const [path, label, limit] of forms) {
      await page.goto(`${t.url}${path}`);
      // A group's rule is asked for first; an assigned group needs none.
      if (path === "/groups/new") await page.select("#membershipType", "assigned");
      // The terms' other required boxes, so the browser sends the form.
      for (const id of ["title", "bodyText", "acceptanceStatement"]) if (await page.$(`#${id}`)) await page.type(`#${id}`, "Terms");
      await page.focus("#displayName");
      // sendCharacter inserts the text at once, as a paste does (typing it would stop at a maxlength too).
      await page.keyboard.sendCharacter("P".repeat(300));
      expect(await page.$eval("#displayName", (input) => (input as unknown as { value: string }).value.length), path).toBe(300);
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click("form button.primary")]);
      const shown = await page.$eval("#displayName-error", (note) => note.textContent);
      expect(shown, path).toBe(`${label} is longer than ${limit} characters (it has 300): shorten it`);
      expect(await page.$eval("#displayName", (input) => (input as unknown as { value: string }).value.length), path).toBe(300);
    }
    // Each refusal is a 400 page, which the browser reports as a failed load.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([]);
    await page.close();
  });
});
