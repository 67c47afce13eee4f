/**
 * The console's doors, over HTTP as a browser or a forger would knock: sign-in sets an HttpOnly
 * SameSite=Strict cookie (the token never appears in a URL), pages need that cookie, and every
 * state change needs this console's Origin and the session's CSRF token. The APIs keep their
 * bearer tokens: the console's cookie opens nothing there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { form, FORM, signIn } from "./support.js";

const TOKEN = "console-test-admin-token";
let service: MockService;
let devicePath: string;

beforeAll(async () => {
  service = await startMockService({ adminToken: TOKEN });
  devicePath = "/devices/00000000-0000-4000-8000-000000000000/wipe";
});
afterAll(() => service.close());

describe("the console's sign-in", () => {
  it("keeps the session in an HttpOnly, SameSite=Strict cookie and never puts the token in a URL", async () => {
    const { setCookie, location, csrf } = await signIn(service);
    const port = new URL(service.url).port;
    expect(setCookie).toMatch(new RegExp(`^aospsim_console_${port}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict$`));
    expect(setCookie).not.toContain(TOKEN);
    expect(location).toBe("/devices");
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  // Before, every service named its cookie aospsim_console; cookies are not port-scoped, so
  // signing in to a second service on the same host replaced the first one's, signing it out.
  it("keeps a browser signed in to two services on one host, each with its own cookie", async () => {
    const other = await startMockService({ adminToken: "other-service-token" });
    try {
      // A browser's cookie jar for the host 127.0.0.1: one value per cookie name, whatever the port.
      const jar = new Map<string, string>();
      for (const s of [service, other]) {
        const [pair] = (await signIn(s)).setCookie.split(";");
        const eq = pair!.indexOf("=");
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
      for (const s of [service, other]) {
        const response = await fetch(`${s.url}/devices`, { redirect: "manual", headers: { cookie } });
        expect(response.status, s.url).toBe(200);
      }
    } finally {
      await other.close();
    }
  });

  it("refuses a wrong token with the sign-in page again (401), and sets no cookie", async () => {
    const response = await fetch(`${service.url}/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": FORM, origin: service.url },
      body: form({ token: "guess" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("not this service's admin token");
  });

  it("sends a visitor without the cookie to the sign-in page, and only to a path of its own", async () => {
    const page = await fetch(`${service.url}/devices?x=1`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/signin?next=%2Fdevices%3Fx%3D1");
    const offsite = await fetch(`${service.url}/signin?next=//evil.example/`);
    expect(await offsite.text()).toContain('name="next" value="/"');
  });

  const signInTo = (next: string) =>
    fetch(`${service.url}/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": FORM, origin: service.url },
      body: form({ token: TOKEN, next }),
    });

  // Before, a newline answered "500 See Other" (Node refuses it in a header) with a stack trace
  // in the log, and a tab sent the browser to `/\t/example.com`, which it reads as //example.com.
  it.each([
    ["a newline", "/\n/example.com"],
    ["a carriage return", "/\r/example.com"],
    ["a tab", "/\t/example.com"],
    ["a NUL", "/\u0000/example.com"],
    ["a C1 control", "/\u0085/example.com"],
    ["a backslash", "/\\example.com"],
    ["a path the URL parser makes protocol-relative", "/.//example.com"],
    ["dot segments that climb to a protocol-relative path", "/a/../..//example.com"],
    ["a protocol-relative URL", "//example.com/"],
    ["an absolute URL", "https://example.com/"],
  ])("goes Home after signing in, never elsewhere, when next has %s", async (_what, next) => {
    const response = await signInTo(next);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/");
    const signInPage = await (await fetch(`${service.url}/signin?next=${encodeURIComponent(next)}`)).text();
    expect(signInPage).toContain('name="next" value="/"');
  });

  it("goes to a path of its own after signing in, percent-encoded as a browser would follow it", async () => {
    expect((await signInTo("/devices?x=1#top")).headers.get("location")).toBe("/devices?x=1#top");
    const unicode = await signInTo("/users/é✓");
    expect(unicode.status).toBe(303);
    expect(unicode.headers.get("location")).toBe("/users/%C3%A9%E2%9C%93");
  });

  it("refuses a sign-in posted from another origin", async () => {
    const response = await fetch(`${service.url}/signin`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": FORM, origin: "http://evil.example" },
      body: form({ token: TOKEN }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });
});

describe("state-changing console requests", () => {
  it("are refused without the session cookie (401)", async () => {
    const response = await fetch(`${service.url}${devicePath}`, {
      method: "POST",
      headers: { "content-type": FORM, origin: service.url },
      body: form({ _csrf: "x" }),
    });
    expect(response.status).toBe(401);
  });

  // Before, a form sent after the session ended (a restart, 8 idle hours) got a bare text/plain
  // 401 with no link, and what was typed in it was gone.
  it("get the console's sign-in page (401, HTML) when the session has ended, back to the form's page, showing what was typed", async () => {
    const wizard = "/devices/enrollment/android/aosp/corporate-owned-user-associated/create";
    const response = await fetch(`${service.url}${wizard}`, {
      method: "POST",
      headers: { "content-type": FORM, origin: service.url, referer: `${service.url}${wizard}`, cookie: "aospsim_console=ended" },
      body: form({ _csrf: "stale", step: "basics", displayName: "Line 3 <tablets>", description: "Kiosk", wifiPassword: "hunter22", go: "next" }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain("Your session has ended, so the form was not saved.");
    expect(page).toContain(`<a href="${wizard}">the page the form was on</a>`);
    expect(page).toContain(`<input type="hidden" name="next" value="${wizard}">`);
    expect(page).toContain("<dt>displayName</dt><dd>Line 3 &lt;tablets&gt;</dd>");
    expect(page).toContain("<dt>description</dt><dd>Kiosk</dd>");
    for (const secret of ["hunter22", "stale", "wifiPassword"]) expect(page).not.toContain(secret);
  });

  it("are refused with a forged Origin, or with no Origin or Referer, even with the cookie and token (403)", async () => {
    const { cookie, csrf } = await signIn(service);
    const forged: Record<string, string>[] = [{ origin: "http://evil.example" }, { origin: "null" }, { referer: "http://evil.example/page" }, {}];
    for (const headers of forged) {
      const response = await fetch(`${service.url}${devicePath}`, {
        method: "POST",
        headers: { "content-type": FORM, cookie, ...headers },
        body: form({ _csrf: csrf }),
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("Origin is not this console");
    }
  });

  it("are refused without the session's CSRF token (403)", async () => {
    const { cookie } = await signIn(service);
    for (const body of [form({}), form({ _csrf: "forged" })]) {
      const response = await fetch(`${service.url}${devicePath}`, {
        method: "POST",
        headers: { "content-type": FORM, cookie, origin: service.url },
        body,
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain("This form was opened before you last signed in, so it was not saved.");
    }
  });

  // Before: a bare text/plain 403, "Refused: the form's CSRF token is missing or stale", with no
  // way back and what was typed gone; a form left open in a tab while the admin signed out and in
  // again in another gets it.
  it("answer a form from an earlier sign-in with a console page (403) back to the form, showing what was typed", async () => {
    const earlier = await signIn(service);
    const { cookie } = await signIn(service);
    const response = await fetch(`${service.url}/groups/new`, {
      method: "POST",
      headers: { "content-type": FORM, cookie, origin: service.url, referer: `${service.url}/groups/new` },
      body: form({ _csrf: earlier.csrf, displayName: "Factory 1 devices", membershipType: "assigned" }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const page = await response.text();
    expect(page).toContain("<title>Not saved - aosp-sim admin center</title>");
    expect(page).toContain('<a href="/groups/new">the page the form was on</a>');
    expect(page).toContain("<dt>displayName</dt><dd>Factory 1 devices</dd>");
    expect(page).not.toContain(earlier.csrf);
    expect(await service.admin.listGroups()).toEqual([]);
  });

  it("go through with the cookie, this Origin and the token", async () => {
    const { cookie, csrf } = await signIn(service);
    const response = await fetch(`${service.url}${devicePath}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": FORM, cookie, origin: service.url },
      body: form({ _csrf: csrf }),
    });
    // No such device: the console says so (its page), past every door.
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("Device not found");
  });

  it("end with sign-out: the old cookie opens nothing afterwards", async () => {
    const { cookie, csrf } = await signIn(service);
    const out = await fetch(`${service.url}/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": FORM, cookie, origin: service.url },
      body: form({ _csrf: csrf }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await fetch(`${service.url}/devices`, { headers: { cookie }, redirect: "manual" })).status).toBe(303);
  });
});

describe("the console's pages", () => {
  it("carry a strict Content-Security-Policy: no inline scripts or styles, no eval, no framing", async () => {
    const { cookie } = await signIn(service);
    const response = await fetch(`${service.url}/`, { headers: { cookie } });
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await response.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
  });

  it("refuse the live event stream without the cookie", async () => {
    expect((await fetch(`${service.url}/events`)).status).toBe(401);
  });

  it("do not open the admin API: it still wants its bearer token", async () => {
    const { cookie } = await signIn(service);
    const response = await fetch(`${service.url}/beta/deviceManagement/managedDevices`, { headers: { cookie } });
    expect(response.status).toBe(401);
  });

  it("stay out of the APIs' OpenAPI document", async () => {
    const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((path) => path === "/" || path.startsWith("/devices") || path.startsWith("/signin"))).toEqual([]);
  });
});
