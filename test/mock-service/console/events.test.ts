/**
 * The console's live stream (GET /events): what the device list and a device's page listen to.
 * An event named `devices` each time the service answers a request that changes a device
 * (whoever sent it), and one at once on connecting, so a page never misses a change made between
 * its rendering and its connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../../../agent/device/create-device.js";
import { startMockService, type MockService } from "../../../mock-service/index.js";
import { signIn, type ConsoleSession } from "./support.js";

let service: MockService;
let session: ConsoleSession;

beforeAll(async () => {
  service = await startMockService();
  session = await signIn(service);
});
afterAll(() => service.close());

/** Opens the stream and returns a reader of its events (name and data), one at a time. */
async function openEvents(): Promise<{ next(): Promise<{ event: string; data: string }>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${service.url}/events`, { headers: { cookie: session.cookie }, signal: controller.signal });
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
    await service.admin.createLicensedUser({ displayName: "Alex Wilber", ...user });
    const profile = await service.admin.createProfile({ displayName: "Events", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
    const device = await createDevice({ qr: { image: Buffer.from(profile.qrCodeImage.value, "base64") }, user, seed: 3 });
    const report = await device.enroll();
    device.dispose();
    expect(report.finalState).toBe("enrolled");
    // The enrollment (its device id is not known to the route yet), then the sign-in.
    expect(await events.next()).toEqual({ event: "devices", data: "" });
    expect(await events.next()).toEqual({ event: "devices", data: report.deviceId });
    events.close();
    // A page opened now (after the device's own requests) hears of the admin API's wipe.
    const later = await openEvents();
    await later.next();
    await service.admin.wipe(report.deviceId!);
    expect(await later.next()).toEqual({ event: "devices", data: report.deviceId });
    later.close();
  });
});
