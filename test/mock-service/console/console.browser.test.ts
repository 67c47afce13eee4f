/**
 * The console in a real headless browser, end to end, as an admin follows the seed document:
 * sign in; Users (a licensed user); Devices > Enrollment > Android > Corporate-owned,
 * user-associated devices > Create profile (the wizard, with the API's own refusal in place);
 * Groups > New group (a dynamic device group, the rule parser's error in place); the profile's
 * Token, whose QR code is read back from a screenshot with the project's own decoder and scanned
 * by a simulated device through the CLI; the device appears live in the device list; Discovered
 * apps; the seed's next steps (a device restrictions policy assigned to the device group, whose
 * state the device page shows live, a compliance policy, terms and conditions assigned to an
 * assigned group the user is added to); Wipe (Pending, then gone once the device checks in and
 * resets); Replace token and Revoke
 * token, after which a second device is refused. Every page gets an axe-core scan.
 *
 * With CONSOLE_SCREENSHOTS=<folder>, the README's screenshots are written there.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../agent/device/clock.js";
import { createDevice } from "../../../agent/device/create-device.js";
import { decodeQrImage } from "../../../agent/qr/index.js";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { axeViolations, followLink, launchBrowser, openPage, type Browser, type Page } from "../../helpers/browser.js";
import { aospSim, deviceTempDir } from "../../helpers/device-cli.js";

const ADMIN_TOKEN = "console-e2e-admin-token";
const USER = { displayName: "Alex Wilber", upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
const PROFILE = "Factory 1 devices";
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;

const temp = deviceTempDir("aosp-console-");

// Callbacks run inside the page; the project's typings have no DOM library, so they use these
// minimal shapes of what they touch.
interface El {
  innerText: string;
  textContent: string | null;
  value: string;
  checked: boolean;
  href: string;
  getAttribute(name: string): string | null;
}
declare const document: { querySelector(selector: string): El | null };
declare const window: Record<string, unknown>;
let service: MockService;
let browser: Browser;
let page: Page;
let errors: string[];
/** Pages scanned by axe, and the serious or critical violations found on them. */
const scanned: string[] = [];
const violations: string[] = [];

beforeAll(async () => {
  service = await startMockService({ adminToken: ADMIN_TOKEN });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser));
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await service?.close();
});

/** Clicks something that loads a new page, and waits for it (see followLink). */
const go = (selector: string): Promise<void> => followLink(page, selector);

/** Scans the current page; what is found is reported by the last test. */
async function scan(): Promise<void> {
  const path = new URL(page.url()).pathname;
  scanned.push(path);
  violations.push(...(await axeViolations(page)).map((v) => `${path}: ${v}`));
}

async function text(selector = "main"): Promise<string> {
  return page.$eval(selector, (el) => (el as unknown as El).innerText);
}

async function screenshot(name: string, selector?: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name) as `${string}.png`;
  if (selector) await (await page.$(selector))!.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** The token page's QR code as the screen shows it, read back with the project's decoder. */
async function qrFromScreen(file: string): Promise<string> {
  const image = await page.$(".qr img");
  const png = await image!.screenshot({ type: "png" });
  writeFileSync(file, png);
  const decoded = await decodeQrImage(png, file);
  expect(decoded.codes).toHaveLength(1);
  return decoded.codes[0]!.text;
}

/**
 * A refused field as the browser's accessibility tree reads it: described by its hint and its
 * error (before, the server sent two aria-describedby attributes and the browser kept the hint's
 * alone), and the page's focus on the error summary, where a keyboard or screen reader user starts.
 */
async function expectRefusalTiedTo(id: string): Promise<void> {
  expect(await page.$eval(`#${id}`, (el) => el.getAttribute("aria-describedby"))).toBe(`${id}-hint ${id}-error`);
  expect(await page.evaluate(() => (document as unknown as { activeElement: { className: string } | null }).activeElement?.className)).toBe("error-summary");
}

describe("the admin console, following the seed document", { timeout: 120_000 }, () => {
  it("signs in with the admin token and lands where it was going", async () => {
    await page.goto(`${service.url}/devices`);
    expect(new URL(page.url()).pathname).toBe("/signin");
    await scan();
    await page.type("#token", "wrong-token");
    await go("button[type=submit]");
    expect(await text()).toContain("That is not this service's admin token");
    await page.type("#token", ADMIN_TOKEN);
    await go("button[type=submit]");
    expect(new URL(page.url()).pathname).toBe("/devices");
    const cookies = await page.cookies();
    expect(cookies.find((c) => c.name === `aospsim_console_${new URL(service.url).port}`)).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(page.url()).not.toContain(ADMIN_TOKEN);
    await scan();
    await go("nav.left-nav a::-p-text(Home)");
    expect(await text("h2")).toContain("Set up Android (AOSP) corporate-owned, user-associated devices");
    await scan();
  });

  it("creates a licensed user under Users", async () => {
    await go("nav.left-nav a::-p-text(Users)");
    await page.type("#userDisplayName", USER.displayName);
    await page.type("#upn", USER.upn);
    await page.type("#password", "short");
    await go("form button.primary");
    expect(await text(".error-summary")).toContain("does not comply with password complexity requirements");
    await page.type("#password", USER.password);
    await go("form button.primary");
    expect(await text("table")).toMatch(new RegExp(`${USER.upn}\\s+Yes\\s+INTUNE_A`));
    await scan();
    await go(`a::-p-text(${USER.displayName})`);
    expect(await page.$eval("input[name=licence][value='061f9ace-7d42-4136-88ac-31dc755f143f']", (el) => (el as unknown as El).checked)).toBe(true);
    await scan();
    await go("nav.left-nav a::-p-text(Tenant administration)");
    expect(await text()).toMatch(/Microsoft Intune Plan 1\s+INTUNE_A\s+Yes\s+1/);
    await scan();
  });

  it("creates a profile through the wizard, showing the API's refusal in place", async () => {
    await go("nav.left-nav a::-p-text(Devices)");
    await go("a::-p-text(Enrollment)");
    await scan();
    await go("a::-p-text(Corporate-owned, user-associated devices)");
    await scan();
    await go("a::-p-text(Create profile)");
    await page.type("#displayName", PROFILE);
    await page.type("#description", "Handhelds for the first factory");
    await page.type("#wifiSsid", "Contoso-Staging");
    await page.select("#wifiType", "wpa");
    await page.type("#wifiPassword", "short");
    await go("button[value=next]");
    // The service's own message, from the same check the admin API makes, naming the field's label.
    const refusal = await text(".error-summary");
    expect(refusal).toContain("Pre-shared key: a WPA pre-shared key is 8 to 63 printable ASCII characters (the passphrase)");
    expect(await page.$eval("#wifiPassword", (el) => el.getAttribute("aria-invalid"))).toBe("true");
    await expectRefusalTiedTo("wifiPassword");
    expect(await text("#wifiPassword-error")).toContain("a WPA pre-shared key is 8 to 63");
    expect(await page.$eval(".wizard-steps [aria-current=step]", (el) => el.textContent)).toBe("Basics");
    await scan();
    await screenshot("console-wizard-basics.png");
    await page.$eval("#wifiPassword", (el) => ((el as unknown as El).value = ""));
    await page.type("#wifiPassword", "staging-passphrase");
    await go("button[value=next]");
    expect(await page.$eval(".wizard-steps [aria-current=step]", (el) => el.textContent)).toBe("Scope tags");
    await scan();
    await go("button[value=next]");
    expect(await page.$eval(".wizard-steps [aria-current=step]", (el) => el.textContent)).toBe("Review + create");
    expect(await text("dl")).toMatch(/Wi-Fi type\s+WPA Pre-shared key/);
    await screenshot("console-wizard-review.png");
    await scan();
    await go("button[value=create]");
    expect(await text("h1")).toBe(PROFILE);
    expect(await text()).toContain("Profile created");
    await scan();
    const [profile] = await service.admin.listProfiles();
    expect(profile).toMatchObject({ displayName: PROFILE, wifiSsid: "Contoso-Staging", wifiSecurityType: "wpa", wifiPassword: "staging-passphrase" });
  });

  it("Groups > New group > Add dynamic query: refuses a rule the parser cannot read, in place, and creates the group with the simple rule", async () => {
    await go("nav.left-nav a::-p-text(Groups)");
    await scan();
    await go("a::-p-text(New group)");
    await page.type("#displayName", "Factory 1 devices group");
    await page.select("#membershipType", "dynamicDevice");
    // The seed: "Choose Add dynamic query", then the Dynamic membership rules blade.
    await go("button::-p-text(Add dynamic query)");
    expect(await text("h1")).toBe("Dynamic membership rules");
    await page.type("#membershipRule", "device.enrollmentProfileName -eq");
    // Checked as it is typed (htmx asks the service's parser).
    await page.waitForFunction(() => document.querySelector("#rule-check")?.textContent?.includes("Line 1, column"));
    expect(await text("#rule-check")).toMatch(/^Line 1, column 33: expected a value .*\n?Expected a value\.$/);
    await scan();
    await go("button::-p-text(Add query)");
    expect(await text(".error-summary")).toContain("The rule cannot be read (line 1): expected a value");
    await page.$eval("#membershipRule", (el) => ((el as unknown as El).value = ""));
    // "Add devices where: enrollmentProfileName", "In the middle box, choose Equals", then the profile's name.
    await page.select("#property", "enrollmentProfileName");
    await page.select("#operator", "-eq");
    await page.type("#value", PROFILE);
    await page.waitForFunction(() => document.querySelector("#rule-check")?.textContent?.includes("valid"));
    expect(await text("#rule-check")).toBe(`The rule is valid: (device.enrollmentProfileName -eq "${PROFILE}")`);
    await scan();
    // "Choose Add query > Create."
    await go("button::-p-text(Add query)");
    expect(await text("h1")).toBe("New group");
    expect(await text(".dynamic-query")).toContain(`Dynamic query: (device.enrollmentProfileName -eq "${PROFILE}")`);
    expect(await page.$eval("#displayName", (el) => (el as unknown as El).value)).toBe("Factory 1 devices group");
    await scan();
    await go("form.group-form .wizard-buttons button.primary");
    expect(await text("dl")).toContain(`(device.enrollmentProfileName -eq "${PROFILE}")`);
    await scan();
  });

  let qrFile: string;
  let firstPayload: Record<string, unknown>;
  const deviceDir = temp.file("device-1");

  it("shows the profile's token as a QR code that reads back from the screen", async () => {
    await page.goto(`${service.url}/devices/enrollment/android/aosp/corporate-owned-user-associated`);
    await go(`a::-p-text(${PROFILE})`);
    await go("a.button::-p-text(Token)");
    await scan();
    const box = await (await page.$(".qr img"))!.boundingBox();
    // Large enough to scan from a screen: at least 300 CSS pixels a side.
    expect(box!.width).toBeGreaterThanOrEqual(300);
    qrFile = temp.file("token-1.png");
    firstPayload = JSON.parse(await qrFromScreen(qrFile)) as Record<string, unknown>;
    const [profile] = await service.admin.listProfiles();
    expect(firstPayload).toEqual(await service.admin.exportProfile(profile!.id));
    await screenshot("console-token-qr.png", "main");
  });

  it("exports the profile's JSON as a download", async () => {
    const href = await page.$eval("a::-p-text(Export)", (el) => (el as unknown as El).href);
    const exported = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { disposition: response.headers.get("content-disposition"), body: (await response.json()) as Record<string, unknown> };
    }, href);
    expect(exported.disposition).toBe(`attachment; filename="${PROFILE}.json"; filename*=UTF-8''${encodeURIComponent(`${PROFILE}.json`)}`);
    const [profile] = await service.admin.listProfiles();
    expect(exported.body).toEqual(await service.admin.exportProfile(profile!.id));
  });

  it("shows a device enrolled through the CLI with the screen's QR code, live, in the device list", async () => {
    const list = (await openPage(browser)).page;
    await list.goto(`${service.url}/devices`);
    expect(await list.$eval("#device-table", (el) => (el as unknown as El).innerText)).toContain("No devices yet");
    // Marks this page: a reload would lose the mark, so a row that appears with the mark was added live.
    await list.evaluate(() => (window.stayed = true));
    const result = await aospSim(["enroll", qrFile, "--user", USER.upn, "--password", USER.password, "--json", "--clock", "simulated", "--seed", "21", "--device-dir", deviceDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // The enrollment and the sign-in that follows it within the second may be told apart (the
    // page is told at most once a second): the row appears, then gets its user.
    await list.waitForFunction((upn) => document.querySelector("#device-table tbody tr")?.textContent?.includes(upn), { timeout: 15_000 }, USER.upn);
    expect(await list.evaluate(() => window.stayed)).toBe(true);
    const row = await list.$eval("#device-table tbody tr", (el) => (el as unknown as El).innerText);
    expect(row).toContain(USER.upn);
    expect(row).toContain("Managed");
    expect(row).toContain(PROFILE);
    await list.setViewport({ width: 1280, height: 700 });
    if (SCREENSHOTS) await list.screenshot({ path: join(SCREENSHOTS, "console-device-list.png") });
    await list.close();
  });

  // The device that enrolled through the CLI, resumed from its storage: it checks in on its schedule.
  let device: Awaited<ReturnType<typeof createDevice>>;

  it("shows the device's check-ins live on its page, and its Discovered apps with their Application Version", async () => {
    await page.goto(`${service.url}/devices`);
    await go("#device-table tbody a");
    await scan();
    device = await createDevice({ qr: { image: readFileSync(qrFile) }, storage: { dir: deviceDir }, clock: new SimulatedClock() });
    device.powerOn();
    await device.runFor(4 * 60_000);
    await page.waitForFunction(() => document.querySelector("#device-live")?.textContent?.includes("Check-in"), { timeout: 15_000 });
    await go("a::-p-text(Discovered apps)");
    const apps = await text("table");
    expect(apps).toContain("Application Version");
    for (const installed of await device.installedApps()) {
      if (installed.packageName.startsWith("com.microsoft") || installed.packageName.startsWith("com.azure")) {
        expect(apps).toMatch(new RegExp(`${installed.packageName.replaceAll(".", "\\.")}\\s+${installed.versionName.replaceAll(".", "\\.")}`));
      }
    }
    await scan();
  });

  it("puts the dynamic group's member in place: the enrolled device", async () => {
    await go("nav.left-nav a::-p-text(Groups)");
    await go("a::-p-text(Factory 1 devices group)");
    const [managed] = await service.admin.listManagedDevices();
    expect(await text("table")).toContain(managed!.deviceName);
  });

  it("creates an Android (AOSP) device restrictions policy, refused in place, assigned to the device group, and shows the device's state live", async () => {
    await go("nav.left-nav a::-p-text(Configuration)");
    expect(await page.$eval("nav.left-nav [aria-current=page]", (el) => el.textContent)).toBe("Configuration");
    await scan();
    await go("a::-p-text(Create policy)");
    expect(await page.$eval("#platform", (el) => (el as unknown as El).value)).toBe("androidAOSP");
    expect(await page.$eval("#profileType option:checked", (el) => el.textContent)).toBe("Device restrictions");
    await page.type("#displayName", "Factory restrictions");
    await page.select("#cameraBlocked", "true");
    await page.select("#passwordRequiredType", "alphanumeric");
    await page.type("#passwordMinimumLength", "20");
    await page.click("label::-p-text(Factory 1 devices group)");
    await go("form.policy-form button.primary");
    // The admin API's own check, said with the field's label next to the field; what was typed stays.
    expect(await text(".error-summary")).toContain("Minimum password length: 20 is not a whole number from 4 to 16.");
    expect(await text("#passwordMinimumLength-error")).toBe("Minimum password length: 20 is not a whole number from 4 to 16.");
    expect(await page.$eval("#passwordMinimumLength", (el) => el.getAttribute("aria-invalid"))).toBe("true");
    expect(await page.$eval("#cameraBlocked", (el) => (el as unknown as El).value)).toBe("true");
    await scan();
    await screenshot("console-policy-create.png", "main");
    // By keyboard: the field, a corrected value, Enter submits.
    await page.$eval("#passwordMinimumLength", (el) => ((el as unknown as El).value = ""));
    await page.focus("#passwordMinimumLength");
    await page.keyboard.type("6");
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press("Enter")]);
    expect(await text("h1")).toBe("Factory restrictions");
    expect(await text()).toContain("Policy created");
    expect(await text(".warning")).toContain("password type alphanumeric cannot be enforced on Android (AOSP) devices");
    await scan();
    await go("nav.left-nav a::-p-text(Devices)");
    await go("#device-table tbody a");
    expect(await text("#device-live")).toContain("Pending: the device gets it at its next check-in");
    await device.runFor(4 * 60_000);
    await page.waitForFunction(() => document.querySelector("#device-live")?.textContent?.includes("Block camera: Succeeded"), { timeout: 15_000 });
    expect(await text("#device-live")).toMatch(/Factory restrictions\s+Succeeded/);
    expect(await text("#device-live")).toMatch(/Required password type: Not applicable/);
    await scan();
  });

  it("creates an Android (AOSP) compliance policy under Devices > Compliance", async () => {
    await go("nav.left-nav a::-p-text(Compliance)");
    expect(await text()).toContain("Compliance reports are not available for Android (AOSP)");
    await scan();
    await go("a::-p-text(Create policy)");
    await page.type("#displayName", "Factory compliance");
    await page.select("#passwordRequired", "true");
    await page.type("#osMinimumVersion", "10");
    await scan();
    await go("form.policy-form button.primary");
    expect(await text("h1")).toBe("Factory compliance");
    expect(await text()).toMatch(/Mark device noncompliant\s+Immediately/);
    await scan();
  });

  it("adds the user to an assigned group and assigns terms and conditions to it under Tenant administration", async () => {
    await go("nav.left-nav a::-p-text(Groups)");
    await go("a::-p-text(New group)");
    await page.type("#displayName", "Factory 1 users");
    await page.select("#membershipType", "assigned");
    await go("form.group-form button.primary");
    expect(await text("table")).toContain("No members yet. Add users or devices with Add members.");
    expect(await text("dl")).not.toContain("Dynamic membership rule");
    await page.click(`label::-p-text(${USER.upn})`);
    await go("button::-p-text(Add)");
    expect(await text("table")).toMatch(new RegExp(`${USER.displayName}\\s+User\\s+Remove`));
    await scan();
    await go("nav.left-nav a::-p-text(Terms and conditions)");
    await scan();
    await go("a.button::-p-text(Create)");
    await page.type("#displayName", "Factory terms");
    await page.type("#bodyText", "Work devices are for work only.");
    await page.type("#acceptanceStatement", "I accept the terms of use of my work device.");
    await page.click("label::-p-text(Factory 1 users)");
    // A title of spaces passes the browser's own check (required); the service refuses it, next to the field.
    await page.type("#title", "  ");
    await go("form.terms-form button.primary");
    expect(await text("#title-error")).toContain("Title is required");
    expect(await page.$eval("#title", (el) => el.getAttribute("aria-invalid"))).toBe("true");
    await scan();
    await page.$eval("#title", (el) => ((el as unknown as El).value = ""));
    await page.type("#title", "Use of work devices");
    await go("form.terms-form button.primary");
    expect(await text("h1")).toBe("Factory terms");
    expect(await text("table")).toContain("Factory 1 users");
    await scan();
  });

  it("finds the user's AOSP devices under Troubleshooting + support", async () => {
    await go("nav.left-nav a::-p-text(Troubleshooting + support)");
    await scan();
    const userId = await page.$eval(`#user option::-p-text(${USER.upn})`, (el) => (el as unknown as El).value);
    await page.select("#user", userId);
    await go("form.inline-form button::-p-text(Show devices)");
    const [managed] = await service.admin.listManagedDevices();
    expect(await text("table")).toContain(managed!.deviceName);
    await scan();
  });

  // Before, a confirmation opened with the focus at the top of the page, a dozen Tabs from Yes
  // and No; it now starts on No, the answer that changes nothing.
  async function expectFocusOnNo(): Promise<void> {
    const focused = await page.evaluate(() => {
      const element = (document as unknown as { activeElement: { textContent: string | null; closest(s: string): unknown } }).activeElement;
      return { text: element.textContent, inDialog: element.closest("[role=alertdialog]") !== null };
    });
    expect(focused).toEqual({ text: "No", inDialog: true });
  }

  it("wipes the device: Pending, then gone once the device checks in and resets", async () => {
    await go("nav.left-nav a::-p-text(Devices)");
    await go("#device-table tbody a");
    await go("a.button::-p-text(Wipe)");
    expect(await text("[role=alertdialog]")).toContain("Are you sure you want to wipe");
    await expectFocusOnNo();
    await scan();
    await go("button::-p-text(Yes)");
    expect(await text()).toContain("Wipe requested");
    expect(await text("#device-live")).toContain("Pending (wipe)");
    await go("nav.left-nav a::-p-text(Devices)");
    expect(await text("#device-table")).toContain("Pending (wipe)");
    // Marks this page: a reload would lose the mark, so a list that empties with the mark did so live.
    await page.evaluate(() => (window.stayed = true));
    const outcome = await device.runUntil((d) => d.state === "welcome", { limitMs: 3 * 3600_000 });
    expect(outcome).toBe("done");
    device.dispose();
    // Gone once reset, from the open list, without a reload.
    await page.waitForFunction(() => document.querySelector("#device-table")?.textContent?.includes("No devices yet"), { timeout: 15_000 });
    expect(await page.evaluate(() => window.stayed)).toBe(true);
    expect(await service.admin.listManagedDevices()).toEqual([]);
  });

  let replacedQr: string;
  const tokenPage = async () => {
    await page.goto(`${service.url}/devices/enrollment/android/aosp/corporate-owned-user-associated`);
    await go(`a::-p-text(${PROFILE})`);
    await go("a.button::-p-text(Token)");
  };

  it("replaces the token with one of a new expiry: a new QR code", async () => {
    await tokenPage();
    await go("a.button::-p-text(Replace token)");
    await scan();
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    // The earliest day offered is tomorrow: today, at the time of day the token is set to, is
    // not in the future, and the service refuses it (before, the picker offered it).
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect(await page.$eval("#expiry", (el) => (el as unknown as { getAttribute(n: string): string | null }).getAttribute("min"))).toBe(tomorrow);
    // Past the picker's max (the browser's own check is set aside): the service's refusal, next to the field.
    const tooFar = new Date(Date.now() + 70 * 366 * 86_400_000).toISOString().slice(0, 10);
    await page.$eval("#expiry", (el, value) => {
      const input = el as unknown as El & { form: { noValidate: boolean } };
      input.value = value;
      input.form.noValidate = true;
    }, tooFar);
    await go("button::-p-text(OK)");
    expect(await text("#expiry-error")).toContain("Token expiration date: the token may expire at most 65 years ahead");
    await expectRefusalTiedTo("expiry");
    await scan();
    await page.$eval("#expiry", (el, value) => ((el as unknown as El).value = value), nextYear);
    await go("button::-p-text(OK)");
    expect(await text()).toContain("Token replaced");
    expect(await text("dl")).toMatch(new RegExp(`Token expiration date\\s+${nextYear}`));
    replacedQr = temp.file("token-2.png");
    const replaced = JSON.parse(await qrFromScreen(replacedQr)) as Record<string, Record<string, string>>;
    const tokenKey = "com.microsoft.intune.aosp.enrollmentToken";
    const extras = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";
    expect(replaced[extras]![tokenKey]).not.toBe((firstPayload[extras] as Record<string, string>)[tokenKey]);
  });

  it("deletes a device: gone from the list at once, with no pending status", async () => {
    const other = await createDevice({ qr: { image: readFileSync(replacedQr) }, user: { userPrincipalName: USER.upn, password: USER.password }, seed: 9 });
    expect((await other.enroll()).finalState).toBe("enrolled");
    other.dispose();
    await go("nav.left-nav a::-p-text(Devices)");
    await go("#device-table tbody a");
    await go("a.button::-p-text(Delete)");
    expect(await text("[role=alertdialog]")).toContain("Are you sure you want to delete");
    await scan();
    await go("button::-p-text(Yes)");
    expect(new URL(page.url()).pathname).toBe("/devices");
    expect(await text()).toContain("Device deleted");
    expect(await text("#device-table")).toContain("No devices yet");
    await scan();
  });

  it("revokes the token after a confirmation, and a device scanning it is refused", async () => {
    await tokenPage();
    await go("a.button::-p-text(Revoke token)");
    expect(await text("[role=alertdialog]")).toContain("Are you sure you want to revoke");
    await expectFocusOnNo();
    await scan();
    await go("button::-p-text(Yes)");
    expect(await text()).toContain("Token revoked");
    expect(await page.$(".qr img")).toBeNull();
    // Nor the JSON: it holds the same revoked token.
    expect(await page.$("a::-p-text(Export)")).toBeNull();
    expect(await text(".warning")).toContain("no QR code and offers no Export");
    await scan();
    const refused = await aospSim(["enroll", replacedQr, "--user", USER.upn, "--password", USER.password, "--json", "--clock", "simulated", "--seed", "22"]);
    expect(refused.code).toBe(1);
    expect((JSON.parse(refused.stdout) as { failure: { code: string } }).failure.code).toBe("tokenRevoked");
  });

  it("fits a laptop screen: no sideways scrolling at 1024 pixels wide", async () => {
    await page.setViewport({ width: 1024, height: 700 });
    for (const path of ["/devices", "/devices/enrollment/android/aosp/corporate-owned-user-associated/create", "/groups/new", "/users", "/devices/configuration/create", "/tenant-admin/terms-and-conditions/create"]) {
      await page.goto(`${service.url}${path}`);
      expect(await page.evaluate(() => (document as unknown as { documentElement: { scrollWidth: number } }).documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    }
    await page.setViewport({ width: 1280, height: 900 });
  });

  it("sets a new tenant's MDM authority to Intune under Tenant administration", async () => {
    // Another service on another port; cookies do not tell ports apart, so this console's
    // session cookie is put back afterwards.
    const fresh = await startMockService({ adminToken: ADMIN_TOKEN, tenant: "new" });
    const saved = await page.cookies(service.url);
    try {
      await page.goto(`${fresh.url}/`);
      await page.type("#token", ADMIN_TOKEN);
      await go("button[type=submit]");
      expect(await text(".steps li")).toMatch(/^Tenant administration: Set Microsoft Intune as MDM authority .*To do$/);
      // The wizard's refusal leads to the button, not to the admin API.
      await page.goto(`${fresh.url}/devices/enrollment/android/aosp/corporate-owned-user-associated/create`);
      await page.type("#displayName", PROFILE);
      await go("button[value=next]");
      expect(await text(".error-summary")).toContain("select Set Microsoft Intune as MDM authority");
      await scan();
      await go(".error-summary a::-p-text(Tenant administration)");
      expect(await text("dl")).toMatch(/MDM authority\s+Unknown \(not set\)/);
      await scan();
      await go("button::-p-text(Set Microsoft Intune as MDM authority)");
      expect(await text()).toContain("Microsoft Intune is the MDM authority.");
      expect(await text("dl")).toMatch(/MDM authority\s+Microsoft Intune/);
      await scan();
      await go("nav.left-nav a::-p-text(Home)");
      expect(await text(".steps li")).toMatch(/MDM authority .*Done$/);
    } finally {
      await page.setCookie(...saved);
      await fresh.close();
    }
  });

  it("has no serious or critical accessibility violations on any page it opened, and no script errors", async () => {
    // The scan itself works under the page's CSP: a control stripped of its label is found.
    await page.goto(`${service.url}/users`);
    await page.evaluate(() => (document as unknown as { querySelector(s: string): { remove(): void } }).querySelector("label[for=userDisplayName]").remove());
    expect((await axeViolations(page)).join("\n")).toContain("label (critical)");
    expect(new Set(scanned).size).toBeGreaterThan(15);
    expect(violations).toEqual([]);
    // The refusals the test provoked (a wrong token, a refused wizard step or group) are pages
    // with status 400 or 401, which the browser logs; anything else (a CSP violation, a script
    // error, a failed asset) is a failure.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 40[01]/.test(e))).toEqual([]);
  });
});
