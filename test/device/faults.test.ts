/**
 * Every fault, selected by name as a user would, against the mock service: where the device ends
 * and what it says, and for the transient ones that it recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStorage } from "../../agent/device/virtual/storage.js";
import { MINUTE } from "../../agent/machine/checkin-cadence.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

const enroll = async (...faults: string[]) => {
  const device = await t.device({ faults });
  return { device, report: await device.enroll() };
};

describe("faults", () => {
  it("wrong-wifi-key: Couldn't connect to Wi-Fi after the 60 s timeout, the key rejected", async () => {
    const { report } = await enroll("wrong-wifi-key");
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure).toMatchObject({ code: "wifiTimeout", screen: "Couldn't connect to Wi-Fi" });
    expect(report.failure?.message).toMatch(/rejected the key/);
  });

  // Before: "Contoso is a WPA network; the device looks for a WPA one", a network of another kind.
  it("wrong-wifi-key=KEY with a KEY no WPA network can have: said as a key the device cannot match", async () => {
    const { report } = await enroll("wrong-wifi-key=it's");
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.message).toMatch(/has a key the device cannot match \(the network's own key, the wrong-wifi-key fault's KEY, is not one a WPA network can have\)/);
    expect(report.failure?.message).not.toMatch(/looks for a WPA one/);
  });

  // Before: "... the device looks for a open one".
  it("wrong-wifi-key=KEY for an open network's payload: the network is a WPA one, said with its article", async () => {
    const { qr } = await t.newProfile({ displayName: "Open devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Guest", wifiSecurityType: "none" });
    const device = await t.device({ qr: { image: qr, label: "open.png" }, faults: ["wrong-wifi-key=abcdefghij"] });
    const report = await device.enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.message).toMatch(/Guest is a WPA network; the device looks for an open one/);
  });

  // Before: "... (the network's own key is not a WPA passphrase (...): it is 3 characters long
  // (8 to 63 needed))" in the timeline and the failure, while transcripts redact the KEY.
  it("wrong-wifi-key=KEY that no network can have: neither the KEY nor its length in the timeline or the failure", async () => {
    const { qr: wep } = await t.newProfile({ displayName: "WEP devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Old-Lab", wifiSecurityType: "wep", wifiPassword: "0a1b2c3d4e" });
    const cases = [
      { qr: t.qr, key: "Zq9", security: "WPA" },
      { qr: t.qr, key: `Zq9${"x".repeat(80)}`, security: "WPA" },
      { qr: t.qr, key: "Zq9\u00e9-Schl\u00fcssel", security: "WPA" },
      { qr: wep, key: "Zq9xyzw", security: "WEP" },
    ];
    for (const { qr, key, security } of cases) {
      const report = await (await t.device({ qr: { image: qr }, faults: [`wrong-wifi-key=${key}`] })).enroll();
      expect(report.finalState, key).toBe("wifiFailed");
      // What the key is made of and how long it is, as the device's words for a bad key say it.
      const said = [...report.timeline.map((e) => e.detail), report.failure?.message].join("\n");
      expect(said, key).not.toContain(key);
      expect(said, key).not.toMatch(/characters|ASCII|hex digits/);
      expect(report.failure?.message, key).toContain(`has a key the device cannot match (the network's own key, the wrong-wifi-key fault's KEY, is not one a ${security} network can have)`);
    }
  });

  it("a payload's own key that its network cannot have is still said precisely, length and all", async () => {
    // "WPA2" reads as NONE on the device, while its author's network is a WPA one keyed "short".
    const payload = { ...t.payload, "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE": "WPA2", "android.app.extra.PROVISIONING_WIFI_PASSWORD": "short" };
    const report = await (await t.device({ qr: { payload } })).enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.message).toContain("has a key the device cannot match (the network's own key is not a WPA passphrase (8 to 63 printable ASCII characters, or 64 hex digits): it is 5 characters long (8 to 63 needed))");
  });

  it("wrong-wifi-key: a Wi-Fi failure needs no reset; trying again with the right key works", async () => {
    const { device } = await enroll("wifi-timeout=1");
    expect(device.state).toBe("wifiFailed");
    device.send({ type: "RETRY" });
    await device.runUntil((d) => d.state === "enrolled.idle" || d.snapshot.hasTag("failure"));
    expect(device.state).toBe("enrolled.idle");
  });

  it("wifi-timeout=N counts the stored device's joins across restarts, as --device-dir reruns are", async () => {
    const storage = new MemoryStorage();
    const first = await t.device({ storage, faults: ["wifi-timeout=1"] });
    expect((await first.enroll()).finalState).toBe("wifiFailed");
    const again = await t.device({ storage, faults: ["wifi-timeout=1"] });
    again.powerOn();
    await again.runUntil((d) => d.state === "wifiFailed");
    again.send({ type: "RETRY" });
    await again.runUntil((d) => d.state === "enrolled.idle" || d.snapshot.hasTag("failure"));
    expect(again.state).toBe("enrolled.idle");
  });

  it("network-absent: the network is not in range", async () => {
    const { report } = await enroll("network-absent");
    expect(report.failure?.code).toBe("wifiTimeout");
    expect(report.failure?.message).toMatch(/not in range/);
  });

  it("network-absent with no SSID in the payload: no network at all", async () => {
    const { qr } = await t.newProfile({ displayName: "Wired", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: false });
    const report = await (await t.device({ qr: { image: qr }, faults: ["network-absent"] })).enroll();
    expect(report.finalState).toBe("wifiFailed");
    expect(report.failure?.code).toBe("noNetwork");
  });

  it("wifi-timeout: the radio never answers and the device gives up after 60 s", async () => {
    const { report } = await enroll("wifi-timeout");
    expect(report.failure?.code).toBe("wifiTimeout");
    const started = report.timeline.find((e) => e.state === "connectingWifi")!.elapsedMs;
    const failed = report.timeline.find((e) => e.state === "wifiFailed")!.elapsedMs;
    expect(failed - started).toBe(60_000);
  });

  it("download-http-error: Couldn't download the admin app, with the status", async () => {
    const { report } = await enroll("download-http-error=404");
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "downloadFailed", status: 404, screen: "Couldn't download the admin app" });
  });

  it("download-http-error with a service URL: the reason names the address contacted, not the payload's", async () => {
    const payloadOrigin = new URL(t.payload["android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION"] as string).origin;
    const contacted = payloadOrigin.replace("127.0.0.1", "localhost");
    const device = await t.device({ serviceUrl: contacted, faults: ["download-http-error=404"] });
    const report = await device.enroll();
    expect(report.failure?.code).toBe("downloadFailed");
    expect(report.failure?.message).toContain(`GET ${contacted}/`);
  });

  it("corrupt-download: checksum error, with the mismatching digests", async () => {
    const { report } = await enroll("corrupt-download");
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure?.code).toBe("checksumError");
    expect(report.failure?.screen).toMatch(/checksum error/);
    expect(report.failure?.message).toMatch(/SHA-256 is \S+, the payload expects \S+/);
  });

  it("corrupt-download: a payload with only a signature checksum also sees the damage", async () => {
    const P = "android.app.extra.PROVISIONING_DEVICE_ADMIN_";
    const packages = await t.service.admin.listPackages();
    const agent = packages.find((p) => p.downloadUrl === t.payload[`${P}PACKAGE_DOWNLOAD_LOCATION`])!;
    const payload: Record<string, unknown> = { ...t.payload, [`${P}SIGNATURE_CHECKSUM`]: agent.signatureChecksum };
    delete payload[`${P}PACKAGE_CHECKSUM`];
    const ok = await (await t.device({ qr: { payload } })).enroll();
    expect(ok.finalState).toBe("enrolled");
    const damaged = await (await t.device({ qr: { payload }, faults: ["corrupt-download"] })).enroll();
    expect(damaged.failure?.code).toBe("checksumError");
    expect(damaged.failure?.message).toMatch(/no signing certificate/);
  });

  it("service-5xx: retries with backoff on the device's clock and enrolls", async () => {
    const { report } = await enroll("service-5xx");
    expect(report.finalState).toBe("enrolled");
    const retries = report.timeline.filter((e) => e.state === "enrolling.waitingToRetry");
    expect(retries.map((e) => e.detail)).toEqual([expect.stringMatching(/HTTP 503.*trying again in 2s \(attempt 2 of 5\)/), expect.stringMatching(/trying again in 4s \(attempt 3 of 5\)/)]);
  });

  it("service-5xx=always: gives up after five attempts, naming the cause", async () => {
    const { report } = await enroll("service-5xx=always");
    expect(report.finalState).toBe("enrollmentFailed");
    expect(report.failure).toMatchObject({ code: "serviceUnavailable", status: 503 });
    expect(report.timeline.filter((e) => e.state === "enrolling.requesting")).toHaveLength(5);
    // Said once: before, "HTTP 503 serviceUnavailable: HTTP 503 (injected: fault service-5xx)".
    expect(report.failure?.message).toMatch(/HTTP 503 serviceUnavailable: injected by fault service-5xx$/);
  });

  it("service-timeout: each silent request times out after 30 s, then the device enrolls", async () => {
    const { report } = await enroll("service-timeout");
    expect(report.finalState).toBe("enrolled");
    const retry = report.timeline.find((e) => e.state === "enrolling.waitingToRetry")!;
    expect(retry.detail).toMatch(/no answer within 30 s/);
  });

  it("service-timeout=always: serviceTimeout", async () => {
    const { report } = await enroll("service-timeout=always");
    expect(report.failure?.code).toBe("serviceTimeout");
  });

  it("power-loss: the device resumes the interrupted step and enrolls", async () => {
    const { report } = await enroll("power-loss=2m@downloadingAgent");
    expect(report.finalState).toBe("enrolled");
    const kinds = report.timeline.filter((e) => e.kind === "power").map((e) => e.detail);
    expect(kinds).toEqual([expect.stringMatching(/^Power lost/)]);
    const resumed = report.timeline.find((e) => e.event === "power on" && e.detail.startsWith("Powered on"));
    expect(resumed?.state).toBe("downloadingAgent");
    const lost = report.timeline.find((e) => e.kind === "power")!;
    expect(resumed!.elapsedMs - lost.elapsedMs).toBe(2 * MINUTE);
  });

  it("clock-skew: the device's clock is off; it still enrolls and checks in, and says how far off it is", async () => {
    const { device, report } = await enroll("clock-skew=+2h");
    expect(report.finalState).toBe("enrolled");
    await device.runUntil((d) => d.context.checkIns >= 1);
    expect(device.timeline.at(-1)!.detail).toMatch(/clock is 2h ahead of the service's/);
  });

  it("clock-skew at a state: the clock jumps back, and check-ins keep their cadence", async () => {
    const { device } = await enroll("clock-skew=-2h@enrolled.idle");
    const start = device.clock.now();
    await device.runUntil((d) => d.context.checkIns >= 3);
    // Without the clamp a clock set back 2 h would silence the device for 2 h.
    expect(device.timeline.some((e) => /jumps back 2h/.test(e.detail))).toBe(true);
    expect(device.clock.now() - start).toBeLessThan(20 * MINUTE);
  });

  it("clock-skew at a state: a clock set back 2 h keeps the documented cadence, not a check-in every 3 minutes for 2 hours", async () => {
    const { device } = await enroll("clock-skew=-2h@enrolled.checkingIn");
    const enrolledAt = device.timeline.at(-1)!.elapsedMs;
    await device.runFor(3 * 60 * MINUTE);
    const minutes = device.timeline
      .filter((e) => e.event === "check-in timer")
      .map((e) => Math.round((e.elapsedMs - enrolledAt) / MINUTE));
    expect(minutes).toEqual([3, 6, 9, 12, 15, 30, 45, 60, 75, 90, 105, 120, 135]);
  });
});
