/**
 * The console's live stream (GET /events): what the device list and a device's page listen to.
 * An event named `devices` each time the service answers a request that changes a device
 * (whoever sent it), and one at once on connecting, so a page never misses a change made between
 * its rendering and its connection.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { createDevice } from "../../../agent/device/create-device.js";
import { DEVICE_API_PREFIX } from "../../../agent/protocol/device-api.js";
import { EVENT_INTERVAL_MS } from "../../../mock-service/console/activity.js";
import { startServiceApp, type ServiceApp } from "../../helpers/service-app.js";
import { signIn, signedInService } from "./support.js";

const signedIn = signedInService();

/** Opens the stream and returns a reader of its events (name and data), one at a time. */
async function openEvents(url = signedIn.service.url, cookie = signedIn.session.cookie): Promise<{ next(): Promise<{ event: string; data: string }>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/events`, { headers: { cookie }, signal: controller.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return {
    async next() {
      for (;;) {
        const end = buffered.indexOf("\n\n");
        if (end >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          if (event !== undefined) return { event, data: /^data: ?(.*)$/m.exec(block)?.[1] ?? "" };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the event stream ended");
        buffered += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

describe("the console's live event stream", () => {
  it("tells a page that just connected to refresh, so a change made before it connected is not missed", async () => {
    const events = await openEvents();
    expect(await events.next()).toEqual({ event: "devices", data: "" });
    events.close();
  });

  it("tells open pages when a device enrolls, signs in and is wiped through the admin API, naming the device", async () => {
    const events = await openEvents();
    await events.next();
    const user = { userPrincipalName: "alex@contoso.example", password: "Enroll-Me-2025!" };
    await signedIn.service.admin.createLicensedUser({ displayName: "Alex Wilber", ...user });
    const profile = await signedIn.service.admin.createProfile({ displayName: "Events", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, user, seed: 3 });
    const report = await device.enroll();
    device.dispose();
    expect(report.finalState).toBe("enrolled");
    // The enrollment (its device id is not known to the route yet) and the sign-in: one event
    // or two, as they fall within a second or not (see the coalescing below).
    const told = await events.next();
    expect(told.event).toBe("devices");
    expect(["", report.deviceId]).toContain(told.data);
    events.close();
    // A page opened now (after the device's own requests) hears of the admin API's wipe.
    const later = await openEvents();
    await later.next();
    await signedIn.service.admin.wipe(report.deviceId!);
    expect(await later.next()).toEqual({ event: "devices", data: report.deviceId });
    later.close();
  });
});

describe("the console's live event stream under a burst of device requests", () => {
  let t: ServiceApp;
  afterAll(() => t?.close());

  /** Enrolls a device through the device API (in process), returning its id. */
  async function enroll(token: string, serialNumber: string): Promise<string> {
    const reply = await t.app.inject({
      method: "POST",
      url: `${DEVICE_API_PREFIX}/enroll`,
      payload: { enrollmentToken: token, serialNumber, model: "Pixel 8", manufacturer: "Google", osVersion: "14", agentVersion: "24.9.2" },
    });
    expect(reply.statusCode).toBe(200);
    return (reply.json() as { deviceId: string }).deviceId;
  }

  it("tells a page at most once a second: 300 enrollments at once are two events, the second after the last of them", async () => {
    t = await startServiceApp();
    const { cookie } = await signIn(t);
    const profile = await t.admin.createProfile({ displayName: "Burst", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const marked = await enroll(profile.tokenValue, "MARK");

    // The service's timers on a simulated clock that only the test moves.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const events = await openEvents(t.url, cookie);
      expect(await events.next()).toEqual({ event: "devices", data: "" });
      await vi.advanceTimersByTimeAsync(EVENT_INTERVAL_MS);

      for (let i = 0; i < 300; i++) await enroll(profile.tokenValue, `BURST${i}`);
      // The burst's first enrollment is told at once; the 299 others wait for the second to end,
      // and are then told in one event (of many devices: it names none).
      expect(await events.next()).toEqual({ event: "devices", data: "" });
      await vi.advanceTimersByTimeAsync(EVENT_INTERVAL_MS);
      expect(await events.next()).toEqual({ event: "devices", data: "" });

      // A quiet second later, one device's change is told at once, naming it: the next event
      // on the stream, so the burst was told in exactly the two events above.
      await vi.advanceTimersByTimeAsync(EVENT_INTERVAL_MS);
      await t.admin.wipe(marked);
      expect(await events.next()).toEqual({ event: "devices", data: marked });
      events.close();
    } finally {
      vi.useRealTimers();
    }
  }, 60_000);
});
