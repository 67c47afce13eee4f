/**
 * The live device list and a keyboard user, in a real headless browser: a live refresh replaces
 * the list's table, and the link that had keyboard focus must have it again afterwards (the same
 * device's link), not leave focus on <body> at the top of the page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, openPage, type Browser } from "../../helpers/browser.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { enrollDevices, signIn } from "./support.js";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";

// Callbacks run inside the page; the project's typings have no DOM library.
declare const document: {
  activeElement: { getAttribute(name: string): string | null; localName: string } | null;
  querySelector(selector: string): { textContent: string | null } | null;
  addEventListener(type: string, listener: () => void): void;
};
declare const window: Record<string, unknown>;

let t: ServiceApp;
let browser: Browser;
let token: string;

beforeAll(async () => {
  t = await startServiceApp();
  const profile = await t.admin.createProfile({ displayName: "Focus", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  token = profile.tokenValue;
  await enrollDevices(t, token, 5);
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe("the live device list keeps keyboard focus", { timeout: 60_000 }, () => {
  it("gives focus back to the same device's link after a refresh", async () => {
    const session = await signIn(t);
    const { page, errors } = await openPage(browser);
    const [name, value] = session.cookie.split("=") as [string, string];
    await page.setCookie({ name, value, url: t.url });
    await page.evaluateOnNewDocument(() => {
      window.swaps = 0;
      document.addEventListener("htmx:afterSettle", () => (window.swaps = (window.swaps as number) + 1));
    });
    await page.goto(`${t.url}/devices`);
    // The refresh the page asks for on connecting is done.
    await page.waitForFunction(() => (window.swaps as number) >= 1, { timeout: 10_000 });
    const href = await page.$eval("#device-table tbody tr:nth-child(3) a", (a) => a.getAttribute("href"));
    await page.focus("#device-table tbody tr:nth-child(3) a");

    const response = await t.app.inject({
      method: "POST",
      url: `${DEVICE_API_PREFIX}/enroll`,
      payload: { enrollmentToken: token, serialNumber: "SN9999", model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" },
    });
    expect(response.statusCode).toBe(200);
    await page.waitForFunction(() => document.querySelector("#device-table caption")?.textContent?.includes("(6)"), { timeout: 10_000 });
    await page.waitForFunction((n) => (window.swaps as number) > n, { timeout: 10_000 }, 1);

    const focused = await page.evaluate(() => ({ tag: document.activeElement?.localName, href: document.activeElement?.getAttribute("href") }));
    expect(focused).toEqual({ tag: "a", href });
    expect(errors).toEqual([]);
    await page.close();
  });
});
