/**
 * A group's page at a few hundred devices and users: its members 50 a page (a group of 20,000
 * devices rendered every member), and the Add members picker's users and devices each a page of
 * 50 with the total and Previous/Next, narrowed to the start of a name through the store's index,
 * with the ticks of every page kept until Add. The picker's form is sent as a browser sends it:
 * its hidden and search fields, the boxes ticked, and the button pressed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startPattern, STARTING_ROWS } from "../../../mock-service/store/console-lists.js";
import { openDatabase } from "../../../mock-service/store/database.js";
import { GroupStore } from "../../../mock-service/store/groups.js";
import { UserStore } from "../../../mock-service/store/users.js";
import { DeviceStore } from "../../../mock-service/store/devices.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { enrollDevices, FORM, signIn, type ConsoleSession } from "./support.js";

const DEVICES = 260;
const USERS = 60;

let t: ServiceApp;
let session: ConsoleSession;

type Fields = [string, string][];

/** Posts a console form (with the session's CSRF token unless the fields carry it). */
async function post(path: string, fields: Fields): Promise<{ status: number; location: string | null; text: string }> {
  const body = new URLSearchParams(fields.some(([name]) => name === "_csrf") ? [] : [["_csrf", session.csrf]]);
  for (const [name, value] of fields) body.append(name, value);
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

const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!);

/** The picker's form as a browser sends it: hidden and search fields, and the boxes ticked (not disabled). */
function formFields(text: string): Fields {
  const form = /<form method="post" action="[^"]+\/members" class="member-form">([\s\S]*?)<\/form>/.exec(text)![1]!;
  const fields: Fields = [];
  for (const [, tag] of form.matchAll(/<input ([^>]*)>/g)) {
    const get = (name: string) => new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(tag!)?.[1];
    const name = get("name");
    if (name === undefined || /\sdisabled/.test(` ${tag}`)) continue;
    if (get("type") === "checkbox" && !/\schecked/.test(` ${tag}`)) continue;
    fields.push([name, decode(get("value") ?? "")]);
  }
  return fields;
}

/** The page after pressing the picker's button `go` with the boxes of `tick` ticked and the search fields set to `set`. */
async function press(path: string, text: string, go: string, tick: string[] = [], set: Record<string, string> = {}) {
  const fields = formFields(text).map(([name, value]): [string, string] => [name, set[name] ?? value]);
  const sent = await post(`${path}/members`, [...fields, ...tick.map((id): [string, string] => ["memberId", id]), ["go", go]]);
  if (sent.status !== 303) return sent;
  return { ...(await get(sent.location!)), location: sent.location };
}

/** The users or devices the picker offers on a page: [id, label] of each box that can be ticked. */
const offered = (text: string, kind = "device"): [string, string][] =>
  [...text.matchAll(new RegExp(`<input type="checkbox" id="${kind}-([^"]+)" name="memberId" value="\\1"(?: checked)?>\\s*<label for="${kind}-\\1">([^<]+)</label>`, "g"))].map(
    (m) => [m[1]!, decode(m[2]!)],
  );
const ticked = (text: string) => [...text.matchAll(/name="memberId" value="([^"]+)" checked>/g)].map((m) => m[1]!);
const nextOf = (text: string, list: string): string | undefined => new RegExp(`<button type="submit" name="go" value="(${list}:\\d+)">Next</button>`).exec(text)?.[1];
const idOf = (path: string) => path.split("?")[0]!.split("/").pop()!;

/**
 * A group's members as the console names them: a user by its id, a device by its managed device's
 * id (Graph lists a device member as its directory object, whose deviceId is the azureADDeviceId).
 */
async function memberDevices(groupId: string): Promise<string[]> {
  const managed = new Map((await t.admin.listManagedDevices()).map((d) => [d.azureADDeviceId, d.id]));
  const members = await t.admin.groupMembers(groupId);
  return members.map((m) => ("deviceId" in m && typeof m.deviceId === "string" ? managed.get(m.deviceId) ?? m.id : m.id)).sort();
}

/** A new group made with the console's form; its page's path. */
async function newGroup(displayName: string, dynamicRule?: string): Promise<string> {
  const created = await post("/groups/new", [
    ["displayName", displayName],
    ["membershipType", dynamicRule ? "dynamicDevice" : "assigned"],
    ["rule", dynamicRule ?? ""],
  ]);
  expect(created.status, created.text).toBe(303);
  return created.location!;
}

beforeAll(async () => {
  t = await startServiceApp();
  session = await signIn(t);
  const profile = await t.admin.createProfile({ displayName: "Picker", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  await enrollDevices(t, profile.tokenValue, DEVICES);
  for (let i = 0; i < USERS; i++) {
    const n = String(i).padStart(3, "0");
    await t.admin.createUser({ displayName: `Operator ${n}`, userPrincipalName: `user${n}@contoso.example`, password: "Passw0rd!long" });
  }
}, 60_000);
afterAll(() => t?.close());
afterEach(() => {
  vi.restoreAllMocks();
});

describe("a group's members, a page at a time", () => {
  it("shows 50 members with the total and Previous/Next, reading the page from the store rather than every member", async () => {
    const path = await newGroup("Every picker device", '(device.enrollmentProfileName -eq "Picker")');
    const everyMember = vi.spyOn(GroupStore.prototype, "members");
    const everyDevice = vi.spyOn(DeviceStore.prototype, "listVisible");
    const first = await get(path);
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Members (${DEVICES})`);
    expect([...first.text.matchAll(/<td>Device<\/td>/g)]).toHaveLength(50);
    expect(first.text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
    expect(first.text).toMatch(/<nav class="pager" aria-label="Members pages">/);
    const next = /<a class="button" href="([^"]+)" rel="next">Next<\/a>/.exec(first.text)![1]!;
    expect(next).toBe(`${path}?memberPage=2`);
    const second = await get(next);
    expect(second.text).toContain(`Showing 51 to 100 of ${DEVICES} records`);
    expect(second.text).toContain('<td class="text">AOSP_SN0050</td>');
    expect(second.text).not.toContain('<td class="text">AOSP_SN0049</td>');
    // The group list counts members without reading them.
    expect((await get("/groups")).text).toMatch(new RegExp(`Every picker device</a></td><td>Security</td><td>Dynamic device</td><td>${DEVICES}</td>`));
    expect(everyMember).not.toHaveBeenCalled();
    expect(everyDevice).not.toHaveBeenCalled();
  });

  it("refuses a members page that is not a page number, showing the first", async () => {
    const path = await newGroup("Refused page", '(device.enrollmentProfileName -eq "Picker")');
    const { status, text } = await get(`${path}?memberPage=two`);
    expect(status).toBe(400);
    expect(text).toContain("Page &quot;two&quot; is not a page number");
    expect(text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
  });
});

describe("an assigned group's Add members picker, a page at a time", () => {
  it("shows one page of devices with the total, and Next reaches every other device once", async () => {
    const path = await newGroup("Line 3 <devices>");
    let page = await get(path);
    expect(page.status).toBe(200);
    expect(offered(page.text)).toHaveLength(50);
    expect(page.text).toContain(`Devices (${DEVICES})`);
    expect(page.text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
    // The form keeps its CSRF field and the group's name stays escaped.
    expect(page.text).toMatch(/<form method="post" action="\/groups\/[^"]+\/members" class="member-form"><input type="hidden" name="_csrf"/);
    expect(page.text).toContain("Line 3 &lt;devices&gt;");
    const seen = offered(page.text).map(([id]) => id);
    let go = nextOf(page.text, "devices");
    expect(go).toBe("devices:2");
    while (go !== undefined) {
      const moved = await press(path, page.text, go);
      expect(moved.status).toBe(200);
      page = moved;
      expect(offered(page.text).length).toBeLessThanOrEqual(50);
      seen.push(...offered(page.text).map(([id]) => id));
      go = nextOf(page.text, "devices");
    }
    expect(seen).toHaveLength(DEVICES);
    expect(new Set(seen).size).toBe(DEVICES);
  });

  it("keeps ticks across pages: 3 ticked on page 1 and 2 on page 2, Add adds all 5", async () => {
    const path = await newGroup("Ticks across pages");
    const first = await get(path);
    const onFirst = offered(first.text).slice(0, 3).map(([id]) => id);
    const second = await press(path, first.text, "devices:2", onFirst);
    expect(second.status).toBe(200);
    expect(second.location).toContain("page=2");
    expect(second.text).toContain("3 ticked on other pages: Add adds them with those ticked here.");
    const onSecond = offered(second.text).slice(0, 2).map(([id]) => id);
    // Back on page 1 its three boxes show ticked.
    const back = await press(path, second.text, "devices:1", onSecond);
    expect(ticked(back.text).sort()).toEqual(onFirst.sort());
    expect(back.text).toContain("2 ticked on other pages");
    const again = await press(path, back.text, "devices:2");
    const added = await press(path, again.text, "add");
    expect(added.status).toBe(200);
    expect(added.location).toBe(`${path}?done=addedMany&page=2`);
    expect(added.text).toContain("Members added.");
    expect(await memberDevices(idOf(path))).toEqual([...onFirst, ...onSecond].sort());
    expect(added.text).toContain(`<input type="checkbox" id="device-${onSecond[0]}" checked disabled>`);
    expect(added.text).not.toContain("ticked on other pages");
  });

  it("adds the devices ticked on page 2 and comes back to page 2, where they show as members", async () => {
    const path = await newGroup("Page 2");
    const second = await get(`${path}?page=2`);
    const [[a], [b]] = offered(second.text) as [[string, string], [string, string]];
    const added = await post(`${path}/members`, [["memberId", ""], ["memberId", a], ["memberId", b], ["page", "2"], ["name", ""]]);
    expect(added.status).toBe(303);
    expect(added.location).toBe(`${path}?done=addedMany&page=2`);
    expect(await memberDevices(idOf(path))).toEqual([a, b].sort());
    const after = await get(added.location!);
    expect(after.text).toContain("Members added.");
    expect(after.text).toContain(`<input type="checkbox" id="device-${a}" checked disabled>`);
    expect(offered(after.text)).toHaveLength(48);
  });

  it("refuses a form with nothing ticked, saying what to do, at the page shown", async () => {
    const path = await newGroup("Nothing ticked");
    const refused = await post(`${path}/members`, [["memberId", ""], ["page", "3"], ["name", ""]]);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/role="alert".*Nothing to add: tick one or more users or devices/s);
    expect(refused.text).toContain(`Showing 101 to 150 of ${DEVICES} records`);
  });

  it("shows a refused tick's reason and drops it, keeping the rest ticked; Clear every tick drops them all", async () => {
    const path = await newGroup("Refused tick");
    const first = await get(path);
    const [[kept]] = offered(first.text) as [[string, string]];
    const refused = await post(`${path}/members`, [["memberId", "no-such-id"], ["memberId", kept]]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("no user, group or device has the id &#39;no-such-id&#39;");
    expect(ticked(refused.text)).toEqual([kept]);
    expect(refused.text).not.toContain('value="no-such-id"');
    const moved = await press(path, refused.text, "devices:2");
    const clear = /<a href="([^"]+)">Clear every tick<\/a>/.exec(moved.text)![1]!.replaceAll("&amp;", "&");
    expect(clear).toBe(`${path}?page=2`);
    expect((await get(clear)).text).not.toContain("ticked on other pages");
    const added = await press(path, refused.text, "add");
    expect(added.status).toBe(200);
    expect(await memberDevices(idOf(path))).toEqual([kept]);
  });

  it("refuses to carry more ticks to another page than an address holds, keeping them for Add", async () => {
    const path = await newGroup("Too many ticks");
    const ids = (await t.admin.listManagedDevices()).map((d) => d.id);
    const refused = await post(`${path}/members`, [...ids.slice(0, 201).map((id): [string, string] => ["memberId", id]), ["go", "devices:2"]]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("201 users and devices are ticked; a page carries at most 200 ticks to another. Select Add to add these, then tick more.");
    const added = await press(path, refused.text, "add");
    expect(added.status).toBe(200);
    expect(await t.admin.groupMembers(idOf(path))).toHaveLength(201);
  });

  it("finds devices by the start of their name, in any case, a page at a time, with % and _ taken as typed", async () => {
    const path = await newGroup("Prefix search");
    const everyDevice = vi.spyOn(DeviceStore.prototype, "listVisible");
    const found = await get(`${path}?name=${encodeURIComponent("aosp_sn01")}`);
    expect(found.status).toBe(200);
    expect(found.text).toContain("Devices (100)");
    expect(found.text).toContain("Showing 1 to 50 of 100 records");
    expect(offered(found.text).map(([, name]) => name)).toEqual(Array.from({ length: 50 }, (_, i) => `AOSP_SN${String(100 + i).padStart(4, "0")}`));
    const next = await press(path, found.text, nextOf(found.text, "devices")!);
    expect(next.location).toContain("name=aosp_sn01");
    expect(offered(next.text)[49]![1]).toBe("AOSP_SN0199");
    // Search comes back to the first page of what it finds.
    const searched = await press(path, next.text, "search", [], { name: "AOSP_SN025" });
    expect(offered(searched.text).map(([, name]) => name)).toEqual(Array.from({ length: 10 }, (_, i) => `AOSP_SN025${i}`));
    for (const [typed, count] of [["AOSP%", 0], ["AOSP_SN_1", 0], ["AOSP_", DEVICES]] as const) {
      expect((await get(`${path}?name=${encodeURIComponent(typed)}`)).text).toContain(`Devices (${count})`);
    }
    const none = await get(`${path}?name=${encodeURIComponent("<no such device>")}`);
    expect(none.text).toContain("No enrolled device's name starts with &lt;no such device&gt;.");
    expect(none.text).toContain("Devices (0)");
    expect(everyDevice).not.toHaveBeenCalled();
  });

  it("offers users 50 a page, finds them by the start of their user principal name, and adds users and devices ticked together", async () => {
    const path = await newGroup("Users and devices");
    const everyUser = vi.spyOn(UserStore.prototype, "list");
    const first = await get(path);
    expect(first.text).toContain(`Users (${USERS})`);
    expect(offered(first.text, "user")).toHaveLength(50);
    expect(first.text).toMatch(/<nav class="pager" aria-label="Users to add pages">/);
    expect(first.text).not.toContain("<select");
    const device = offered(first.text)[0]![0];
    const usersPage2 = await press(path, first.text, nextOf(first.text, "users")!, [device]);
    expect(offered(usersPage2.text, "user").map(([, label]) => label)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Operator 0${50 + i} (user0${50 + i}@contoso.example)`),
    );
    const user = offered(usersPage2.text, "user")[3]![0];
    const searched = await press(path, usersPage2.text, "search", [user], { user: "USER00" });
    expect(offered(searched.text, "user").map(([, label]) => label.split(" (")[0])).toEqual(Array.from({ length: 10 }, (_, i) => `Operator 00${i}`));
    expect(searched.text).toContain("1 ticked on other pages");
    expect(ticked(searched.text)).toEqual([device]);
    const added = await press(path, searched.text, "add");
    expect(added.status).toBe(200);
    expect(await memberDevices(idOf(path))).toEqual([device, user].sort());
    expect(added.text).toContain("Members (2)");
    expect((await get(`${path}?user=${encodeURIComponent("nobody%")}`)).text).toContain("No user principal name or display name starts with nobody%.");
    expect(everyUser).not.toHaveBeenCalled();
  });

  it("finds users by the start of their display name too, in any case, each once", async () => {
    const path = await newGroup("Operators by name");
    const everyUser = vi.spyOn(UserStore.prototype, "list");
    const found = await get(`${path}?user=${encodeURIComponent("operator 01")}`);
    expect(found.text).toContain("Users (10)");
    expect(offered(found.text, "user").map(([, label]) => label)).toEqual(
      Array.from({ length: 10 }, (_, i) => `Operator 01${i} (user01${i}@contoso.example)`),
    );
    // Every user's display name starts with "Operator" and none's principal name does: all of them, once each.
    expect((await get(`${path}?user=OPERATOR`)).text).toContain(`Users (${USERS})`);
    expect((await get(`${path}?user=${encodeURIComponent("Operator_")}`)).text).toContain("Users (0)");
    expect(everyUser).not.toHaveBeenCalled();
  });

  it("refuses what is not a page number and shows the first page", async () => {
    const path = await newGroup("Refused picker page");
    const { status, text } = await get(`${path}?page=two`);
    expect(status).toBe(400);
    expect(text).toContain("Page &quot;two&quot; is not a page number");
    expect(text).toContain(`Showing 1 to 50 of ${DEVICES} records`);
  });

  it("refuses a button it does not know, saying which ones there are", async () => {
    const path = await newGroup("Unknown button");
    const refused = await post(`${path}/members`, [["go", "jump:3"]]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("&quot;go&quot; must be add, search, users:&lt;page&gt; or devices:&lt;page&gt;, not &quot;jump:3&quot;");
  });
});

describe("the picker's name searches", () => {
  it("read a range of the name's NOCASE index (LIKE with a prefix and an escape), not the table", () => {
    const db = openDatabase();
    try {
      for (const [table, column] of [["devices", "device_name"], ["users", "user_principal_name"], ["users", "display_name"]] as const) {
        const plan = db.prepare<[{ pattern: string; unfolded: string }], { detail: string }>(`EXPLAIN QUERY PLAN ${STARTING_ROWS(table, column)}`).all({ pattern: startPattern("Ab_%"), unfolded: "[]" });
        expect(plan.map((row) => row.detail)).toContainEqual(expect.stringMatching(new RegExp(`^SEARCH ${table} USING COVERING INDEX \\S+ \\(${column}>\\? AND ${column}<\\?\\)$`)));
      }
    } finally {
      db.close();
    }
    expect(startPattern("50%_off\\")).toBe("50\\%\\_off\\\\%");
  });

  it("ignore the case of letters beyond ASCII too, as the whole-name look-ups do", async () => {
    const own = await startServiceApp();
    try {
      const profile = await own.admin.createProfile({ displayName: "Umlauts", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      for (const serialNumber of ["ÄRGER-1", "ärger-2", "ARGER-3"]) {
        const payload = { enrollmentToken: profile.tokenValue, serialNumber, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" };
        expect((await own.app.inject({ method: "POST", url: `${DEVICE_API_PREFIX}/enroll`, payload })).statusCode).toBe(200);
      }
      const { cookie } = await signIn(own);
      const group = await own.admin.createGroup({ displayName: "Umlauts", mailEnabled: false, mailNickname: "umlauts", securityEnabled: true });
      const reply = await own.app.inject({ method: "GET", url: `/groups/${group.id}?name=${encodeURIComponent("aosp_ärg")}`, headers: { cookie } });
      expect(offered(reply.body).map(([, name]) => name)).toEqual(["AOSP_ÄRGER-1", "AOSP_ärger-2"]);
      const people = [["Ärger Anna", "anna"], ["ärger Ben", "arger.ben"], ["Arger Carl", "carl"], ["Arger Dan", "arger.dan"]] as const;
      for (const [displayName, alias] of people) await own.admin.createUser({ displayName, userPrincipalName: `${alias}@contoso.example`, password: "Passw0rd!long" });
      const usersFound = async (start: string) => {
        const reply = await own.app.inject({ method: "GET", url: `/groups/${group.id}?user=${encodeURIComponent(start)}`, headers: { cookie } });
        return offered(reply.body, "user").map(([, label]) => label.split(" (")[0]);
      };
      expect(await usersFound("ÄRG")).toEqual(["Ärger Anna", "ärger Ben"]);
      // Ben by his principal name, Carl by his display name, Dan by both (offered once).
      expect(await usersFound("arg")).toEqual(["ärger Ben", "Arger Carl", "Arger Dan"]);
    } finally {
      await own.close();
    }
  });
});
