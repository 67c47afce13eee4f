/**
 * Console addresses that lead nowhere, as a browser asks for them (Accept: text/html). Before,
 * they got the APIs' JSON 404 as the whole page (no title, no navigation), including the middle
 * segments of the seed's own path (Devices > Enrollment > Android > AOSP), which an admin reaches
 * by trimming a profile's address.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { signIn, type ConsoleSession } from "./support.js";

let service: MockService;
let session: ConsoleSession;
const HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

beforeAll(async () => {
  service = await startMockService();
  session = await signIn(service);
});
afterAll(() => service.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${service.url}${path}`, { redirect: "manual", headers });

describe("console addresses with no page", () => {
  it("go from the seed path's Android and AOSP levels to the Enrollment page, which lists both", async () => {
    for (const path of ["/devices/enrollment/android", "/devices/enrollment/android/aosp"]) {
      const response = await get(path, { accept: HTML, cookie: session.cookie });
      expect(response.status, path).toBe(303);
      expect(response.headers.get("location")).toBe("/devices/enrollment");
    }
  });

  it("get the console's own 404 page, with its navigation and links to the main pages", async () => {
    const response = await get("/tenant-admin/xyz", { accept: HTML, cookie: session.cookie });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain("<title>Page not found - aosp-sim admin center</title>");
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("The console has no page at <code>/tenant-admin/xyz</code>");
    expect(page).toContain('<nav class="left-nav" aria-label="Admin center">');
    expect(page).toContain('<a href="/devices/enrollment">Enrollment</a>');
    expect(page).not.toContain('aria-current="page"');
  });

  it("link, in its main part, to every page of the left navigation (the seed's next steps and Troubleshooting too)", async () => {
    const page = await (await get("/devices/enrollment/nothing", { accept: HTML, cookie: session.cookie })).text();
    const nav = /<nav class="left-nav"[\s\S]*?<\/nav>/.exec(page)![0];
    const main = /<main[\s\S]*?<\/main>/.exec(page)![0];
    const hrefs = (text: string) => [...text.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
    const navHrefs = hrefs(nav);
    expect(navHrefs).toEqual(expect.arrayContaining(["/devices/configuration", "/devices/compliance", "/tenant-admin", "/tenant-admin/terms-and-conditions", "/troubleshooting"]));
    const linked = new Set(hrefs(main));
    expect(navHrefs.filter((href) => !linked.has(href))).toEqual([]);
  });

  it("send a browser that is not signed in to the sign-in page first", async () => {
    const response = await get("/devices/enrollment/android/aosp/corporate-owned-user-associated/x/qr", { accept: HTML });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/signin?next=%2Fdevices%2Fenrollment%2Fandroid%2Faosp%2Fcorporate-owned-user-associated%2Fx%2Fqr");
  });

  it("keep the APIs' JSON 404, and JSON for clients that do not ask for HTML", async () => {
    for (const [path, accept] of [["/device/v1/nothing", HTML], ["/sim/v1/nothing", HTML], ["/tenant-admin/xyz", "*/*"], ["/tenant-admin/xyz", "application/json"]] as const) {
      const response = await get(path, { accept, cookie: session.cookie });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), `${path} ${accept}`).toMatch(/^application\/json/);
    }
    const beta = await get("/beta/nothing", { accept: HTML, authorization: `Bearer ${service.adminToken}` });
    expect(beta.headers.get("content-type")).toMatch(/^application\/json/);
  });
});
