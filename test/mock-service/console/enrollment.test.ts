/**
 * Devices > Enrollment > Android > AOSP > Corporate-owned, user-associated devices, over HTTP as
 * a browser posts its forms: each refused field is described by its hint and its error in one
 * aria-describedby (the wizard and Replace token), a Wi-Fi type or hidden network without an SSID
 * is refused next to the SSID, and a revoked or expired token offers no Export and no QR code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { form, FORM, signIn, type ConsoleSession } from "./support.js";

const PROFILES = "/devices/enrollment/android/aosp/corporate-owned-user-associated";
const WIZARD = `${PROFILES}/create`;

let now = Date.parse("2025-03-01T10:00:00Z");
let service: MockService;
let session: ConsoleSession;

beforeAll(async () => {
  service = await startMockService({ now: () => new Date(now) });
  session = await signIn(service);
});
afterAll(() => service.close());

const getPage = async (path: string) => {
  const response = await fetch(`${service.url}${path}`, { headers: { cookie: session.cookie } });
  return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
};

function post(path: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: session.cookie, origin: service.url },
    body: form({ _csrf: session.csrf, ...fields }),
  });
}

/** The Basics fields of a draft that the service takes, with `fields` changed. */
const basics = (fields: Record<string, string> = {}) => ({ step: "basics", go: "next", displayName: "Factory 1 devices", expiry: "2025-06-01", wifiType: "none", ...fields });

/** The start tag of the element with this id. */
function tagOf(page: string, id: string): string {
  const tag = new RegExp(`<(?:input|fieldset|select|textarea)\\b[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  expect(tag, `no control #${id}`).toBeDefined();
  return tag!;
}

/** The ids a control's aria-describedby names; the attribute must be there exactly once. */
function describedBy(page: string, id: string): string[] {
  const tag = tagOf(page, id);
  const values = [...tag.matchAll(/\saria-describedby="([^"]*)"/g)].map((m) => m[1]!);
  expect(values, `aria-describedby on #${id}: ${tag}`).toHaveLength(1);
  return values[0]!.split(" ");
}

describe("a refused field in Create profile", () => {
  it.each([
    ["wifiPassword", basics({ wifiSsid: "Contoso-Staging", wifiType: "wpa", wifiPassword: "abc" }), "a WPA pre-shared key is 8 to 63"],
    ["expiry", basics({ expiry: "2092-06-01" }), "at most 65 years ahead"],
    ["wifiSsid", basics({ wifiSsid: "x".repeat(33) }), "an SSID is at most 32"],
  ])("%s is described by its hint and its error, in one aria-describedby", async (field, fields, message) => {
    const response = await post(WIZARD, fields);
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(describedBy(page, field)).toEqual([`${field}-hint`, `${field}-error`]);
    expect(tagOf(page, field)).toContain('aria-invalid="true"');
    expect(page).toMatch(new RegExp(`<p class="field-error" id="${field}-error">[^<]*${message}`));
    // The refused page starts at what needs fixing: the summary takes the focus as it loads.
    expect(page).toContain('<div class="error-summary" role="alert" tabindex="-1" autofocus>');
  });

  it("leaves a field that is not refused described by its hint only", async () => {
    const page = await (await post(WIZARD, basics({ wifiSsid: "x".repeat(33) }))).text();
    expect(describedBy(page, "expiry")).toEqual(["expiry-hint"]);
    expect(tagOf(page, "expiry")).not.toContain("aria-invalid");
  });
});

describe("Wi-Fi details without an SSID", () => {
  it.each([
    ["a WPA key", { wifiType: "wpa", wifiPassword: "correct horse" }, "SSID is required for Wi-Fi type WPA Pre-shared key"],
    ["a WEP key", { wifiType: "wep", wifiPassword: "abcde" }, "SSID is required for Wi-Fi type WEP Pre-shared key"],
    ["a hidden network", { wifiHidden: "enabled" }, "SSID is required for a hidden network"],
  ])("are refused next to the SSID (%s) at Next and at Create, and nothing is created", async (_what, wifi, message) => {
    for (const fields of [basics(wifi), basics({ ...wifi, step: "review", go: "create" })]) {
      const response = await post(WIZARD, fields);
      expect(response.status).toBe(400);
      const page = await response.text();
      expect(page).toContain('<li class="" aria-current="step">Basics</li>');
      expect(describedBy(page, "wifiSsid")).toEqual(["wifiSsid-hint", "wifiSsid-error"]);
      expect(page).toMatch(new RegExp(`<p class="field-error" id="wifiSsid-error">${message}[,:] [^<]*Open \\(no authentication\\)`));
    }
    expect(await service.admin.listProfiles()).toEqual([]);
  });

  it("is no Wi-Fi at all when the type is Open: the wizard goes on", async () => {
    const response = await post(WIZARD, basics({ wifiType: "none", wifiPassword: "typed before switching to Open" }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<li class="" aria-current="step">Scope tags</li>');
  });
});

describe("a profile's token", () => {
  let base: string;

  beforeAll(async () => {
    const created = await post(WIZARD, basics({ step: "review", go: "create", displayName: "Token checks" }));
    expect(created.status).toBe(303);
    base = created.headers.get("location")!.split("?")[0]!;
  });

  // Before, Replace token's date was required (the input's `required`) but its label lacked the
  // wizard's required mark.
  it("marks Replace token's date as required, as the wizard marks it", async () => {
    const mark = '<label for="expiry">Token expiration date <span class="required" aria-hidden="true">*</span></label>';
    expect((await getPage(WIZARD)).text).toContain(mark);
    expect((await getPage(`${base}/token/replace`)).text).toContain(mark);
  });

  it("refuses a replacement date next to the field, described by its hint and its error", async () => {
    const response = await post(`${base}/token/replace`, { expiry: "2092-06-01" });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(describedBy(page, "expiry")).toEqual(["expiry-hint", "expiry-error"]);
    expect(tagOf(page, "expiry")).toContain('aria-invalid="true"');
    expect(page).toMatch(/<p class="field-error" id="expiry-error">Token expiration date: the token may expire at most 65 years ahead [^<]+; pick an earlier date\.<\/p>/);
  });

  // Before, the refusals led with createToken's parameter (tokenValidityInSeconds, a number of
  // seconds) which the form does not show, an empty date was "tokenValidityInSeconds must be an
  // ISO 8601 date and time" while the wizard's empty date took the 90-day default.
  it("words Replace token's refusals with the form's label and what to do, and takes an empty date as the wizard does", async () => {
    const refusals = [
      ["2025-02-01", /<p class="field-error" id="expiry-error">Token expiration date: the token must expire in the future [^<]+; pick a later date\.<\/p>/],
      ["abc", /<p class="field-error" id="expiry-error">Token expiration date &quot;abc&quot; is not a date: pick one, from tomorrow up to 65 years ahead\.<\/p>/],
    ] as const;
    for (const [expiry, words] of refusals) {
      const response = await post(`${base}/token/replace`, { expiry });
      expect(response.status, expiry).toBe(400);
      const page = await response.text();
      expect(page).toMatch(words);
      expect(page).not.toContain("tokenValidityInSeconds");
    }
    const replaced = await post(`${base}/token/replace`, { expiry: "" });
    expect(replaced.status).toBe(303);
    const id = base.split("/").pop()!;
    const profile = (await service.admin.listProfiles()).find((p) => p.id === id)!;
    expect(profile.tokenExpirationDateTime).toBe(new Date(now + 90 * 86_400_000).toISOString());
  });

  it("offers Export and the QR code while it can enroll devices", async () => {
    for (const path of [base, `${base}/token`]) expect((await getPage(path)).text).toContain(`<a class="button" href="${base}/export" download>Export</a>`);
    expect((await getPage(`${base}/token`)).text).toContain(`<img src="${base}/qr.png"`);
    const exported = await getPage(`${base}/export`);
    expect(exported.status).toBe(200);
    expect(exported.type).toBe("application/json; charset=utf-8");
    expect((await getPage(`${base}/qr.png`)).type).toBe("image/png");
  });

  it("offers neither once revoked: the JSON would hold the revoked token, which a device is refused with", async () => {
    expect((await post(`${base}/token/revoke`, {})).status).toBe(303);
    await expectNoExport(base);
  });

  it("offers neither once expired", async () => {
    const created = await service.admin.createProfile({ displayName: "Expires soon", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", tokenExpirationDateTime: new Date(now + 3600_000).toISOString() });
    const expiring = `${PROFILES}/${created.id}`;
    expect((await getPage(expiring)).text).toContain(">Export</a>");
    // Two hours on: the token has expired, the console session (8 idle hours) has not.
    now += 2 * 3600_000;
    await expectNoExport(expiring);
  });

  // Before, Revoke token stayed on the Token page of a revoked (or expired) token, its page asked
  // "Are you sure you want to revoke...", and Yes said "Token revoked" again; an expired token
  // was relabelled "Revoked".
  it("offers Revoke token only while the token can enroll devices, and says there is nothing to revoke after", async () => {
    const created = await service.admin.createProfile({ displayName: "Revoke twice", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const profile = `${PROFILES}/${created.id}`;
    expect((await getPage(`${profile}/token`)).text).toContain(`href="${profile}/token/revoke">Revoke token</a>`);
    expect((await post(`${profile}/token/revoke`, {})).status).toBe(303);
    const revoked = (await service.admin.listProfiles()).find((p) => p.id === created.id)!.tokenExpirationDateTime;
    await expectNothingToRevoke(profile, /The token was revoked \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC and can no longer enroll devices: there is nothing to revoke\. Select Replace token to issue a new one\./);
    expect((await service.admin.listProfiles()).find((p) => p.id === created.id)!.tokenExpirationDateTime).toBe(revoked);
  });

  it("offers no Revoke token for an expired token, and leaves it Expired", async () => {
    const created = await service.admin.createProfile({ displayName: "Expires, then revoke", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", tokenExpirationDateTime: new Date(now + 3600_000).toISOString() });
    const profile = `${PROFILES}/${created.id}`;
    now += 2 * 3600_000;
    await expectNothingToRevoke(profile, /The token expired \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC and can no longer enroll devices: there is nothing to revoke\./);
    expect((await getPage(`${profile}/token`)).text).toContain("<dt>Status</dt><dd>Expired</dd>");
  });

  async function expectNothingToRevoke(profile: string, words: RegExp): Promise<void> {
    const token = await getPage(`${profile}/token`);
    expect(token.text).not.toContain("/token/revoke");
    expect(token.text).toContain(`href="${profile}/token/replace">Replace token</a>`);
    // A link or a confirmation kept from before: the page says why, and revokes nothing.
    const asked = await getPage(`${profile}/token/revoke`);
    expect(asked.status).toBe(409);
    expect(asked.text).toMatch(words);
    expect(asked.text).not.toContain("Are you sure");
    const sent = await post(`${profile}/token/revoke`, {});
    expect(sent.status).toBe(409);
    expect(await sent.text()).toMatch(words);
  }

  async function expectNoExport(profile: string): Promise<void> {
    const token = await getPage(`${profile}/token`);
    expect(token.text).toContain("This token can no longer enroll devices, so the console shows no QR code and offers no Export for it. Select Replace token to issue a new one.");
    expect(token.text).not.toContain("/export");
    expect(token.text).not.toContain("qr.png");
    const overview = await getPage(profile);
    expect(overview.text).not.toContain("/export");
    expect(overview.text).toContain("The token can no longer enroll devices, so the console offers no Export for it. Select Token, then Replace token, to issue a new one.");
    // A link kept from before: a page that says why, not a file.
    const exported = await getPage(`${profile}/export`);
    expect(exported.status).toBe(409);
    expect(exported.type).toBe("text/html; charset=utf-8");
    expect(exported.text).toContain("This token can no longer enroll devices");
    const qr = await getPage(`${profile}/qr.png`);
    expect(qr.status).toBe(409);
    expect(qr.text).toContain("This token can no longer enroll devices");
  }
});

// Before, the Review step's form could be sent any number of times (a double submit on a slow
// link, or Back and resubmit after Create), each time creating one more profile with its own
// live enrollment token.
describe("Create profile's Review + create", () => {
  it("creates one profile however often its form is sent, and later sends lead to that profile", async () => {
    const opened = await getPage(WIZARD);
    const draft = /name="draft" value="([^"]+)"/.exec(opened.text)?.[1];
    expect(draft).toMatch(/^[0-9a-f-]{36}$/);
    const review = await post(WIZARD, basics({ displayName: "Sent three times", draft: draft!, step: "scope" }));
    expect(await review.text()).toContain(`name="draft" value="${draft}"`);
    const sends = await Promise.all([1, 2, 3].map(() => post(WIZARD, basics({ displayName: "Sent three times", draft: draft!, step: "review", go: "create" }))));
    const locations = sends.map((r) => r.headers.get("location") ?? "");
    expect(sends.map((r) => r.status)).toEqual([303, 303, 303]);
    const ids = new Set(locations.map((l) => /\/([0-9a-f-]{36})\?/.exec(l)?.[1]));
    expect(ids.size).toBe(1);
    expect(locations.filter((l) => l.endsWith("?done=created"))).toHaveLength(1);
    expect(locations.filter((l) => l.endsWith("?done=alreadyCreated"))).toHaveLength(2);
    const named = (await service.admin.listProfiles()).filter((p) => p.displayName === "Sent three times");
    expect(named).toHaveLength(1);
    const again = await getPage(locations.find((l) => l.endsWith("alreadyCreated"))!);
    expect(again.text).toContain("This profile was already created from that form, so no other was made.");
  });
});

// Before, every Token page said "It holds the Wi-Fi key in plain text", even for a profile with
// no Wi-Fi at all, and said nothing of RealWear devices or of a staging network.
describe("the Token page's notes on the QR code", () => {
  const tokenPage = async (fields: Record<string, string>) => {
    const created = await post(WIZARD, basics({ step: "review", go: "create", ...fields }));
    expect(created.status).toBe(303);
    const caption = /<figcaption>([\s\S]*?)<\/figcaption>/.exec((await getPage(`${created.headers.get("location")!.split("?")[0]}/token`)).text)?.[1];
    expect(caption).toBeDefined();
    return caption!;
  };

  it("warns of the key in plain text only when the profile has one, and names a staging network only when it has Wi-Fi", async () => {
    const keyed = await tokenPage({ displayName: "Keyed", wifiSsid: "Contoso-Staging", wifiType: "wpa", wifiPassword: "Staging-Key-2025" });
    expect(keyed).toContain("The code holds the pre-shared key of Contoso-Staging in plain text");
    expect(keyed).toContain("Use a staging network with limited access for enrollment");
    const open = await tokenPage({ displayName: "Open Wi-Fi", wifiSsid: "Contoso-Guest", wifiType: "none" });
    expect(open).toContain("Devices join Contoso-Guest, an open network, during setup.");
    expect(open).not.toContain("plain text");
    const none = await tokenPage({ displayName: "No Wi-Fi", wifiType: "none" });
    expect(none).not.toMatch(/plain text|staging network/);
    for (const caption of [keyed, open, none]) expect(caption).toContain("tap the screen six times to open the scanner");
    for (const caption of [keyed, open]) expect(caption).toContain("On a RealWear device, skip the first-time setup");
  });

  // Before, a profile with no Wi-Fi got the same note: "On a RealWear device, skip the first-time
  // setup: ... this code is all it needs", and a RealWear device given that code stopped at
  // "Couldn't connect to Wi-Fi" (noNetwork: it has no setup wizard to join a network on).
  it("says a code that names no network cannot set up a RealWear device, and what to create instead", async () => {
    const none = await tokenPage({ displayName: "No Wi-Fi for RealWear", wifiType: "none" });
    expect(none).not.toContain("this code is all it needs");
    expect(none).toContain("The code names no Wi-Fi network, so a device must already be online when it scans it.");
    expect(none).toContain("A RealWear device skips the first-time setup and cannot join a network before it scans, so it cannot enroll with this code");
    expect(none).toContain("For RealWear devices, create a profile with the SSID");
  });
});

// Before, Export's file name kept ASCII letters only: a Japanese name became "__.json".
describe("Export's file name", () => {
  it("keeps a name in any script in filename*, beside the ASCII fallback", async () => {
    const created = await post(WIZARD, basics({ step: "review", go: "create", displayName: "名前 ü/x" }));
    expect(created.status).toBe(303);
    const base = created.headers.get("location")!.split("?")[0]!;
    const exported = await fetch(`${service.url}${base}/export`, { headers: { cookie: session.cookie } });
    expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="__ __x.json"; filename*=UTF-8''${encodeURIComponent("名前 ü_x.json")}`);
  });
});
