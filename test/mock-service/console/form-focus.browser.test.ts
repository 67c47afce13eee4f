/**
 * The create forms in a real headless browser, as the seed's steps open them: each opens with the
 * keyboard focus in its first box, where the admin types the name (the seed: "Name: Give the
 * profile a name"). Before, focus was on the page itself: typing at once went nowhere, and the
 * profile wizard's Next was then stopped by the empty required Name. A refused form still opens
 * on its error summary.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { followLink, launchBrowser, openPage, type Browser, type Page } from "../../helpers/browser.js";
import { signIn } from "./support.js";

// Callbacks run inside the page; the project's typings have no DOM library.
declare const document: { activeElement: { id: string; className: string } | null; body: unknown };

let service: MockService;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  service = await startMockService();
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser));
  const session = await signIn(service);
  const [name, value] = session.cookie.split("=") as [string, string];
  await page.setCookie({ name, value, url: service.url });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/**
 * The id (or class) of the element with the focus, once the page has put it somewhere: a browser
 * applies `autofocus` when it next renders, which on a busy machine can come after the load event.
 */
async function focused(): Promise<string> {
  await page.waitForFunction(() => document.activeElement !== document.body, { timeout: 5_000 }).catch(() => undefined);
  return page.evaluate(() => document.activeElement?.id || document.activeElement?.className || "");
}

/** Presses Enter where the focus is (a button, or a box whose form's first button it presses), and waits for the page it loads. */
async function pressEnter(): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
}

describe("create forms open with the focus in their first box", { timeout: 60_000 }, () => {
  it.each([
    ["Create profile", "/devices/enrollment/android/aosp/corporate-owned-user-associated/create"],
    ["New group", "/groups/new"],
    ["Create policy (configuration)", "/devices/configuration/create"],
    ["Create policy (compliance)", "/devices/compliance/create"],
    ["Create terms and conditions", "/tenant-admin/terms-and-conditions/create"],
  ])("%s: typing at once fills Name", async (_form, path) => {
    await page.goto(`${service.url}${path}`);
    expect(await focused()).toBe("displayName");
    await page.keyboard.type("Factory 1 devices");
    expect(await page.$eval("#displayName", (el) => (el as unknown as { value: string }).value)).toBe("Factory 1 devices");
    expect(errors).toEqual([]);
  });

  it("New group: after Add query the focus is on Create, so Enter creates the group (the seed: Add query > Create)", async () => {
    await page.goto(`${service.url}/groups/new`);
    expect(await focused()).toBe("displayName");
    await page.keyboard.type("Factory 2 devices");
    await page.select("#membershipType", "dynamicDevice");
    await followLink(page, "button[name=go][value=query]");
    expect(await focused()).toBe("value");
    await page.keyboard.type("Factory 2 devices");
    // Enter in Value presses the rules form's first button, Add query.
    await pressEnter();
    expect(await page.title()).toBe("New group - aosp-sim admin center");
    expect(await focused()).toBe("primary");
    await pressEnter();
    expect((await service.admin.listGroups()).map((g) => [g.displayName, g.membershipRule])).toContainEqual([
      "Factory 2 devices",
      '(device.enrollmentProfileName -eq "Factory 2 devices")',
    ]);
    expect(errors).toEqual([]);
  });

  it("Create profile by the keyboard alone: Scope tags opens on Next, Review + create on Create (the seed: Next, Next, Create)", async () => {
    await page.goto(`${service.url}/devices/enrollment/android/aosp/corporate-owned-user-associated/create`);
    expect(await focused()).toBe("displayName");
    await page.keyboard.type("Keyboard devices");
    await pressEnter();
    expect(await page.title()).toBe("Create profile - Scope tags - aosp-sim admin center");
    expect(await focused()).toBe("primary");
    await pressEnter();
    expect(await page.title()).toBe("Create profile - Review + create - aosp-sim admin center");
    expect(await focused()).toBe("primary");
    await pressEnter();
    expect((await service.admin.listProfiles()).map((p) => p.displayName)).toContain("Keyboard devices");
    expect(errors).toEqual([]);
  });

  it("Replace token opens in its Token expiration date box (the seed: Replace token, enter the new date, OK)", async () => {
    const profile = await service.admin.createProfile({ displayName: "Replace me", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    await page.goto(`${service.url}/devices/enrollment/android/aosp/corporate-owned-user-associated/${profile.id}/token/replace`);
    expect(await focused()).toBe("expiry");
    expect(errors).toEqual([]);
  });

  it("the profile wizard's Name is described by its hint, and a refused Basics still opens on its summary", async () => {
    await page.goto(`${service.url}/devices/enrollment/android/aosp/corporate-owned-user-associated/create`);
    expect(await page.$eval("#displayName", (el) => el.getAttribute("aria-describedby"))).toBe("displayName-hint");
    expect(await focused()).toBe("displayName");
    await page.keyboard.type("Factory 1 devices");
    await page.select("#wifiType", "wpa");
    await page.type("#wifiSsid", "Staging");
    await followLink(page, "button[name=go][value=next]");
    // The refusal's 400 is the one error the page reports.
    expect(await focused()).toBe("error-summary");
  });
});
