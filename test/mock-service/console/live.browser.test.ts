/**
 * The console's live views under a burst of device traffic, in a real headless browser. A device
 * answering a wipe sends several requests within milliseconds (check-in, "started", "completed"),
 * so the service tells the open pages twice: at the first at once, and of the rest in one event
 * a second later (it tells a page at most once a second). Each event makes the page re-fetch
 * the part that shows devices; an event that arrives while the previous re-fetch is still on its
 * way must still lead to a fresh one, or the page keeps showing the state of the first answer
 * (a wiped device left as "Pending" in the list until the page is reloaded).
 *
 * The race is made certain, not left to timing: the page's first re-fetch after the device
 * starts is held back (request interception) until every event of the burst has reached the
 * page, and then answered with what the service showed when that re-fetch was asked for.
 *
 * The device list is paged: Next and Previous move through it, and a live refresh re-fetches
 * the page shown, and only it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../agent/device/clock.js";
import { createDevice, type Device } from "../../../agent/device/create-device.js";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { EVENT_INTERVAL_MS } from "../../../mock-service/console/activity.js";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { axeViolations, followLink, launchBrowser, openPage, type Browser, type Page } from "../../helpers/browser.js";
import { signIn, type ConsoleSession } from "./support.js";

// Callbacks run inside the page; the project's typings have no DOM library.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
  addEventListener(type: string, listener: () => void): void;
};
declare const window: Record<string, unknown>;

const USER = { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" };

let service: MockService;
let session: ConsoleSession;
let browser: Browser;

beforeAll(async () => {
  service = await startMockService();
  session = await signIn(service);
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", ...USER });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/** A device enrolled with a fresh profile, on a simulated clock, wiped through the admin API. */
async function enrolledDevice(seed: number): Promise<{ device: Device; id: string }> {
  const profile = await service.admin.createProfile({ displayName: `Live ${seed}`, enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const device = await createDevice({
    qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") },
    user: USER,
    seed,
    clock: new SimulatedClock(),
  });
  const report = await device.enroll();
  expect(report.finalState).toBe("enrolled");
  return { device, id: report.deviceId! };
}

/** Opens a console page signed in, counting the live events it hears. */
async function openLive(path: string): Promise<Page> {
  const { page } = await openPage(browser);
  const [name, value] = session.cookie.split("=") as [string, string];
  await page.setCookie({ name, value, url: service.url });
  await page.goto(`${service.url}${path}`);
  await page.evaluate(() => {
    window.heard = 0;
    document.addEventListener("htmx:sseMessage", () => (window.heard = (window.heard as number) + 1));
    // Marks the page: a reload would lose the mark.
    window.stayed = true;
  });
  return page;
}

async function heard(page: Page): Promise<number> {
  return page.evaluate(() => window.heard as number);
}

/**
 * Holds the page's next request for `path` until `release` is called; it is then answered with
 * `staleBody` (what the service showed when the request was made). Later requests go through.
 */
async function holdNextRefresh(page: Page, path: string, staleBody: string): Promise<{ held: Promise<void>; release(): Promise<void> }> {
  await page.setRequestInterception(true);
  let markHeld!: () => void;
  const held = new Promise<void>((resolve) => (markHeld = resolve));
  let respond: (() => Promise<void>) | null = null;
  page.on("request", (request) => {
    if (respond === null && new URL(request.url()).pathname === path) {
      respond = () => request.respond({ status: 200, contentType: "text/html; charset=utf-8", body: staleBody });
      markHeld();
      return;
    }
    void request.continue();
  });
  return { held, release: () => respond!() };
}

async function fetchPart(path: string): Promise<string> {
  return (await fetch(`${service.url}${path}`, { headers: { cookie: session.cookie } })).text();
}

/**
 * The device's wipe, seen from an open page: the page's first re-fetch is answered with the
 * "Pending" state after the rest of the burst has arrived; the page must still end up showing
 * `gone` by itself.
 */
async function wipeWhileWatching(seed: number, pagePath: (id: string) => string, partPath: (id: string) => string, selector: string, gone: string) {
  const { device, id } = await enrolledDevice(seed);
  await service.admin.wipe(id);
  const page = await openLive(pagePath(id));
  await page.waitForFunction((s) => document.querySelector(s)?.textContent?.includes("Pending (wipe)"), { timeout: 10_000 }, selector);
  const pending = await fetchPart(partPath(id));
  expect(pending).toContain("Pending (wipe)");
  const before = await heard(page);
  const refresh = await holdNextRefresh(page, partPath(id), pending);
  // A second since the page's last event (on connecting), so that the burst's first request is
  // told at once and the page's re-fetch for it is on its way while the rest of the burst happens.
  await new Promise((resolve) => setTimeout(resolve, EVENT_INTERVAL_MS + 100));

  // The device checks in, is told to wipe, acknowledges "started", resets, acknowledges "completed".
  expect(await device.runUntil((d) => d.state === "welcome", { limitMs: 3 * 3600_000 })).toBe("done");
  device.dispose();
  expect(await service.admin.listManagedDevices()).toEqual([]);
  await refresh.held;
  // Both events of the burst have reached the page while its first re-fetch is still unanswered.
  await page.waitForFunction((n) => (window.heard as number) >= n, { timeout: 10_000 }, before + 2);
  await refresh.release();

  await page.waitForFunction((s, text) => document.querySelector(s)?.textContent?.includes(text), { timeout: 5_000 }, selector, gone);
  expect(await page.evaluate(() => window.stayed)).toBe(true);
  await page.close();
}

describe("the console's live views under a burst of device events", { timeout: 60_000 }, () => {
  it("drops a wiped device from an open device list once it confirms its reset, without a reload", async () => {
    await wipeWhileWatching(31, () => "/devices", () => "/devices/table", "#device-table", "No devices yet");
  });

  it("shows on an open device page that the wiped device has left the list, without a reload", async () => {
    await wipeWhileWatching(
      32,
      (id) => `/devices/${id}`,
      (id) => `/devices/${id}/live`,
      "#device-live",
      "This device is no longer in the device list",
    );
  });
});

describe("the console's device list, paged, in a browser", { timeout: 60_000 }, () => {
  let fleet: MockService;
  afterAll(() => fleet?.close());

  async function enroll(token: string, serialNumber: string): Promise<void> {
    const response = await fetch(`${fleet.url}${DEVICE_API_PREFIX}/enroll`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ enrollmentToken: token, serialNumber, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" }),
    });
    expect(response.status).toBe(200);
  }

  const serial = (i: number) => `SN${String(i).padStart(4, "0")}`;

  it("moves through the pages with Next and Previous, and a live refresh re-fetches only the page shown", async () => {
    fleet = await startMockService();
    const profile = await fleet.admin.createProfile({ displayName: "Paged", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    for (let i = 0; i < 120; i++) await enroll(profile.tokenValue, serial(i));
    const fleetSession = await signIn(fleet);
    const { page, errors } = await openPage(browser);
    const [name, value] = fleetSession.cookie.split("=") as [string, string];
    await page.setCookie({ name, value, url: fleet.url });
    const fetched: string[] = [];
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.pathname === "/devices/table") fetched.push(`${url.pathname}${url.search}`);
    });
    const range = () => page.$eval("#device-table .pager-range", (el) => el.textContent);
    const serials = () =>
      page.evaluate(() => Array.from(document.querySelectorAll("#device-table tbody tr td:nth-child(5)"), (td) => td.textContent));

    // Counts the live region's refreshes, from before the page's own script runs.
    await page.evaluateOnNewDocument(() => {
      window.swaps = 0;
      document.addEventListener("htmx:afterSettle", () => (window.swaps = (window.swaps as number) + 1));
    });
    await page.goto(`${fleet.url}/devices`);
    // The refresh the page asks for on connecting is done: nothing else changes it until a device does.
    await page.waitForFunction(() => (window.swaps as number) >= 1, { timeout: 10_000 });
    expect(await range()).toBe("Showing 1 to 50 of 120 records");
    expect(await page.$("#device-table a[rel=prev]")).toBeNull();
    expect(await axeViolations(page)).toEqual([]);
    await followLink(page, "#device-table a[rel=next]");
    expect(new URL(page.url()).search).toBe("?page=2");
    expect(await range()).toBe("Showing 51 to 100 of 120 records");
    expect(await serials()).toEqual(Array.from({ length: 50 }, (_, i) => serial(50 + i)));
    await page.evaluate(() => (window.stayed = true));

    // A device enrolls while page 2 is open: the page tells the new total without a reload,
    // still showing page 2, and re-fetched page 2 alone.
    fetched.length = 0;
    await enroll(profile.tokenValue, serial(120));
    await page.waitForFunction(() => document.querySelector("#device-table .pager-range")?.textContent?.endsWith("of 121 records"), { timeout: 10_000 });
    expect(await range()).toBe("Showing 51 to 100 of 121 records");
    expect(await serials()).toEqual(Array.from({ length: 50 }, (_, i) => serial(50 + i)));
    expect(await page.evaluate(() => window.stayed)).toBe(true);
    expect(fetched.length).toBeGreaterThan(0);
    expect(new Set(fetched)).toEqual(new Set(["/devices/table?page=2"]));

    await followLink(page, "#device-table a[rel=next]");
    expect(await range()).toBe("Showing 101 to 121 of 121 records");
    expect(await page.$("#device-table a[rel=next]")).toBeNull();
    await followLink(page, "#device-table a[rel=prev]");
    expect(await range()).toBe("Showing 51 to 100 of 121 records");
    expect(errors).toEqual([]);
    await page.close();
  });
});
