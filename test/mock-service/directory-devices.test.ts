/**
 * A device's directory object, as Entra ID keeps it: its own object id (the id a group member,
 * a members/$ref body and directoryObjects/{id} use), with the managed device's azureADDeviceId
 * as its deviceId; the managed device's id names no directory object. A --db file written before
 * the object ids existed gets one for each device when it is opened.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { startMockService } from "../../mock-service/index.js";
import { MIGRATIONS } from "../../mock-service/store/migrations.js";
import { createProfile, DEVICES, directoryIdOf, enroll, enrolledDevice, errorOf, http, type TestService, useService } from "./support/service.js";

const service = useService();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("a device's directory object", () => {
  it("has its own object id; its deviceId is the managed device's azureADDeviceId", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const managed = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body;
    const objects = (await t.admin("GET", "/beta/directoryObjects")).body.value.filter((o: { "@odata.type": string }) => o["@odata.type"] === "#microsoft.graph.device");
    expect(objects).toHaveLength(1);
    const object = objects[0];
    expect(object.id).toMatch(GUID);
    expect(object.id).not.toBe(managed.id);
    expect(object.id).not.toBe(managed.azureADDeviceId);
    expect(object.deviceId).toBe(managed.azureADDeviceId);
    expect((await t.admin("GET", `/beta/directoryObjects/${object.id.toUpperCase()}`)).body).toMatchObject({ id: object.id, deviceId: managed.azureADDeviceId });
    // The managed device's id names no directory object.
    expect(errorOf(await t.admin("GET", `/beta/directoryObjects/${managed.id}`))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
  });

  it("is what members/$ref takes and a group lists, and what DELETE members/{id}/$ref removes", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const objectId = await directoryIdOf(t, device.deviceId);
    const group = (await t.admin("POST", "/beta/groups", { displayName: "Pilot", mailEnabled: false, mailNickname: "pilot", securityEnabled: true })).body;
    const ref = (id: string) => ({ "@odata.id": `https://graph.microsoft.com/beta/directoryObjects/${id}` });
    // A managed device's id is not a directory object's.
    expect(errorOf(await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, ref(device.deviceId)))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    expect((await t.admin("POST", `/beta/groups/${group.id}/members/$ref`, ref(objectId))).status).toBe(204);
    const members = (await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value;
    expect(members.map((m: { id: string }) => m.id)).toEqual([objectId]);
    // Paging names the member by the id the list shows.
    const first = await t.admin("GET", `/beta/groups/${group.id}/members?$top=1`);
    expect(first.body.value.map((m: { id: string }) => m.id)).toEqual([objectId]);
    expect(errorOf(await t.admin("DELETE", `/beta/groups/${group.id}/members/${device.deviceId}/$ref`))).toMatchObject({ status: 404 });
    expect((await t.admin("DELETE", `/beta/groups/${group.id}/members/${objectId}/$ref`)).status).toBe(204);
    expect((await t.admin("GET", `/beta/groups/${group.id}/members`)).body.value).toEqual([]);
  });

  it("walks directoryObjects a page at a time past a device, by the object id", async () => {
    const t = service();
    const profile = await enrolledDevice(t);
    await enroll(t, profile.profile.tokenValue);
    const ids: string[] = [];
    let next: string | undefined = `${t.url}/beta/directoryObjects?$top=1&$select=id`;
    while (next) {
      const page = await http(next, { bearer: t.service.adminToken });
      expect(page.status, page.text).toBe(200);
      ids.push(...page.body.value.map((o: { id: string }) => o.id));
      next = page.body["@odata.nextLink"];
    }
    const all = (await t.admin("GET", "/beta/directoryObjects?$select=id")).body.value.map((o: { id: string }) => o.id);
    expect(ids).toEqual(all);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("/beta/devices", () => {
  const filtered = (filter: string, extra = "") => `/beta/devices?$filter=${encodeURIComponent(filter)}${extra}`;

  it("finds a managed device's directory object by deviceId, and reads it by its object id", async () => {
    const t = service();
    const { device, profile } = await enrolledDevice(t);
    await enroll(t, profile.tokenValue);
    const managed = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body;
    const objectId = await directoryIdOf(t, device.deviceId);

    const all = await t.admin("GET", "/beta/devices");
    expect(all.status, all.text).toBe(200);
    expect(all.body["@odata.context"]).toBe(`${t.url}/beta/$metadata#devices`);
    expect(all.body.value).toHaveLength(2);

    // The script's way from a managed device to its Entra object, in whatever case the GUID is written.
    const found = await t.admin("GET", filtered(`deviceId eq '${managed.azureADDeviceId.toUpperCase()}'`));
    expect(found.status, found.text).toBe(200);
    expect(found.body.value).toEqual([
      { id: objectId, deviceId: managed.azureADDeviceId, displayName: managed.deviceName, operatingSystem: managed.operatingSystem, operatingSystemVersion: managed.osVersion, model: managed.model, manufacturer: managed.manufacturer },
    ]);
    expect((await t.admin("GET", filtered("deviceId eq '00000000-0000-4000-8000-000000000000'"))).body.value).toEqual([]);
    expect((await t.admin("GET", filtered(`startswith(displayName,'${managed.deviceName}')`, "&$select=id"))).body.value).toContainEqual({ id: objectId });

    const one = await t.admin("GET", `/beta/devices/${objectId.toUpperCase()}?$select=id,deviceId`);
    expect(one.status, one.text).toBe(200);
    expect(one.body).toEqual({ "@odata.context": `${t.url}/beta/$metadata#devices(id,deviceId)/$entity`, id: objectId, deviceId: managed.azureADDeviceId });
    // Neither the managed device's id nor its azureADDeviceId names the object: Entra ID's 404.
    for (const id of [managed.id, managed.azureADDeviceId]) {
      expect(errorOf(await t.admin("GET", `/beta/devices/${id}`))).toMatchObject({ status: 404, code: "Request_ResourceNotFound" });
    }
  });

  it("pages, counts as an advanced query, and refuses what Graph refuses", async () => {
    const t = service();
    const { profile } = await enrolledDevice(t);
    await enroll(t, profile.tokenValue);
    const first = await t.admin("GET", "/beta/devices?$top=1");
    expect(first.body.value).toHaveLength(1);
    const second = await http(first.body["@odata.nextLink"], { bearer: t.service.adminToken });
    expect(second.body.value).toHaveLength(1);
    expect(second.body.value[0].id).not.toBe(first.body.value[0].id);

    const uncounted = await t.admin("GET", "/beta/devices?$count=true");
    expect(uncounted.status).toBe(200);
    expect(uncounted.body).not.toHaveProperty("@odata.count");
    const counted = await http(`${t.url}/beta/devices?$count=true`, { bearer: t.service.adminToken, headers: { ConsistencyLevel: "eventual" } });
    expect(counted.body["@odata.count"]).toBe(2);
    // Graph's device takes no $filter on model, nor endswith on deviceId.
    expect(errorOf(await t.admin("GET", filtered("model eq 'x'")))).toMatchObject({ status: 400, code: "Request_UnsupportedQuery" });
    expect(errorOf(await t.admin("GET", filtered("endswith(deviceId,'x')")))).toMatchObject({ status: 400 });
  });

  it("reads a device object by the alternate key devices(deviceId='{deviceId}'), as Graph documents it", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const managed = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body;
    const objectId = await directoryIdOf(t, device.deviceId);
    for (const key of [`'${managed.azureADDeviceId}'`, `'${managed.azureADDeviceId.toUpperCase()}'`, managed.azureADDeviceId]) {
      const one = await t.admin("GET", `/beta/devices(deviceId=${key})?$select=id,deviceId`);
      expect(one.status, `${key}: ${one.text}`).toBe(200);
      expect(one.body).toEqual({ "@odata.context": `${t.url}/beta/$metadata#devices(id,deviceId)/$entity`, id: objectId, deviceId: managed.azureADDeviceId });
    }
    // Percent-encoded as a client library writes it.
    expect((await t.admin("GET", `/beta/devices${encodeURIComponent(`(deviceId='${managed.azureADDeviceId}')`)}`)).body.id).toBe(objectId);
    // No device has that deviceId (the object id is not one): Entra ID's 404 naming the key asked for.
    for (const missing of [objectId, "00000000-0000-4000-8000-000000000000"]) {
      const reply = await t.admin("GET", `/beta/devices(deviceId='${missing}')`);
      expect(errorOf(reply)).toEqual({
        status: 404,
        code: "Request_ResourceNotFound",
        message: `Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`,
      });
    }
    // Only the alternate key the CSDL declares: another name is an unknown segment, as before.
    expect(errorOf(await t.admin("GET", `/beta/devices(displayName='x')`))).toMatchObject({ status: 400, code: "BadRequest" });
    expect(errorOf(await t.admin("GET", `/beta/users(deviceId='x')`))).toMatchObject({ status: 400, code: "BadRequest" });
  });

  it("is declared in $metadata as the devices entity set", async () => {
    const t = service();
    const metadata = await t.admin("GET", "/beta/$metadata");
    expect(metadata.text).toContain('<EntitySet Name="devices" EntityType="microsoft.graph.device" />');
  });
});

describe("a --db file from before directory object ids", () => {
  const dir = mkdtempSync(join(tmpdir(), "aosp-sim-directory-ids-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives each device a stable object id of its own when opened", async () => {
    const file = join(dir, "old.db");
    const made = await startMockService({ dbFile: file, adminToken: "t" });
    const t = { url: made.url, admin: (method: string, path: string, json?: unknown) => http(`${made.url}${path}`, { method, json, bearer: "t" }) } as TestService;
    const device = await enroll(t, (await createProfile(t)).tokenValue);
    const managed = (await t.admin("GET", `${DEVICES}/${device.deviceId}`)).body;
    await made.close();
    // The file as the build before the object ids wrote it: the migrations before theirs, no
    // directory_id column (nor what the migrations after it add: the display-name indexes, the
    // password-change flag, the users' profiles, the groups' owners and the actions' passcode), so
    // they all run again.
    const raw = new Database(file);
    raw.exec(
      "DROP INDEX devices_by_directory_id; ALTER TABLE devices DROP COLUMN directory_id; DROP INDEX users_by_display_name; DROP INDEX users_by_display_name_unfolded",
    );
    raw.exec("ALTER TABLE users DROP COLUMN password_change_required");
    raw.exec("ALTER TABLE users DROP COLUMN profile; DROP INDEX group_owners_by_owner; DROP TABLE group_owners");
    raw.exec("ALTER TABLE actions DROP COLUMN passcode");
    raw.pragma(`user_version = ${MIGRATIONS.findIndex((sql) => sql.includes("ADD COLUMN directory_id"))}`);
    raw.close();
    const idOnOpen = async () => {
      const reopened = await startMockService({ dbFile: file, adminToken: "t" });
      try {
        const objects = (await http(`${reopened.url}/beta/directoryObjects`, { bearer: "t" })).body.value.filter((o: { "@odata.type": string }) => o["@odata.type"] === "#microsoft.graph.device");
        expect(objects.map((o: { deviceId: string }) => o.deviceId)).toEqual([managed.azureADDeviceId]);
        return objects[0].id as string;
      } finally {
        await reopened.close();
      }
    };
    const migrated = await idOnOpen();
    expect(migrated).toMatch(GUID);
    expect(migrated).not.toBe(managed.id);
    expect(await idOnOpen()).toBe(migrated);
  });
});
