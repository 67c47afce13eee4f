/**
 * Refusals in the words of the form the admin fills in, over HTTP as a browser posts the forms.
 * Before: the console passed on the admin API's words, naming Graph's properties the forms do not
 * show ("displayName" is required, tokenExpirationDateTime: ..., "acceptanceStatement" is
 * required), quoting a regular expression for an OS version, naming a second Teams profile's rival
 * by its GUID, and saying a dynamic group "needs a membershipRule" tied to no field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { form, FORM, signIn, type ConsoleSession } from "./support.js";

const PROFILES = "/devices/enrollment/android/aosp/corporate-owned-user-associated";
const WIZARD = `${PROFILES}/create`;

const now = Date.parse("2025-03-01T10:00:00Z");
let service: MockService;
let session: ConsoleSession;

beforeAll(async () => {
  service = await startMockService({ now: () => new Date(now) });
  session = await signIn(service);
});
afterAll(() => service.close());

async function post(path: string, fields: Record<string, string>): Promise<{ status: number; page: string }> {
  const response = await fetch(`${service.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: session.cookie, origin: service.url },
    body: form({ _csrf: session.csrf, ...fields }),
  });
  return { status: response.status, page: await response.text() };
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const textOf = (markup: string) => markup.replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!).trim();

/** What the page says under the refused field `id`, and that its control is marked invalid and names it. */
function fieldError(page: string, id: string): string {
  const note = new RegExp(`<p class="field-error" id="${id}-error">([\\s\\S]*?)</p>`).exec(page);
  expect(note, `no error under #${id}`).not.toBeNull();
  // The control (or the radio group's fieldset) that names the error in its aria-describedby.
  const control = new RegExp(`<(?:input|fieldset|select|textarea)\\b[^>]*\\baria-describedby="[^"]*\\b${id}-error"[^>]*>`).exec(page)?.[0] ?? "";
  expect(control).toContain('aria-invalid="true"');
  return textOf(note![1]!);
}

/** The Basics of a draft the service takes, with `fields` changed. */
const basics = (fields: Record<string, string> = {}) => ({ step: "basics", go: "next", displayName: "Factory 1 devices", expiry: "2025-06-01", wifiType: "none", ...fields });

describe("Create profile says what to fix with the labels of its Basics", () => {
  it.each([
    ["displayName", { displayName: "" }, "Name is required: give the profile a name"],
    ["expiry", { expiry: "2025-02-01" }, "Token expiration date: the token must expire in the future"],
    ["wifiPassword", { wifiSsid: "Lab", wifiType: "wpa", wifiPassword: "" }, "Pre-shared key is required for Wi-Fi type WPA Pre-shared key"],
    ["wifiPassword", { wifiSsid: "Lab", wifiType: "wpa", wifiPassword: "short" }, "Pre-shared key: a WPA pre-shared key is 8 to 63"],
    ["wifiSsid", { wifiSsid: "x".repeat(33) }, "SSID is 33 bytes in UTF-8; an SSID is at most 32"],
  ])("%s: %j", async (field, fields, words) => {
    const { status, page } = await post(WIZARD, basics(fields));
    expect(status).toBe(400);
    const said = fieldError(page, field);
    expect(said).toContain(words);
    expect(said).not.toMatch(/displayName|tokenExpirationDateTime|wifiPassword|wifiSsid|wifiSecurityType/);
  });

  it("says which way to move an expiry date, as Replace token does", async () => {
    const { page } = await post(WIZARD, basics({ expiry: "2025-02-01" }));
    expect(fieldError(page, "expiry")).toMatch(/; pick a later date\.$/);
  });

  it("names the tenant's Teams profile by its name, with a link, when a second one is enabled", async () => {
    const first = await service.admin.createProfile({
      displayName: "Teams rooms",
      enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
      isTeamsDeviceProfile: true,
    });
    for (const step of [basics({ teams: "enabled" }), basics({ teams: "enabled", step: "review", go: "create" })]) {
      const { status, page } = await post(WIZARD, step);
      expect(status).toBe(400);
      const said = fieldError(page, "teams");
      expect(said).toContain("only one profile per tenant can be for Microsoft Teams devices, and the profile Teams rooms already is");
      expect(said).not.toContain(first.id);
      expect(page).toContain(`<a href="${PROFILES}/${first.id}">Teams rooms</a>`);
    }
    expect((await service.admin.listProfiles()).map((p) => p.displayName)).toEqual(["Teams rooms"]);
  });
});

describe("Create policy says what a setting takes, with its label", () => {
  it.each([
    ["compliance", "osMinimumVersion", "abc", "Minimum OS version: abc is not a version: write up to four whole numbers separated by dots, e.g. 10 or 12.1."],
    ["compliance", "osMaximumVersion", "14.x", "Maximum OS version: 14.x is not a version: write up to four whole numbers separated by dots, e.g. 10 or 12.1."],
    ["compliance", "passwordMinimumLength", "x", "Minimum password length: x is not a whole number from 4 to 16."],
    ["configuration", "passwordMinimumLength", "17", "Minimum password length: 17 is not a whole number from 4 to 16."],
    ["configuration", "passwordMinutesOfInactivityBeforeScreenTimeout", "0", "Minutes of inactivity before the screen times out: 0 is not a whole number of 1 or more."],
    ["compliance", "minAndroidSecurityPatchLevel", "2024-02-30", "Minimum security patch level: 2024-02-30 is not a day the calendar has: write it as YYYY-MM-DD, e.g. 2024-06-01."],
  ])("%s %s %s", async (kind, setting, value, words) => {
    const { status, page } = await post(`/devices/${kind}/create`, { displayName: "Words", [setting]: value, noncompliantAfterDays: "0" });
    expect(status).toBe(400);
    expect(fieldError(page, setting)).toBe(words);
    expect(page).not.toContain("must match pattern");
  });

  // Before: "the days after noncompliance are a whole number from 0 to 365", without the label
  // or what was typed, unlike every setting's refusal above.
  it.each(["400", "1.5", "-1"])("compliance noncompliantAfterDays %s", async (value) => {
    const { status, page } = await post("/devices/compliance/create", { displayName: "Words", noncompliantAfterDays: value });
    expect(status).toBe(400);
    expect(fieldError(page, "noncompliantAfterDays")).toBe(`Mark device noncompliant: days after noncompliance: ${value} is not a whole number from 0 to 365.`);
  });

  it("words the service's own refusals with the labels too", async () => {
    const { page } = await post("/devices/compliance/create", { displayName: "Words", osMinimumVersion: "14", osMaximumVersion: "12", noncompliantAfterDays: "0" });
    expect(fieldError(page, "osMinimumVersion")).toBe(
      "Minimum OS version (14) is above Maximum OS version (12): no device could be compliant; lower Minimum OS version or raise Maximum OS version",
    );
    const unnamed = await post("/devices/configuration/create", { displayName: "" });
    expect(fieldError(unnamed.page, "displayName")).toBe("Name is required: give the policy a name");
  });
});

describe("Terms and New group refuse with their labels", () => {
  it("names Summary of Terms, and leaves the word title in the sentence alone", async () => {
    const { status, page } = await post("/tenant-admin/terms-and-conditions/create", { displayName: "T", title: "Terms", bodyText: "Text", acceptanceStatement: "" });
    expect(status).toBe(400);
    expect(fieldError(page, "acceptanceStatement")).toBe(
      "Summary of Terms is required: users see the title, the text and the acceptance statement on their device",
    );
  });

  // Before: "Name is required: users see the title, the text and the acceptance statement on
  // their device", a reason that is not the name's: users never see it.
  it("gives an empty Name its own reason", async () => {
    const { status, page } = await post("/tenant-admin/terms-and-conditions/create", { displayName: " ", title: "Terms", bodyText: "Text", acceptanceStatement: "I accept" });
    expect(status).toBe(400);
    expect(fieldError(page, "displayName")).toBe("Name is required: give the terms and conditions a name");
  });

  it("ties an empty group name and a dynamic group without a rule to their fields", async () => {
    const unnamed = await post("/groups/new", { displayName: "", membershipType: "assigned" });
    expect(fieldError(unnamed.page, "displayName")).toBe("Group name is required");
    const ruleless = await post("/groups/new", { displayName: "Factory 1 devices", membershipType: "dynamicDevice", property: "enrollmentProfileName", operator: "-eq", value: "" });
    expect(ruleless.status).toBe(400);
    const said = fieldError(ruleless.page, "query");
    expect(said).toContain("A Dynamic device group needs a rule: choose Add dynamic query and fill in the simple rule");
    expect(said).not.toContain("membershipRule");
    expect(await service.admin.listGroups()).toEqual([]);
  });
});
