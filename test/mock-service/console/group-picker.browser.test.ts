/**
 * An assigned group's page in a real headless browser: ticks made on one page of the Add members
 * picker are still ticked after Next and Previous and are all added by Add; Enter in a search box
 * searches (it does not add); the members table pages with its own pager. Every page state gets
 * an axe-core scan (labels, the pagers' names).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, followLink, launchBrowser, openPage, type Browser, type Page } from "../../helpers/browser.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { enrollDevices, signIn } from "./support.js";

// Callbacks run inside the page; the project's typings have no DOM library.
interface El {
  innerText: string;
  checked: boolean;
}

const DEVICES = 120;

let t: ServiceApp;
let browser: Browser;
let page: Page;
let errors: string[];
const violations: string[] = [];

beforeAll(async () => {
  t = await startServiceApp();
  const profile = await t.admin.createProfile({ displayName: "Line 3", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  await enrollDevices(t, profile.tokenValue, DEVICES);
  await t.admin.createUser({ displayName: "Alex Wilber", userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" });
  const session = await signIn(t);
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser));
  const [name, value] = session.cookie.split("=") as [string, string];
  await page.setCookie({ name, value, url: t.url });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

const go = (selector: string): Promise<void> => followLink(page, selector);
const text = (selector = "main"): Promise<string> => page.$eval(selector, (el) => (el as unknown as El).innerText);
const isTicked = (name: string): Promise<boolean> => page.$eval(`label::-p-text(${name})`, (el) => (el as unknown as { control: El }).control.checked);

async function scan(): Promise<void> {
  violations.push(...(await axeViolations(page)).map((v) => `${page.url()}: ${v}`));
}

describe("an assigned group's Add members in a browser", () => {
  it("keeps the ticks of every page until Add, and adds them all", async () => {
    await page.goto(`${t.url}/groups/new`);
    await page.type("#displayName", "Line 3 devices");
    await page.select("#membershipType", "assigned");
    await go("form.group-form button.primary");
    await page.click("label::-p-text(AOSP_SN0001)");
    await page.click("label::-p-text(AOSP_SN0002)");
    await page.click("label::-p-text(Alex Wilber)");
    await go("nav[aria-label='Devices to add pages'] button::-p-text(Next)");
    expect(await text("nav[aria-label='Devices to add pages']")).toContain("Showing 51 to 100 of 120 records");
    expect(await text()).toContain("2 ticked on other pages");
    // The user is on this page too, still ticked.
    expect(await isTicked("Alex Wilber")).toBe(true);
    await page.click("label::-p-text(AOSP_SN0060)");
    await scan();
    await go("nav[aria-label='Devices to add pages'] button::-p-text(Previous)");
    expect(await isTicked("AOSP_SN0001")).toBe(true);
    expect(await isTicked("AOSP_SN0003")).toBe(false);
    // Enter in a search box searches: nothing is added yet.
    await page.type("#deviceName", "aosp_sn011");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
    expect(await text("main")).toContain("Devices (10)");
    expect(await text("table")).toContain("No members yet.");
    expect(await text()).toContain("3 ticked on other pages");
    await page.click("label::-p-text(AOSP_SN0115)");
    await go("button::-p-text(Add)");
    expect(await text(".notice")).toBe("Members added.");
    const members = await text("table");
    for (const name of ["Alex Wilber", "AOSP_SN0001", "AOSP_SN0002", "AOSP_SN0060", "AOSP_SN0115"]) expect(members).toContain(name);
    expect(await text("table caption")).toBe("Members (5)");
    await scan();
  });

  it("pages the members table with its own pager", async () => {
    await page.goto(`${t.url}/groups/new`);
    await page.type("#displayName", "Every Line 3 device");
    await go("button::-p-text(Add dynamic query)");
    await page.type("#membershipRule", '(device.enrollmentProfileName -eq "Line 3")');
    await go("button::-p-text(Add query)");
    await go("form.group-form .wizard-buttons button.primary");
    expect(await text("table caption")).toBe(`Members (${DEVICES})`);
    expect(await page.$$eval("table tbody tr", (rows) => rows.length)).toBe(50);
    await go("nav[aria-label='Members pages'] a::-p-text(Next)");
    expect(await text("nav[aria-label='Members pages']")).toContain("Showing 51 to 100 of 120 records");
    expect(await text("table")).toContain("AOSP_SN0050");
    await scan();
  });

  it("has no serious or critical accessibility violations, and no script errors", () => {
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
