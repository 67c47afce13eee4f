/**
 * Power loss at every state the device passes through in a full life (out of the box, enrolled,
 * updated, logs shared, wiped), and at every failure screen: the device boots, resumes from its
 * persisted snapshot (redoing the interrupted step, re-arming pending waits from their
 * deadlines) and ends exactly where an uninterrupted device does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import type { Device } from "../../agent/device/create-device.js";
import { SNAPSHOT_KEY } from "../../agent/device/stored-snapshot.js";
import { MemoryStorage } from "../../agent/device/virtual/storage.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
beforeAll(async () => {
  t = await setUpTenant();
  await t.service.admin.publishPackage({ packageName: AGENT_PACKAGE, versionName: "24.11.0" });
});
afterAll(tearDownTenant);

interface Life {
  device: Device;
  enrolledState: string;
  agentAfterUpdate: string | null;
  incidentId: string;
  finalState: string;
  resets: number;
}

/** Enroll, let the update arrive, share logs, get wiped: what every run must reach. */
async function live(faults: string[]): Promise<Life> {
  const device = await t.device({ faults });
  const enrolledState = (await device.enroll()).finalState;
  await device.runUntil((d) => d.context.checkIns >= 2);
  const agentAfterUpdate = device.context.agent?.versionName ?? null;
  await device.runUntil((d) => d.state === "enrolled.idle");
  const incidentId = await device.shareLogs();
  await t.service.admin.wipe(device.context.enrollment!.deviceId);
  await device.runUntil((d) => d.state === "welcome" && d.context.resets > 0);
  return { device, enrolledState, agentAfterUpdate, incidentId, finalState: device.state, resets: device.context.resets };
}

let baseline: Life;
let visited: string[] = [];

describe("power loss", () => {
  beforeAll(async () => {
    baseline = await live(["service-5xx=1"]);
    visited = [...new Set(baseline.device.timeline.filter((e) => e.kind === "state").map((e) => e.state))];
  });

  it("visits every step of a device's life in the baseline run", () => {
    expect(baseline).toMatchObject({ enrolledState: "enrolled", agentAfterUpdate: "24.11.0", finalState: "welcome", resets: 1 });
    expect(visited.length).toBeGreaterThan(20);
    expect(visited).toEqual(expect.arrayContaining(["enrolling.waitingToRetry", "enrolled.updating.relaunchingAgent", "factoryResetting.confirmingWipe.requesting"]));
  });

  it("at every state, changes nothing about how the device's life ends", async () => {
    const outcomes: Record<string, string> = {};
    for (const state of visited) {
      const run = await live(["service-5xx=1", `power-loss=45s@${state}`]);
      const lost = run.device.timeline.some((e) => e.kind === "power");
      outcomes[state] = [lost ? "lost" : "not lost", run.enrolledState, run.agentAfterUpdate, run.finalState, run.resets, run.incidentId ? "incident" : "none"].join(" ");
      run.device.dispose();
    }
    const expected = Object.fromEntries(visited.map((s) => [s, "lost enrolled 24.11.0 welcome 1 incident"]));
    expect(outcomes).toEqual(expected);
  }, 120_000);

  it.each([
    ["wrong-wifi-key", "wifiFailed", "wifiTimeout"],
    ["download-http-error", "provisioningFailed", "downloadFailed"],
    ["corrupt-download", "provisioningFailed", "checksumError"],
    ["service-5xx=always", "enrollmentFailed", "serviceUnavailable"],
  ])("on the failure screen after %s, boots back to the same screen and reason", async (fault, screen, code) => {
    const device = await t.device({ faults: [fault, `power-loss=5m@${screen}`] });
    const report = await device.enroll();
    expect(report.timeline.some((e) => e.kind === "power")).toBe(true);
    expect(report.finalState).toBe(screen);
    expect(report.failure?.code).toBe(code);
  });

  it("in the middle of a Wi-Fi join, joins again from the start after the boot", async () => {
    const report = await (await t.device({ faults: ["power-loss@connectingWifi"] })).enroll();
    expect(report.finalState).toBe("enrolled");
    const joins = report.timeline.filter((e) => e.detail === "Turning Wi-Fi on");
    expect(joins).toHaveLength(2);
  });

  it("says once that it powered on and resumed, in every state it was cut in", async () => {
    for (const state of ["connectingWifi", "downloadingAgent", "enrolling.requesting", "enrolled.idle"]) {
      const device = await t.device({ faults: [`power-loss@${state}`] });
      await device.enroll();
      const boots = device.timeline.filter((e) => e.event === "power on" && e.state !== "welcome");
      expect(boots.map((e) => e.detail), state).toEqual([expect.stringMatching(/^Powered on; resuming: /)]);
    }
  });

  it("stopped by until on entering the fault's state, takes the cut when it resumes there", async () => {
    const storage = new MemoryStorage();
    const faults = ["power-loss@downloadingAgent"];
    const first = await t.device({ storage, faults });
    expect((await first.enroll({ until: "downloadingAgent" })).finalStatePath).toBe("downloadingAgent");
    // The stop came first: the power never went.
    expect(first.timeline.some((e) => e.kind === "power")).toBe(false);
    first.dispose();
    // Before: the cut was kept as taken, and the resumed device was never cut (as `enroll
    // --until downloadingAgent --device-dir D` and then `enroll --device-dir D` with the fault).
    const again = await t.device({ storage, faults });
    const report = await again.enroll();
    expect(report.timeline.filter((e) => e.event === "power lost").map((e) => e.state)).toEqual(["downloadingAgent"]);
    expect(report.finalState).toBe("enrolled");
  });

  it("records the power coming back before the device boots on it", async () => {
    const device = await t.device({ faults: ["power-loss@downloadingAgent"] });
    await device.enroll();
    const restored = device.records.findIndex((r) => r.kind === "power" && r.change === "restored");
    const boot = device.records.findIndex((r) => r.kind === "step" && r.boot === "resumed");
    // Before: the boot's "Powered on; resuming" came first, then "power restored" at the same instant.
    expect(restored).toBeGreaterThan(-1);
    expect(restored).toBeLessThan(boot);
  });
});

describe("persistEveryStep: false (fleets)", () => {
  it("writes no snapshot while it runs, writes one as power is cut, and resumes from it", async () => {
    const storage = new MemoryStorage();
    const device = await t.device({ storage, persistEveryStep: false });
    const report = await device.enroll();
    expect(report.finalState).toBe("enrolled");
    expect(storage.read(SNAPSHOT_KEY)).toBeNull();
    device.powerOff(30_000);
    expect(storage.read(SNAPSHOT_KEY)).not.toBeNull();
    await device.runUntil((d) => d.context.checkIns >= 2);
    expect(device.state.startsWith("enrolled")).toBe(true);
    expect(device.timeline.some((e) => e.event === "power on")).toBe(true);
  });

  it("still writes every step when a power-loss fault is planned, and the device ends enrolled", async () => {
    const storage = new MemoryStorage();
    const device = await t.device({ storage, persistEveryStep: false, faults: ["power-loss=45s@downloadingAgent"] });
    let writtenBeforeCut = false;
    const stop = device.onChange(() => {
      if (device.state === "downloadingAgent" && storage.read(SNAPSHOT_KEY) !== null) writtenBeforeCut = true;
    });
    const report = await device.enroll();
    stop();
    expect(writtenBeforeCut).toBe(true);
    expect(report.timeline.some((e) => e.kind === "power")).toBe(true);
    expect(report.finalState).toBe("enrolled");
  });
});

// Before, the step under way when the battery was pulled went on writing: an install with no
// time to take (the real clock's timings) recorded the app and removed its download from staging
// after the cut, while the snapshot kept installingAgent; resumed by another process (a Ctrl-C
// while the device was off, then the same command with --device-dir), it took the install again
// and failed: "the downloaded file download-1 is gone from staging".
describe("a power cut as a step starts", () => {
  it("lets nothing the step does afterwards reach the device's storage, so another process resumes it to enrolled", async () => {
    const storage = new MemoryStorage();
    const first = await t.device({ storage, latency: "none", faults: ["power-loss=1h@installingAgent"] });
    // Stopped while the device is off, as a Ctrl-C stops `enroll`.
    const interrupt = new AbortController();
    first.onRecord((r) => {
      if (r.kind === "power" && r.change === "lost") interrupt.abort();
    });
    const stopped = await first.enroll({ signal: interrupt.signal });
    expect(interrupt.signal.aborted).toBe(true);
    expect(stopped.finalStatePath).not.toMatch(/^enrolled/);
    // What the flash holds as the power went: the download still staged, the agent not installed.
    expect(storage.keys("staging/").length).toBe(1);
    expect(storage.keys().some((key) => key.includes(AGENT_PACKAGE))).toBe(false);
    const again = await t.device({ storage, latency: "none" });
    const report = await again.enroll();
    expect(report.finalState, report.timeline.map((e) => `${e.state} ${e.detail}`).join("\n")).toBe("enrolled");
  });
});
