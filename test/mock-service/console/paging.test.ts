/**
 * The console's long lists a page at a time, as the admin center's are: All devices (the page an
 * admin leaves open, which re-fetches itself on every device event) and the enrollment profiles.
 * Walked as a person walks them, by the Next links: every device is listed once across the pages,
 * the total is shown, and a page holds no more than a page's rows, whatever the tenant's size.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { enrollDevices, signIn } from "./support.js";

const DEVICES = 260;
const PROFILES = 55;
const AOSP = "/devices/enrollment/android/aosp/corporate-owned-user-associated";

let t: ServiceApp;
let cookie: string;

beforeAll(async () => {
  t = await startServiceApp();
  ({ cookie } = await signIn(t));
  const profile = await t.admin.createProfile({ displayName: "Paging", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  await enrollDevices(t, profile.tokenValue, DEVICES);
  for (let i = 1; i < PROFILES; i++) {
    await t.admin.createProfile({ displayName: `Profile ${String(i).padStart(2, "0")}`, enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  }
}, 60_000);
afterAll(() => t?.close());

async function get(path: string): Promise<{ status: number; text: string }> {
  const reply = await t.app.inject({ method: "GET", url: path, headers: { cookie } });
  return { status: reply.statusCode, text: reply.body };
}

const rowsOf = (text: string): number => /<tbody>([\s\S]*?)<\/tbody>/.exec(text)![1]!.split("<tr>").length - 1;
const serialsOf = (text: string): string[] => [...text.matchAll(/<td>(SN\d{4})<\/td>/g)].map((m) => m[1]!);
const nextOf = (text: string): string | undefined => /<a class="button" href="([^"]+)" rel="next">Next<\/a>/.exec(text)?.[1]?.replaceAll("&amp;", "&");
const previousOf = (text: string): string | undefined => /<a class="button" href="([^"]+)" rel="prev">Previous<\/a>/.exec(text)?.[1];

describe("the console's All devices list, a page at a time", () => {
  it("lists every device once across its pages, by Next, with the total and where each page stands", async () => {
    const seen: string[] = [];
    const ranges: string[] = [];
    let path: string | undefined = "/devices";
    let pages = 0;
    while (path !== undefined) {
      const { status, text } = await get(path);
      expect(status).toBe(200);
      pages++;
      const serials = serialsOf(text);
      expect(serials.length).toBeLessThanOrEqual(50);
      expect(rowsOf(text)).toBe(serials.length);
      expect(text).toContain(`All devices (${DEVICES})`);
      expect(text).toContain(`Page ${pages} of 6`);
      ranges.push(/Showing (\d+) to (\d+) of ([\d,]+) records/.exec(text)![0]);
      // The live part re-fetches the page it shows, not the first.
      expect(text).toContain(pages === 1 ? 'hx-get="/devices/table"' : `hx-get="/devices/table?page=${pages}"`);
      if (pages === 1) expect(previousOf(text)).toBeUndefined();
      else expect(previousOf(text)).toBe(`/devices?page=${pages - 1}`);
      seen.push(...serials);
      path = nextOf(text);
    }
    expect(pages).toBe(6);
    expect(new Set(seen).size).toBe(DEVICES);
    expect(seen).toHaveLength(DEVICES);
    expect(ranges[0]).toBe("Showing 1 to 50 of 260 records");
    expect(ranges[5]).toBe("Showing 251 to 260 of 260 records");
  });

  it("re-fetches only the page shown on a live refresh", async () => {
    const { status, text } = await get("/devices/table?page=3");
    expect(status).toBe(200);
    expect(serialsOf(text)).toEqual(Array.from({ length: 50 }, (_, i) => `SN${String(100 + i).padStart(4, "0")}`));
    expect(text).toContain("Showing 101 to 150 of 260 records");
    // A fragment, not a page.
    expect(text).not.toContain("<html");
  });

  it("shows the last page for a page number past the end (the list shrank since the link was made)", async () => {
    const { status, text } = await get("/devices/table?page=99");
    expect(status).toBe(200);
    expect(text).toContain("Showing 251 to 260 of 260 records");
    expect(nextOf(text)).toBeUndefined();
  });

  it("refuses what is not a page number, saying what to give, and shows the first page", async () => {
    for (const asked of ["0", "two", "-1", "1.5"]) {
      const { status, text } = await get(`/devices?page=${asked}`);
      expect(status).toBe(400);
      expect(text).toContain(`Page &quot;${asked}&quot; is not a page number: give a whole number from 1 to 6`);
      expect(text).toContain("Showing 1 to 50 of 260 records");
      expect(text).toContain('hx-get="/devices/table"');
    }
  });
});

describe("the console's enrollment profile list, a page at a time", () => {
  it("shows 50 profiles a page, with the total, and the rest on the next page", async () => {
    const first = await get(AOSP);
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Showing 1 to 50 of ${PROFILES} records`);
    const next = nextOf(first.text);
    expect(next).toBe(`${AOSP}?page=2`);
    const second = await get(next!);
    expect(second.text).toContain(`Showing 51 to ${PROFILES} of ${PROFILES} records`);
    const names = (text: string) => [...text.matchAll(/">(Paging|Profile \d\d)<\/a>/g)].map((m) => m[1]);
    const all = [...names(first.text), ...names(second.text)];
    expect(new Set(all).size).toBe(PROFILES);
    expect(all).toHaveLength(PROFILES);
  });
});
