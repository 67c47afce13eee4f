/**
 * A live page whose live channel fails, in a real headless browser. While the service is down
 * the page says it is not updating (the service is not answering); once a service answers again
 * on the same address without the page's session (sessions are kept in memory, so a restart ends
 * them) the page says it is signed out, with a link to sign in again that comes back to it.
 * Before, the page kept showing its last data as if it were current, with no word at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { axeViolations, launchBrowser, openPage, type Browser } from "../../helpers/browser.js";
import { signIn } from "./support.js";

// Callbacks run inside the page; the project's typings have no DOM library.
declare const document: {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null;
};

let service: MockService | undefined;
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

const STATUS = "main .live-status";

describe("a live page whose live channel fails", { timeout: 60_000 }, () => {
  it("says it is not updating while the service is down, then that it is signed out, with a link to sign in again", async () => {
    service = await startMockService();
    const port = Number(new URL(service.url).port);
    const session = await signIn(service);
    const { page } = await openPage(browser);
    const [name, value] = session.cookie.split("=") as [string, string];
    await page.setCookie({ name, value, url: service.url });
    await page.goto(`${service.url}/devices?page=1`);
    expect(await page.$eval(STATUS, (el) => el.getAttribute("role"))).toBe("status");
    expect(await page.$eval(STATUS, (el) => el.textContent)).toBe("");

    await service.close();
    service = undefined;
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("the service is not answering"), { timeout: 15_000 }, STATUS);
    expect(await page.$eval(`${STATUS} a`, (a) => a.getAttribute("href"))).toBe("/devices?page=1");

    service = await startMockService({ port });
    await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("you are signed out"), { timeout: 15_000 }, STATUS);
    expect(await page.$eval(`${STATUS} a`, (a) => a.getAttribute("href"))).toBe("/signin?next=%2Fdevices%3Fpage%3D1");
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
