/**
 * Sorted and filtered-and-counted managed-device lists give exactly what the documented rules
 * give, whichever way the service reads them: over a seeded mix of devices (equal values, case
 * differences, empty users, devices enrolled in the same millisecond), every `$orderby` walk
 * visits each listed device once, in OData's order (text ignoring case, ties by id), and every
 * `@odata.count` is the number of devices the filter keeps.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../agent/device/identity.js";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { createProfile, DEVICES, enroll, http, licensedUser, PASSWORD, useService, type TestService } from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);

type Device = Record<string, unknown> & { id: string };

const SERIALS = ["abc-1", "ABC-1", "Abc-2", "zz", "a", "A", "b_x", "B[x", "b`x", "Zz-9", "m 1", "M 1"];
const MODELS = ["Pixel 8", "pixel 8", "PIXEL 7", "Quest 3", "quest 3"];
const MAKERS = ["Google", "google", "Meta", "HTC"];
const VERSIONS = ["14", "13", "9", "10"];

/**
 * `count` devices from two profiles (one userless) at a clock that often does not move between
 * them; some check in (equal sync times), some sign in as one of three users, one is wiped
 * (still listed), one deleted (no longer listed). Returns the listed devices as the list shows them.
 */
async function seedDevices(t: TestService, count: number, extraSerials: readonly string[] = []): Promise<Device[]> {
  const random = seededRandom(count);
  const pick = <T>(from: readonly T[]): T => from[Math.floor(random() * from.length)]!;
  const named = await createProfile(t, { displayName: "Named", deviceNameTemplate: "{{SERIAL}}" });
  const userless = await createProfile(t, { displayName: "Kiosks", enrollmentMode: "corporateOwnedAOSPUserlessDevice" });
  const users = [await licensedUser(t, "ann@contoso.example"), await licensedUser(t, "Bob@contoso.example"), await licensedUser(t, "bob2@contoso.example")];
  const serials = [...extraSerials, ...Array.from({ length: count - extraSerials.length }, () => pick(SERIALS))];
  const enrolled = [];
  for (const serialNumber of serials) {
    if (random() < 0.4) t.clock.advance(1000);
    const profile = random() < 0.25 ? userless : named;
    const device = await enroll(t, profile.tokenValue, { serialNumber, model: pick(MODELS), manufacturer: pick(MAKERS), osVersion: pick(VERSIONS) });
    enrolled.push({ device, userless: profile === userless });
  }
  for (const { device, userless: kiosk } of enrolled) {
    if (random() < 0.3) t.clock.advance(60_000);
    if (random() < 0.5) {
      const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
      expect(reply.status, reply.text).toBe(200);
    }
    if (!kiosk && random() < 0.5) {
      const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.signIn(device.deviceId), { userPrincipalName: pick(users).upn, password: PASSWORD });
      expect(reply.status, reply.text).toBe(200);
    }
  }
  expect((await t.admin("POST", `${DEVICES}/${enrolled[1]!.device.deviceId}/wipe`)).status).toBe(204);
  expect((await t.admin("DELETE", `${DEVICES}/${enrolled[2]!.device.deviceId}`)).status).toBe(204);
  const all = await t.admin("GET", `${DEVICES}?$top=1000`);
  expect(all.body["@odata.nextLink"]).toBeUndefined();
  return all.body.value as Device[];
}

/** A property's value as OData compares it: text ignoring case, date-times as instants. */
function comparable(device: Device, property: string): string | number | null {
  const value = device[property];
  if (value === null || value === undefined) return null;
  if (property.endsWith("DateTime")) return Date.parse(String(value));
  return String(value).toLowerCase();
}

/** The documented order: each key in turn (null first when ascending), then id ascending. */
function reference(devices: readonly Device[], orderBy: string): Device[] {
  const keys = orderBy.split(",").map((part) => {
    const [property, direction] = part.trim().split(/\s+/);
    return { property: property!, sign: direction === "desc" ? -1 : 1 };
  });
  return [...devices].sort((a, b) => {
    for (const { property, sign } of keys) {
      const [x, y] = [comparable(a, property), comparable(b, property)];
      if (x === y) continue;
      if (x === null) return -sign;
      if (y === null) return sign;
      return x < y ? -sign : sign;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Every page of a list from `path`, following @odata.nextLink; `between` runs after each page. */
async function walk(t: TestService, path: string, between: (page: number) => Promise<void> = async () => {}): Promise<{ ids: string[]; counts: unknown[] }> {
  const ids: string[] = [];
  const counts: unknown[] = [];
  let url: string | undefined = `${t.url}${path}`;
  for (let page = 0; url !== undefined; page++) {
    const reply = await http(url, { bearer: t.service.adminToken });
    expect(reply.status, reply.text).toBe(200);
    ids.push(...(reply.body.value as Device[]).map((d) => d.id));
    counts.push(reply.body["@odata.count"]);
    await between(page);
    url = reply.body["@odata.nextLink"];
  }
  return { ids, counts };
}

const ORDERS = [
  "deviceName desc",
  "serialNumber",
  "serialNumber desc",
  "lastSyncDateTime",
  "lastSyncDateTime desc",
  "enrolledDateTime desc",
  "id desc",
  "operatingSystem",
  "managedDeviceName,lastSyncDateTime desc",
  "model,serialNumber desc",
  "userPrincipalName desc,enrolledDateTime",
  "complianceState,osVersion desc",
];

/** Filters the list takes, each with what it keeps, written out independently. */
const FILTERS: [string, (d: Device) => boolean][] = [
  ["operatingSystem eq 'androidAOSP'", () => true],
  ["operatingSystem eq 'Windows'", () => false],
  ["startswith(serialNumber,'ab')", (d) => String(d.serialNumber).toLowerCase().startsWith("ab")],
  ["contains(serialNumber,'_') or endswith(serialNumber,'X')", (d) => String(d.serialNumber).includes("_") || String(d.serialNumber).toLowerCase().endsWith("x")],
  ["model eq 'pixel 8' and not (manufacturer eq 'GOOGLE')", (d) => String(d.model).toLowerCase() === "pixel 8" && String(d.manufacturer).toLowerCase() !== "google"],
  ["model in ('PIXEL 7', 'quest 3') and userPrincipalName ne ''", (d) => ["pixel 7", "quest 3"].includes(String(d.model).toLowerCase()) && d.userPrincipalName !== ""],
  ["userPrincipalName eq 'bob@contoso.example'", (d) => d.userPrincipalName === "Bob@contoso.example"],
  ["deviceEnrollmentType eq 'androidAOSPUserlessDeviceEnrollment'", (d) => d.deviceEnrollmentType === "androidAOSPUserlessDeviceEnrollment"],
  ["managementState eq 'wipePending' or azureADRegistered eq false", (d) => d.managementState === "wipePending"],
  ["userId eq null", () => false],
  ["osVersion gt '13'", (d) => String(d.osVersion) > "13"],
  ["complianceState eq 'compliant'", (d) => d.complianceState === "compliant"],
];

describe("$orderby on managed devices", () => {
  it("walks every listed device once in OData's order, for every sortable kind of property and page size", async () => {
    const t = service();
    const devices = await seedDevices(t, 40);
    for (const orderBy of ORDERS) {
      const expected = reference(devices, orderBy).map((d) => d.id);
      const first = await t.admin("GET", `${DEVICES}?$select=id&$top=7&$orderby=${q(orderBy)}`);
      expect(first.body.value.map((d: Device) => d.id), orderBy).toEqual(expected.slice(0, 7));
      for (const top of [1, 3, 1000]) {
        const { ids } = await walk(t, `${DEVICES}?$select=id&$top=${top}&$orderby=${q(orderBy)}`);
        expect(ids, `${orderBy} $top=${top}`).toEqual(expected);
      }
    }
  });

  it("sorts text holding letters beyond ASCII as Graph compares it", async () => {
    const t = service();
    const devices = await seedDevices(t, 12, ["Ärger", "zeta", "ärger-2", "Kelvin-\u212A", "kelvin-k"]);
    for (const orderBy of ["serialNumber", "deviceName desc"]) {
      const { ids } = await walk(t, `${DEVICES}?$select=id&$top=2&$orderby=${q(orderBy)}`);
      expect(ids, orderBy).toEqual(reference(devices, orderBy).map((d) => d.id));
    }
  });

  it("keeps its place while devices are enrolled during a walk: every device listed at the start is seen once, in order", async () => {
    const t = service();
    const devices = await seedDevices(t, 20);
    const profile = await createProfile(t, { displayName: "Late", deviceNameTemplate: "{{SERIAL}}" });
    for (const orderBy of ["serialNumber desc", "enrolledDateTime", "lastSyncDateTime desc"]) {
      let added = 0;
      const { ids } = await walk(t, `${DEVICES}?$select=id&$top=4&$orderby=${q(orderBy)}`, async () => {
        for (const serialNumber of ["A", "zz", `mid-${added}`]) await enroll(t, profile.tokenValue, { serialNumber });
        added++;
      });
      const original = new Set(devices.map((d) => d.id));
      const seenOriginal = ids.filter((id) => original.has(id));
      expect(seenOriginal, orderBy).toEqual(reference(devices, orderBy).map((d) => d.id));
      expect(new Set(ids).size, orderBy).toBe(ids.length);
    }
  });
});

describe("$count with $filter on managed devices", () => {
  it("counts what the filter keeps on every page, sorted or not, and /$count says the same", async () => {
    const t = service();
    const devices = await seedDevices(t, 40);
    for (const [filter, keeps] of FILTERS) {
      const expected = devices.filter(keeps).map((d) => d.id);
      for (const orderBy of [undefined, "serialNumber desc", "complianceState"]) {
        const sort = orderBy === undefined ? "" : `&$orderby=${q(orderBy)}`;
        const { ids, counts } = await walk(t, `${DEVICES}?$select=id&$top=5&$count=true&$filter=${q(filter)}${sort}`);
        const order = orderBy === undefined ? expected : reference(devices.filter(keeps), orderBy).map((d) => d.id);
        expect(ids, `${filter} ${orderBy}`).toEqual(order);
        expect(new Set(counts), filter).toEqual(new Set([expected.length]));
      }
      // Uncounted, a sorted filter is read in the sort's order a chunk at a time.
      const uncounted = await walk(t, `${DEVICES}?$select=id&$top=5&$filter=${q(filter)}&$orderby=${q("lastSyncDateTime desc")}`);
      expect(uncounted.ids, filter).toEqual(reference(devices.filter(keeps), "lastSyncDateTime desc").map((d) => d.id));
      const raw = await t.admin("GET", `${DEVICES}/$count?$filter=${q(filter)}`);
      expect(raw.text, filter).toBe(String(expected.length));
    }
  });
});
