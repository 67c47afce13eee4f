/**
 * A device's remote actions in the console once the device has left the list: Graph no longer
 * serves a wiped or deleted AOSP device (Microsoft removes it from the device list), so its page
 * is where the admin reads how each action ended: a wipe Done when the device confirmed its reset,
 * a delete Pending until the device's next check-in and Done after it, a wipe the delete overtook
 * Canceled.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceRoutes, DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { signIn } from "./support.js";

const START = Date.parse("2026-03-02T09:00:00Z");
let now = START;
let t: ServiceApp;
let cookie: string;
let token: string;
let serial = 0;

beforeAll(async () => {
  t = await startServiceApp({ now: () => now });
  ({ cookie } = await signIn(t));
  token = (await t.admin.createProfile({ displayName: "Actions", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" })).tokenValue;
});
afterAll(() => t?.close());

/** Sends a device API request with the device's credential; resolves to the status and JSON body. */
async function deviceCall(credential: string, url: string, payload: object): Promise<{ status: number; body: { actions?: { id: string; type: string }[] } }> {
  const reply = await t.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${credential}` }, payload });
  return { status: reply.statusCode, body: reply.body ? (JSON.parse(reply.body) as { actions?: { id: string; type: string }[] }) : {} };
}

async function enroll(): Promise<{ deviceId: string; deviceCredential: string }> {
  const reply = await t.app.inject({
    method: "POST",
    url: `${DEVICE_API_PREFIX}/enroll`,
    payload: { enrollmentToken: token, serialNumber: `ACT${serial++}`, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" },
  });
  expect(reply.statusCode).toBe(200);
  return JSON.parse(reply.body) as { deviceId: string; deviceCredential: string };
}

const checkIn = (device: { deviceId: string; deviceCredential: string }) =>
  deviceCall(device.deviceCredential, deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });

/** The rows of the device page's "Device actions" table, cell texts joined by " | ". */
async function actionRows(deviceId: string): Promise<{ status: number; rows: string[] }> {
  const reply = await t.app.inject({ method: "GET", url: `/devices/${deviceId}`, headers: { cookie } });
  const table = /<caption>Device actions<\/caption>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(reply.body)?.[1] ?? "";
  const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td(?: class="\w+")?>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]).join(" | "));
  return { status: reply.statusCode, rows };
}

describe("the console page of a device that left the list", () => {
  // Before: the page said only that the device was gone; no action read Done, and a delete had no result anywhere.
  it("shows the wipe Done, last updated when the device confirmed its reset", async () => {
    const device = await enroll();
    await t.admin.wipe(device.deviceId);
    now += 60_000;
    const [wipe] = (await checkIn(device)).body.actions!;
    expect((await deviceCall(device.deviceCredential, deviceRoutes.acknowledge(device.deviceId, wipe!.id), { status: "started" })).status).toBe(204);
    now += 120_000;
    expect((await deviceCall(device.deviceCredential, deviceRoutes.acknowledge(device.deviceId, wipe!.id), { status: "completed" })).status).toBe(204);
    const page = await actionRows(device.deviceId);
    expect(page.status).toBe(404);
    expect(page.rows).toEqual(["Wipe | Done | 2026-03-02 09:00:00 UTC | 2026-03-02 09:03:00 UTC"]);
  });

  it("shows a delete Pending until the device's next check-in, then Done, and a wipe it overtook Canceled", async () => {
    now = START + 3_600_000;
    const device = await enroll();
    await t.admin.wipe(device.deviceId);
    await t.admin.deleteManagedDevice(device.deviceId);
    expect((await actionRows(device.deviceId)).rows).toEqual([
      "Wipe | Pending | 2026-03-02 10:00:00 UTC | 2026-03-02 10:00:00 UTC",
      "Delete | Pending | 2026-03-02 10:00:00 UTC | 2026-03-02 10:00:00 UTC",
    ]);
    now += 180_000;
    expect((await checkIn(device)).body.actions!.map((a) => a.type)).toEqual(["delete"]);
    expect((await actionRows(device.deviceId)).rows).toEqual([
      "Wipe | Canceled | 2026-03-02 10:00:00 UTC | 2026-03-02 10:03:00 UTC",
      "Delete | Done | 2026-03-02 10:00:00 UTC | 2026-03-02 10:03:00 UTC",
    ]);
  });

  it("shows no action table for an id the service never knew", async () => {
    const page = await actionRows("00000000-0000-4000-8000-000000000000");
    expect(page.status).toBe(404);
    expect(page.rows).toEqual([]);
  });
});

describe("the console page of a managed device", () => {
  it("lists a Restart and a Reset passcode the device has not taken yet as pending actions", async () => {
    const device = await enroll();
    await t.admin.rebootNow(device.deviceId);
    await t.admin.resetPasscode(device.deviceId);
    const reply = await t.app.inject({ method: "GET", url: `/devices/${device.deviceId}`, headers: { cookie } });
    expect(reply.statusCode).toBe(200);
    const table = /<caption>Pending device actions<\/caption>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(reply.body)?.[1] ?? "";
    expect(table).toMatch(/Restart[\s\S]*Pending[\s\S]*Reset passcode[\s\S]*Pending/);
  });
});

// Before, a device whose wipe was pending still offered Wipe: its page asked "Are you sure...?",
// and Yes logged one more "Wipe requested" and said "Wipe requested" as if it were new.
describe("Wipe on a device whose wipe is pending", () => {
  it("is not offered; its address says the wipe is already pending, and Delete stays", async () => {
    const { cookie: sessionCookie, csrf } = await signIn(t);
    const device = await enroll();
    const page = async () => (await t.app.inject({ method: "GET", url: `/devices/${device.deviceId}`, headers: { cookie: sessionCookie } })).body;
    expect(await page()).toContain(`href="/devices/${device.deviceId}/wipe">Wipe</a>`);
    await t.admin.wipe(device.deviceId);
    expect(await page()).not.toContain(`/devices/${device.deviceId}/wipe"`);
    expect(await page()).toContain(`href="/devices/${device.deviceId}/delete">Delete</a>`);
    const words = /A wipe of \S+ is already pending: the device resets to its factory settings at its next check-in, then leaves the device list\./;
    const asked = await t.app.inject({ method: "GET", url: `/devices/${device.deviceId}/wipe`, headers: { cookie: sessionCookie } });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toMatch(words);
    expect(asked.body).not.toContain("Are you sure");
    const sent = await fetch(`${t.url}/devices/${device.deviceId}/wipe`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: sessionCookie, origin: t.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(sent.status).toBe(409);
    expect(await sent.text()).toMatch(words);
  });
});
