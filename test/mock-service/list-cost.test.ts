/**
 * What a list page costs, and whether a long request lets others in. A page of a group's
 * members, of directoryObjects or of a filtered device list reads the rows up to its end (a page
 * and one more), not the whole table; a look-up by serial number reads the matching rows through
 * an index, comparing as Graph does (ignoring case, any alphabet); a $batch serves other clients
 * between its requests. Costs are counted as the store's reads, so the tests are exact.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startMockService } from "../../mock-service/index.js";
import { DeviceStore } from "../../mock-service/store/devices.js";
import { GroupStore } from "../../mock-service/store/groups.js";
import { UserStore } from "../../mock-service/store/users.js";
import {
  createProfile,
  DEVICES,
  directoryIdOf,
  enroll,
  factoryGroup,
  http,
  licensedUser,
  reportCompliance,
  START_TIME,
  useService,
  type TestService,
} from "./support/service.js";

const service = useService();
const q = (text: string) => encodeURIComponent(text);
const ids = (reply: { body: { value: { id: string }[] } }) => reply.body.value.map((item) => item.id);

afterEach(() => {
  vi.restoreAllMocks();
});

/** `count` devices enrolled with the seed's "Factory 1 devices" profile, so its dynamic group holds them all. */
async function factoryDevices(t: TestService, count: number): Promise<string[]> {
  const profile = await createProfile(t, { displayName: "Factory 1 devices" });
  const enrolled: string[] = [];
  for (let i = 0; i < count; i++) enrolled.push((await enroll(t, profile.tokenValue, { serialNumber: `SN${String(i).padStart(4, "0")}` })).deviceId);
  return enrolled;
}

/** The store reads that cost the whole table, and the devices read one by one. */
function watchReads() {
  return {
    wholeTables: [
      vi.spyOn(DeviceStore.prototype, "listVisible"),
      vi.spyOn(GroupStore.prototype, "members"),
      vi.spyOn(GroupStore.prototype, "list"),
      vi.spyOn(UserStore.prototype, "list"),
    ],
    deviceReads: vi.spyOn(DeviceStore.prototype, "get"),
    clear() {
      for (const spy of [...this.wholeTables, this.deviceReads]) spy.mockClear();
    },
    wholeTableReads() {
      return this.wholeTables.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    },
  };
}

/** Every item of a list, following @odata.nextLink, with a check after each page. */
async function walk(t: TestService, path: string, onPage: () => void): Promise<string[]> {
  const seen: string[] = [];
  let url: string | undefined = `${t.url}${path}`;
  while (url !== undefined) {
    const reply = await http(url, { bearer: t.service.adminToken });
    expect(reply.status, reply.text).toBe(200);
    seen.push(...ids(reply));
    onPage();
    url = reply.body["@odata.nextLink"];
  }
  return seen;
}

describe("a page reads the rows up to its end", () => {
  it("walks a dynamic group's members reading a page and one more of them each time, never the whole group", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const enrolled = await factoryDevices(t, 30);
    // Members are the devices' directory objects, listed by their own object ids.
    const objects = await Promise.all(enrolled.map((id) => directoryIdOf(t, id)));
    const reads = watchReads();
    const perPage: number[] = [];
    const seen = await walk(t, `/beta/groups/${group.id}/members?$top=5&$select=id`, () => {
      perPage.push(reads.deviceReads.mock.calls.length);
      expect(reads.wholeTableReads()).toBe(0);
      reads.clear();
    });
    expect(seen).toEqual(objects);
    // Each page: its 5 members and the one after them, and the member it resumes after (a few
    // reads to find where it stands); the whole group is 30.
    expect(Math.max(...perPage)).toBeLessThanOrEqual(9);
  });

  it("walks directoryObjects and filtered or looked-up device lists without reading any whole table", async () => {
    const t = service();
    const user = await licensedUser(t);
    const enrolled = await factoryDevices(t, 12);
    const objects = await Promise.all(enrolled.map((id) => directoryIdOf(t, id)));
    const reads = watchReads();
    const noWholeTable = () => expect(reads.wholeTableReads()).toBe(0);
    expect(await walk(t, "/beta/directoryObjects?$top=4&$select=id", noWholeTable)).toEqual([user.id, ...objects]);
    expect(await walk(t, `${DEVICES}?$top=5&$select=id&$filter=${q("startswith(serialNumber,'sn000')")}`, noWholeTable)).toEqual(enrolled.slice(0, 10));
    const counted = await t.admin("GET", `${DEVICES}?$top=5&$count=true&$filter=${q("startswith(serialNumber,'sn000')")}`);
    expect(counted.body["@odata.count"]).toBe(10);
    noWholeTable();
    const fromList = vi.spyOn(DeviceStore.prototype, "visibleFrom");
    const found = await t.admin("GET", `${DEVICES}?$select=id&$filter=${q("serialNumber eq 'sn0007' and model eq 'Pixel 8'")}`);
    expect(ids(found)).toEqual([enrolled[7]]);
    // Through the index: the list itself is not read.
    expect(fromList).not.toHaveBeenCalled();
    noWholeTable();
  });
});

describe("a sorted or filtered-and-counted page of devices reads its own rows only", () => {
  /** A walk of `path` with the devices made Graph-shaped on each page (the costly part of a row). */
  async function shapedPerPage(t: TestService, path: string): Promise<{ seen: string[]; perPage: number[] }> {
    const reads = watchReads();
    // A page's devices are made Graph-shaped together: their actions are read for them all at once.
    const shaped = vi.spyOn(DeviceStore.prototype, "actionsOfDevices");
    const perPage: number[] = [];
    const seen = await walk(t, path, () => {
      perPage.push(shaped.mock.calls.reduce((sum, [ids]) => sum + ids.length, 0));
      expect(reads.wholeTableReads()).toBe(0);
      shaped.mockClear();
      reads.clear();
    });
    return { seen, perPage };
  }

  it("sorts in the store: a $orderby page reads its devices and one more, not all of them", async () => {
    const t = service();
    const enrolled = await factoryDevices(t, 30);
    for (const orderBy of ["serialNumber desc", "deviceName", "lastSyncDateTime desc", "enrolledDateTime", "id"]) {
      const { seen, perPage } = await shapedPerPage(t, `${DEVICES}?$top=5&$select=id&$orderby=${q(orderBy)}`);
      expect([...seen].sort(), orderBy).toEqual([...enrolled].sort());
      expect(Math.max(...perPage), orderBy).toBeLessThanOrEqual(6);
    }
  });

  it("counts a filter in the store: each page of a counted walk reads its devices and one more", async () => {
    const t = service();
    const enrolled = await factoryDevices(t, 30);
    for (const [filter, orderBy] of [
      ["operatingSystem eq 'androidAOSP'", undefined],
      ["startswith(serialNumber,'SN00') and model ne 'x'", "serialNumber desc"],
      ["enrolledDateTime ge 2020-01-01T00:00:00Z", "lastSyncDateTime"],
    ] as const) {
      const sort = orderBy === undefined ? "" : `&$orderby=${q(orderBy)}`;
      const path = `${DEVICES}?$top=5&$select=id&$count=true&$filter=${q(filter)}${sort}`;
      const { seen, perPage } = await shapedPerPage(t, path);
      expect(seen.length, filter).toBe(30);
      expect(new Set(seen), filter).toEqual(new Set(enrolled));
      // Its 5 devices and the one after them, and (unsorted) the device it resumes after, which the filter must still keep.
      expect(Math.max(...perPage), filter).toBeLessThanOrEqual(7);
    }
  });

  it("filters in the store: a filter that keeps few devices reads the devices it keeps, not those it skips", async () => {
    const t = service();
    const enrolled = await factoryDevices(t, 30);
    for (const sort of ["", `&$orderby=${q("enrolledDateTime")}`]) {
      const { seen, perPage } = await shapedPerPage(t, `${DEVICES}?$top=2&$select=id&$filter=${q("startswith(serialNumber,'sn002')")}${sort}`);
      expect([...seen].sort(), sort).toEqual(enrolled.slice(20).sort());
      // Its 2 devices, the one after them and (unsorted) the one it resumes after: the 20 skipped are never made Graph-shaped.
      expect(Math.max(...perPage), sort).toBeLessThanOrEqual(4);
    }
  });
});

/** Every SQL statement the service runs (all statements share better-sqlite3's Statement prototype). */
function watchStatements(): { count(): number; clear(): void } {
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<"run" | "get" | "all" | "iterate", () => unknown>;
  probe.close();
  const spies = (["run", "get", "all", "iterate"] as const).map((method) => vi.spyOn(prototype, method));
  return {
    count: () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
    clear: () => spies.forEach((spy) => spy.mockClear()),
  };
}

describe("a page of managed devices reads its devices' actions and policy states once a page", () => {
  it("runs as many statements for a page of 15 devices as for a page of 3, and answers as GET by id does", async () => {
    const t = service();
    const group = await factoryGroup(t);
    const policy = (
      await t.admin("POST", "/beta/deviceManagement/deviceCompliancePolicies", {
        "@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy",
        displayName: "Patched",
        minAndroidSecurityPatchLevel: "2030-01-01",
        storageRequireEncryption: true,
        scheduledActionsForRule: [{ ruleName: "PasswordRequired", scheduledActionConfigurations: [{ actionType: "block", gracePeriodHours: 72 }] }],
      })
    ).body;
    await t.admin("POST", `/beta/deviceManagement/deviceCompliancePolicies/${policy.id}/assign`, {
      assignments: [{ target: { "@odata.type": "#microsoft.graph.groupAssignmentTarget", groupId: group.id } }],
    });
    const profile = await createProfile(t, { displayName: "Factory 1 devices" });
    const enrolled: string[] = [];
    for (let i = 0; i < 30; i++) {
      const device = await enroll(t, profile.tokenValue, { serialNumber: `SN${String(i).padStart(4, "0")}` });
      enrolled.push(device.deviceId);
      if (i % 3 === 0) {
        await reportCompliance(t, device, policy.id, [
          { setting: "minAndroidSecurityPatchLevel", state: "nonCompliant", currentValue: `2020-09-${String(1 + (i % 28)).padStart(2, "0")}` },
          { setting: "storageRequireEncryption", state: "compliant", currentValue: "encrypted" },
        ]);
      }
      if (i % 4 === 1) expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/wipe`)).status).toBe(204);
    }
    const statements = watchStatements();
    const perPage = async (top: number): Promise<number[]> => {
      const counts: number[] = [];
      statements.clear();
      const seen = await walk(t, `${DEVICES}?$top=${top}`, () => {
        counts.push(statements.count());
        statements.clear();
      });
      expect(seen).toEqual(enrolled);
      return counts;
    };
    const small = await perPage(3);
    const large = await perPage(15);
    // Each device's actions and policy states were read with statements of their own: 2 a device, over 30 a page of 15.
    expect(Math.max(...large)).toBeLessThanOrEqual(Math.max(...small));
    expect(Math.max(...large)).toBeLessThanOrEqual(8);

    // The page shows each device as GET by id does: its actions' results and what its reports say.
    const page = (await t.admin("GET", `${DEVICES}?$top=12`)).body.value as { id: string }[];
    for (const item of page) {
      const { "@odata.context": _entity, ...alone } = (await t.admin("GET", `${DEVICES}/${item.id}`)).body;
      expect(item).toEqual(alone);
    }
    expect(page.filter((item) => (item as { deviceActionResults?: unknown[] }).deviceActionResults?.length === 1)).toHaveLength(3);
    expect(page.filter((item) => (item as { androidSecurityPatchLevel?: string | null }).androidSecurityPatchLevel !== null)).toHaveLength(4);
  });
});

describe("a filtered count is SQLite's own work", () => {
  /** A service whose SQLite functions written in JavaScript (graph_fold, graph_text) count their calls. */
  async function countingService(): Promise<{ mock: Awaited<ReturnType<typeof startMockService>>; calls: () => number }> {
    let calls = 0;
    const register = Database.prototype.function;
    vi.spyOn(Database.prototype, "function").mockImplementation(function (this: Database.Database, name: string, ...rest: unknown[]) {
      const fn = rest.pop() as (...args: unknown[]) => unknown;
      const counted = (...args: unknown[]) => {
        calls++;
        return fn(...args);
      };
      // better-sqlite3 reads the function's number of arguments from its length.
      Object.defineProperty(counted, "length", { value: fn.length });
      return (register as (...args: unknown[]) => Database.Database).call(this, name, ...rest, counted);
    });
    const mock = await startMockService({ now: () => START_TIME });
    return { mock, calls: () => calls };
  }

  it("counts text filters on ASCII values without calling JavaScript for each row", async () => {
    const { mock, calls } = await countingService();
    try {
      const profile = await mock.admin.createProfile({ displayName: "Count", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      for (let i = 0; i < 30; i++) await enroll({ url: mock.url } as TestService, profile.tokenValue!, { serialNumber: `SN${String(i).padStart(4, "0")}` });
      const before = calls();
      for (const [filter, expected] of [
        ["startswith(serialNumber,'sn001')", 10],
        ["endswith(serialNumber,'7') and model eq 'PIXEL 8'", 3],
        ["contains(deviceName,'SN002') or manufacturer ne 'google'", 10],
      ] as const) {
        const reply = await http(`${mock.url}${DEVICES}/$count?$filter=${q(filter)}`, { bearer: mock.adminToken });
        expect(reply.text, filter).toBe(String(expected));
      }
      // Each text comparison called graph_fold or graph_text once a row: 30 devices, four comparisons, over 100 calls.
      expect(calls() - before).toBe(0);
    } finally {
      await mock.close();
    }
  });

  it("counts as Graph compares: any alphabet ignoring case, and LIKE's wildcards matched as typed", async () => {
    const t = service();
    const profile = await createProfile(t);
    for (const serialNumber of ["ÄRGER-1", "ärger-2", "ARGER-3", "Kelvin-\u212A", "50%_off", "50x_off", "a\\b"]) await enroll(t, profile.tokenValue, { serialNumber });
    const count = async (filter: string) => (await http(`${t.url}${DEVICES}/$count?$filter=${q(filter)}`, { bearer: t.service.adminToken })).text;
    expect(await count("startswith(serialNumber,'ärg')")).toBe("2");
    expect(await count("contains(serialNumber,'RGER-')")).toBe("3");
    expect(await count("serialNumber eq 'arger-3'")).toBe("1");
    expect(await count("serialNumber in ('ÄRGER-1', 'arger-3', 'x')")).toBe("2");
    // JavaScript folds the Kelvin sign to k, as Graph's case-blind comparison does.
    expect(await count("endswith(serialNumber,'-k')")).toBe("1");
    expect(await count("contains(serialNumber,'%_')")).toBe("1");
    expect(await count("startswith(serialNumber,'50_')")).toBe("0");
    expect(await count("endswith(serialNumber,'\\b')")).toBe("1");
    expect(await count("startswith(serialNumber,'')")).toBe("7");
    expect(await count("not startswith(serialNumber,'a')")).toBe("5");
  });
});

describe("look-ups through an index compare as Graph does", () => {
  it("finds devices by serial number, name, user and id ignoring case, in any alphabet, with eq and in", async () => {
    const t = service();
    const profile = await createProfile(t);
    const serials = ["ÄRGER-1", "abc-2", "ABC-3", "Kelvin-\u212A"];
    const devices = [];
    for (const serialNumber of serials) devices.push(await enroll(t, profile.tokenValue, { serialNumber }));
    const look = async (filter: string) => ids(await t.admin("GET", `${DEVICES}?$select=id&$filter=${q(filter)}`));
    expect(await look("serialNumber eq 'ärger-1'")).toEqual([devices[0]!.deviceId]);
    expect(await look("serialNumber eq 'ABC-2'")).toEqual([devices[1]!.deviceId]);
    expect(await look("serialNumber in ('abc-3', 'abc-2')")).toEqual([devices[1]!.deviceId, devices[2]!.deviceId]);
    // JavaScript folds the Kelvin sign to k, as Graph's case-blind comparison does; SQLite's NOCASE does not.
    expect(await look("serialNumber eq 'kelvin-k'")).toEqual([devices[3]!.deviceId]);
    expect(await look("serialNumber eq 'abc'")).toEqual([]);
    expect(await look(`id eq '${devices[2]!.deviceId.toUpperCase()}'`)).toEqual([devices[2]!.deviceId]);
    const named = (await t.admin("GET", `${DEVICES}/${devices[1]!.deviceId}`)).body.deviceName as string;
    expect(await look(`deviceName eq '${named.toUpperCase()}'`)).toEqual([devices[1]!.deviceId]);
    expect(await look("userPrincipalName eq ''")).toEqual(devices.map((d) => d.deviceId));
  });
});

describe("$batch", () => {
  it("lets the event loop serve other clients between its requests", async () => {
    // The service's clock notes the event-loop turn each request reads the time in.
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    const seenTurns = new Set<number>();
    let watching = false;
    const mock = await startMockService({
      now: () => {
        if (watching) seenTurns.add(turns);
        return START_TIME;
      },
    });
    try {
      const profile = await mock.admin.createProfile({ displayName: "Batch", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
      const device = await enroll({ url: mock.url } as TestService, profile.tokenValue!);
      const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: "GET", url: `/deviceManagement/managedDevices/${device.deviceId}` }));
      setImmediate(tick);
      watching = true;
      const reply = await http(`${mock.url}/beta/$batch`, { method: "POST", bearer: mock.adminToken, json: { requests } });
      watching = false;
      expect(reply.status).toBe(200);
      expect(reply.body.responses.map((r: { status: number }) => r.status)).toEqual(requests.map(() => 200));
      // Each of the 20 requests ran in a turn of its own: other sockets were served in between.
      expect(seenTurns.size).toBeGreaterThanOrEqual(20);
    } finally {
      ticking = false;
      await mock.close();
    }
  });
});
