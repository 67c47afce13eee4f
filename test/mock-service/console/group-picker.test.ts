/**
 * An assigned group's Add members picker at a few hundred devices: one page of devices with the
 * total and Previous/Next (the whole list was megabytes of HTML at 20,000 devices), devices ticked
 * on a later page added, and the device-name search through the store's index.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { enrollDevices, FORM, signIn, type ConsoleSession } from "./support.js";

const DEVICES = 260;

let t: ServiceApp;
let session: ConsoleSession;
let groupPath: string;

/** Posts a console form; repeated fields (checkboxes) are given as arrays. */
async function post(path: string, fields: Record<string, string | string[]>): Promise<{ status: number; location: string | null; text: string }> {
  const body = new URLSearchParams({ _csrf: session.csrf });
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
  const response = await fetch(`${t.url}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": FORM, cookie: session.cookie, origin: t.url },
    body: body.toString(),
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const reply = await t.app.inject({ method: "GET", url: path, headers: { cookie: session.cookie } });
  return { status: reply.statusCode, text: reply.body };
}

/** The devices the picker offers on a page: [id, name] of each checkbox that can be ticked. */
const offered = (text: string): [string, string][] =>
  [...text.matchAll(/<input type="checkbox" id="device-([^"]+)" name="memberId" value="\1">\s*<label for="device-\1">([^<]+)<\/label>/g)].map((m) => [m[1]!, m[2]!]);
const nextOf = (text: string): string | undefined => /<a class="button" href="([^"]+)" rel="next">Next<\/a>/.exec(text)?.[1]?.replaceAll("&amp;", "&");

beforeAll(async () => {
  t = await startServiceApp();
  session = await signIn(t);
  const profile = await t.admin.createProfile({ displayName: "Picker", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  await enrollDevices(t, profile.tokenValue, DEVICES);
  const created = await post("/groups/new", { displayName: "Line 3 <devices>", membershipType: "assigned" });
  expect(created.status).toBe(303);
  groupPath = created.location!;
}, 60_000);
afterAll(() => t?.close());

describe("an assigned group's Add members picker, a page of devices at a time", () => {
  it("shows one page of devices with the total, and Next reaches every other device once", async () => {
    const first = await get(groupPath);
    expect(first.status).toBe(200);
    expect(offered(first.text)).toHaveLength(50);
    expect(first.text).toContain(`Devices (${DEVICES})`);
    expect(first.text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
    // The form keeps its CSRF field and the group's name stays escaped.
    expect(first.text).toMatch(/<form method="post" action="\/groups\/[^"]+\/members" class="member-form"><input type="hidden" name="_csrf"/);
    expect(first.text).toContain("Line 3 &lt;devices&gt;");
    const seen = offered(first.text).map(([id]) => id);
    let path = nextOf(first.text);
    expect(path).toBe(`${groupPath}?page=2`);
    while (path !== undefined) {
      const { status, text } = await get(path);
      expect(status).toBe(200);
      expect(offered(text).length).toBeLessThanOrEqual(50);
      seen.push(...offered(text).map(([id]) => id));
      path = nextOf(text);
    }
    expect(seen).toHaveLength(DEVICES);
    expect(new Set(seen).size).toBe(DEVICES);
  });

  it("adds the devices ticked on page 2 and comes back to page 2, where they show as members", async () => {
    const second = await get(`${groupPath}?page=2`);
    const [[a], [b]] = offered(second.text) as [[string, string], [string, string]];
    const added = await post(`${groupPath}/members`, { memberId: ["", a, b], page: "2", name: "" });
    expect(added.status).toBe(303);
    expect(added.location).toBe(`${groupPath}?done=added&page=2`);
    // Device members are directory objects: their deviceId is the managed device's azureADDeviceId.
    const members = (await t.admin.groupMembers(groupPath.split("/").pop()!)).map((m) => m.deviceId).sort();
    expect(members).toEqual((await Promise.all([a, b].map(async (id) => (await t.admin.getManagedDevice(id)).azureADDeviceId))).sort());
    const after = await get(added.location!);
    expect(after.text).toContain("Member added.");
    expect(after.text).toContain(`<input type="checkbox" id="device-${a}" checked disabled>`);
    expect(offered(after.text)).toHaveLength(48);
  });

  it("refuses a form with nothing picked, saying what to do, at the page shown", async () => {
    const refused = await post(`${groupPath}/members`, { memberId: "", page: "3", name: "" });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/role="alert".*Nothing to add: pick a user or tick one or more devices/s);
    expect(refused.text).toContain(`Showing 101 to 150 of ${DEVICES} records`);
  });

  it("finds devices by their whole name, in any case, and says when none has it", async () => {
    const [[id, name]] = offered((await get(`${groupPath}?page=4`)).text) as [[string, string]];
    const found = await get(`${groupPath}?name=${encodeURIComponent(name.toUpperCase())}`);
    expect(found.status).toBe(200);
    expect(offered(found.text).map(([each]) => each)).toContain(id);
    const none = await get(`${groupPath}?name=${encodeURIComponent("<no such device>")}`);
    expect(none.text).toContain("No enrolled device is named &lt;no such device&gt;.");
    expect(none.text).toContain("Devices (0)");
  });

  it("refuses what is not a page number and shows the first page", async () => {
    const { status, text } = await get(`${groupPath}?page=two`);
    expect(status).toBe(400);
    expect(text).toContain("Page &quot;two&quot; is not a page number");
    expect(text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
  });
});
