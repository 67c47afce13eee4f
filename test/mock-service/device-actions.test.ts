/**
 * The remote actions of Android (AOSP) devices beyond wipe and delete, over real HTTP: Restart
 * (rebootNow) and Reset passcode (resetPasscode), which Intune's pages list for AOSP, queued for
 * the device's next check-in and followed in deviceActionResults; and retire and syncDevice,
 * which AOSP devices do not take, refused 400 BadRequest in Intune's error shape.
 */
import { describe, expect, it } from "vitest";
import { deviceRoutes } from "../../agent/protocol/device-api.js";
import { DEVICES, enrolledDevice, errorOf, useService, type TestService } from "./support/service.js";

const service = useService();

async function checkIn(t: TestService, device: { deviceId: string; deviceCredential: string }) {
  const reply = await t.device(device.deviceCredential, "POST", deviceRoutes.checkIn(device.deviceId), { agentVersion: "24.9.2", apps: [] });
  expect(reply.status, reply.text).toBe(200);
  return reply.body.actions as { id: string; type: string; passcode?: string }[];
}

async function results(t: TestService, deviceId: string) {
  const reply = await t.admin("GET", `${DEVICES}/${deviceId}?$select=deviceActionResults`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body.deviceActionResults as Record<string, unknown>[];
}

describe("rebootNow (Restart)", () => {
  // Before: 501 "the Intune action 'rebootNow' is not simulated by the mock".
  it("is queued for the device's next check-in and done once the device reports it", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const asked = t.clock.now.toISOString();
    expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/rebootNow`)).status).toBe(204);
    // Asking again before the device took it queues one restart.
    expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/rebootNow`)).status).toBe(204);
    expect(await results(t, device.deviceId)).toEqual([{ actionName: "rebootNow", actionState: "pending", startDateTime: asked, lastUpdatedDateTime: asked }]);
    const [action, ...rest] = await checkIn(t, device);
    expect(rest).toEqual([]);
    expect(action).toMatchObject({ type: "rebootNow" });
    const ack = await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, action!.id), { status: "completed" });
    expect(ack.status).toBe(204);
    expect(await results(t, device.deviceId)).toMatchObject([{ actionName: "rebootNow", actionState: "done" }]);
    // Done: not offered again, and the device stays managed.
    expect(await checkIn(t, device)).toEqual([]);
    expect((await t.admin("GET", `${DEVICES}/${device.deviceId}?$select=managementState`)).body.managementState).toBe("managed");
  });

  it("answers 404 itemNotFound for a device the service does not list", async () => {
    const t = service();
    expect(errorOf(await t.admin("POST", `${DEVICES}/00000000-0000-0000-0000-000000000000/rebootNow`))).toMatchObject({ status: 404, code: "itemNotFound" });
  });
});

describe("resetPasscode (Reset passcode)", () => {
  // Before: 501 "the Intune action 'resetPasscode' is not simulated by the mock".
  it("shows the new passcode to the admin as Graph's resetPasscodeActionResult and hands it to the device", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/resetPasscode`)).status).toBe(204);
    const [result] = await results(t, device.deviceId);
    expect(result).toMatchObject({
      "@odata.type": "#microsoft.graph.resetPasscodeActionResult",
      actionName: "resetPasscode",
      actionState: "pending",
      passcode: expect.stringMatching(/^\d{8}$/),
      errorCode: 0,
    });
    const [action] = await checkIn(t, device);
    expect(action).toMatchObject({ type: "resetPasscode", passcode: result!["passcode"] });
    await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, action!.id), { status: "completed" });
    expect(await results(t, device.deviceId)).toMatchObject([{ actionName: "resetPasscode", actionState: "done", passcode: result!["passcode"] }]);
  });

  it("a failure the device reports ends it (failed, not offered again); a newer reset replaces one not yet taken", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/resetPasscode`);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/resetPasscode`);
    const listed = await results(t, device.deviceId);
    expect(listed.map((r) => r["actionState"])).toEqual(["canceled", "pending"]);
    const actions = await checkIn(t, device);
    expect(actions.map((a) => a.passcode)).toEqual([listed[1]!["passcode"]]);
    await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, actions[0]!.id), { status: "failed", message: "no passcode policy" });
    expect((await results(t, device.deviceId)).map((r) => r["actionState"])).toEqual(["canceled", "failed"]);
    expect(await checkIn(t, device)).toEqual([]);
  });

  it("a wipe overtakes a restart or passcode reset the device has not taken", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/rebootNow`);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/wipe`);
    expect((await checkIn(t, device)).map((a) => a.type)).toEqual(["wipe"]);
    // A device being wiped takes no other action.
    const refused = errorOf(await t.admin("POST", `${DEVICES}/${device.deviceId}/resetPasscode`));
    expect(refused).toMatchObject({ status: 400 });
    expect(refused.message).toContain("is being wiped");
  });
});

describe("remoteLock (Remote lock)", () => {
  // Before: 501 "the Intune action 'remoteLock' is not simulated by the mock", though Intune's
  // Remote lock page lists Android Open Source Project (AOSP) among its platforms.
  it("is queued for the device's next check-in, once, and done once the device reports it", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const asked = t.clock.now.toISOString();
    expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/remoteLock`)).status).toBe(204);
    expect((await t.admin("POST", `${DEVICES}/${device.deviceId}/remoteLock`)).status).toBe(204);
    expect(await results(t, device.deviceId)).toEqual([{ actionName: "remoteLock", actionState: "pending", startDateTime: asked, lastUpdatedDateTime: asked }]);
    const [action, ...rest] = await checkIn(t, device);
    expect(rest).toEqual([]);
    expect(action).toMatchObject({ type: "remoteLock" });
    expect((await t.device(device.deviceCredential, "POST", deviceRoutes.acknowledge(device.deviceId, action!.id), { status: "completed" })).status).toBe(204);
    expect(await results(t, device.deviceId)).toMatchObject([{ actionName: "remoteLock", actionState: "done" }]);
    expect(await checkIn(t, device)).toEqual([]);
    expect(errorOf(await t.admin("POST", `${DEVICES}/00000000-0000-0000-0000-000000000000/remoteLock`))).toMatchObject({ status: 404, code: "itemNotFound" });
  });

  it("a wipe overtakes a lock the device has not taken, and a device being wiped refuses one", async () => {
    const t = service();
    const { device } = await enrolledDevice(t);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/remoteLock`);
    await t.admin("POST", `${DEVICES}/${device.deviceId}/wipe`);
    expect((await checkIn(t, device)).map((a) => a.type)).toEqual(["wipe"]);
    expect(errorOf(await t.admin("POST", `${DEVICES}/${device.deviceId}/remoteLock`))).toMatchObject({ status: 400 });
  });
});

describe("actions Android (AOSP) devices do not take", () => {
  // Before: 501 notImplemented "not simulated by the mock", as if Intune would carry them out
  // (shutDown too: Intune's Shut down page lists iOS/iPadOS and macOS only).
  it.each(["retire", "syncDevice", "shutDown"])("answers %s 400 BadRequest with Intune's error document, saying why", async (action) => {
    const t = service();
    const { device } = await enrolledDevice(t);
    const reply = await t.admin("POST", `${DEVICES}/${device.deviceId}/${action}`);
    const error = errorOf(reply);
    expect(error).toMatchObject({ status: 400, code: "BadRequest" });
    const document = JSON.parse(error.message);
    expect(document).toMatchObject({ _version: 3, RetryAfter: null, ErrorSourceService: "", HttpHeaders: "{}" });
    expect(document.Message).toMatch(/^An error has occurred - Operation ID \(for customer support\): 0{8}-0{4}-0{4}-0{4}-0{12} - Activity ID: .+ - Url: /);
    expect(document.CustomApiErrorPhrase).toContain(`${action} is not supported on Android (AOSP) devices`);
    // Nothing was queued.
    expect(await results(t, device.deviceId)).toEqual([]);
    expect(errorOf(await t.admin("POST", `${DEVICES}/00000000-0000-0000-0000-000000000000/${action}`))).toMatchObject({ status: 404, code: "itemNotFound" });
  });
});
