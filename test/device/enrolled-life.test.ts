/**
 * An enrolled device's life on the machine's clock: check-ins on the documented cadence, apps
 * reported, the agent updating itself (and the companion apps), sync refused below 24.7.0 until
 * updated, wipe, delete and log sharing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR, MINUTE } from "../../agent/machine/checkin-cadence.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE, compareVersionNames } from "../../agent/protocol/intune-conventions.js";
import type { Device } from "../../agent/device/create-device.js";
import { RealClock } from "../../agent/device/clock.js";
import { PAST_ENROLLMENT_LIMIT_MS } from "../../agent/device/device.js";
import { InputError } from "../../agent/protocol/errors.js";
import type { HttpRecord, TranscriptRecord } from "../../agent/report/transcript.js";
import { setUpTenant, tearDownTenant, type Tenant } from "../helpers/device-tenant.js";

let t: Tenant;
beforeAll(async () => {
  t = await setUpTenant();
});
afterAll(tearDownTenant);

async function enrolled(): Promise<Device> {
  const device = await t.device();
  const report = await device.enroll();
  expect(report.finalState).toBe("enrolled");
  return device;
}

/** Runs `use` with a fresh storage directory (a device's --device-dir), removed afterwards. */
async function inStorageDir(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "aosp-device-"));
  try {
    await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkInTimes(device: Device, since: number): number[] {
  return device.timeline.filter((e) => e.state === "enrolled.checkingIn.requesting" && e.event === "check-in timer").map((e) => e.elapsedMs - since);
}

describe("an enrolled device", () => {
  it("checks in every 3 minutes for 15 minutes, every 15 minutes for 2 hours, then every 8 hours", async () => {
    const device = await enrolled();
    const since = device.timeline.at(-1)!.elapsedMs;
    const wall = performance.now();
    await device.runFor(24 * HOUR);
    expect(performance.now() - wall).toBeLessThan(5_000);
    const minutes = checkInTimes(device, since).map((ms) => ms / MINUTE);
    expect(minutes).toEqual([3, 6, 9, 12, 15, 30, 45, 60, 75, 90, 105, 120, 135, 135 + 480, 135 + 960]);
    expect(device.context.checkIns).toBe(15);
  });

  it("reports its apps and their versions at check-in (the service's discovered apps)", async () => {
    const device = await enrolled();
    device.send({ type: "SYNC" });
    await device.runUntil((d) => d.context.checkIns === 1);
    const apps = await t.service.admin.detectedApps(device.context.enrollment!.deviceId);
    const installed = await device.installedApps();
    expect(apps.map((a) => a.version).sort()).toEqual(installed.map((a) => a.versionName).sort());
  });

  it("updates itself when a newer agent is published: closes, installs, relaunches, then updates the companions", async () => {
    const device = await enrolled();
    await t.service.admin.publishPackage({ packageName: AGENT_PACKAGE, versionName: "24.11.0" });
    await t.service.admin.publishPackage({ packageName: COMPANY_PORTAL_PACKAGE, versionName: "5.0.6400.0" });
    await t.service.admin.publishPackage({ packageName: AUTHENTICATOR_PACKAGE, versionName: "6.2501.1000" });
    const before = device.timeline.length;
    await device.runUntil((d) => d.context.checkIns >= 2);
    const steps = device.timeline.slice(before).map((e) => e.state);
    const order = ["enrolled.updating.closingAgent", "enrolled.updating.installingAgentUpdate.requesting", "enrolled.updating.relaunchingAgent", "enrolled.updating.installingUpdate.requesting"];
    expect(steps.filter((s) => order.includes(s))).toEqual([...order, "enrolled.updating.installingUpdate.requesting"]);
    const versions = Object.fromEntries((await device.installedApps()).map((a) => [a.packageName, a.versionName]));
    expect(versions).toEqual({ [AGENT_PACKAGE]: "24.11.0", [COMPANY_PORTAL_PACKAGE]: "5.0.6400.0", [AUTHENTICATOR_PACKAGE]: "6.2501.1000" });
    expect(device.context.agent?.versionName).toBe("24.11.0");
  });

  it("sends nothing while the Intune app is closed for its own update; the check-in after it reports the new version", async () => {
    const records: TranscriptRecord[] = [];
    const device = await t.device({ transcript: (r) => records.push(r) });
    expect((await device.enroll()).finalState).toBe("enrolled");
    const published = await t.service.admin.listPackages();
    if (!published.some((p) => p.packageName === AGENT_PACKAGE && p.versionName === "24.11.0")) await t.service.admin.publishPackage({ packageName: AGENT_PACKAGE, versionName: "24.11.0" });
    await device.runUntil((d) => d.context.agent?.versionName === "24.11.0" && d.state === "enrolled.idle");
    const entered = (state: string) => records.findIndex((r) => r.type === "state" && r.state === state);
    const closed = entered("enrolled.updating.closingAgent");
    const reopened = entered("enrolled.updating.relaunchingAgent");
    expect(closed).toBeGreaterThan(0);
    expect(reopened).toBeGreaterThan(closed);
    // Before: a check-in sent by installAgentUpdate, with agentVersion 24.9.2 and the app list saying 24.11.0.
    const whileClosed = records.slice(closed, reopened).filter((r) => r.type === "http" && r.url.endsWith("/checkIn"));
    expect(whileClosed).toEqual([]);
    const checkIns = records.slice(reopened).filter((r): r is HttpRecord => r.type === "http" && r.url.endsWith("/checkIn"));
    expect((checkIns[0]?.request.body as { agentVersion?: string } | undefined)?.agentVersion).toBe("24.11.0");
  });

  it("is refused sync below agent 24.7.0 until it updates itself", async () => {
    // A QR code that provisions the old agent 24.5.0 (its own URL and checksum).
    const old = (await t.service.admin.listPackages()).find((p) => p.packageName === AGENT_PACKAGE && p.versionName === "24.5.0")!;
    const P = "android.app.extra.PROVISIONING_DEVICE_ADMIN_";
    const payload = { ...t.payload, [`${P}PACKAGE_DOWNLOAD_LOCATION`]: old.downloadUrl, [`${P}PACKAGE_CHECKSUM`]: old.packageChecksum };
    const device = await t.device({ qr: { payload } });
    expect((await device.enroll()).finalState).toBe("enrolled");
    expect(device.context.agent?.versionName).toBe("24.5.0");
    await device.runUntil((d) => d.context.checkIns >= 1);
    const states = device.timeline.map((e) => e.state);
    expect(states).toContain("enrolled.fetchingUpdates.requesting");
    expect(device.timeline.find((e) => e.state === "enrolled.fetchingUpdates.requesting")!.detail).toMatch(/refuses to sync agent 24\.5\.0/);
    expect(compareVersionNames(device.context.agent!.versionName, "24.7.0")).toBeGreaterThanOrEqual(0);
    expect(device.context.checkIns).toBe(1);
  });

  it("honours a wipe: acknowledges, resets, erases its storage and returns to the welcome screen; the service drops it", async () => {
    const device = await enrolled();
    const id = device.context.enrollment!.deviceId;
    await t.service.admin.wipe(id);
    expect((await t.service.admin.getManagedDevice(id)).managementState).toBe("wipePending");
    await device.runUntil((d) => d.state === "welcome");
    expect(device.timeline.map((e) => e.state)).toEqual(
      expect.arrayContaining(["enrolled.acknowledgingAction.requesting", "factoryResetting.erasing", "factoryResetting.confirmingWipe.requesting", "welcome"]),
    );
    expect(await device.installedApps()).toEqual([]);
    // What is left is the hardware's: the machine's snapshot (its identity) and the seed it was made from.
    expect(device.storage.keys().filter((k) => k !== "system/machine-snapshot.json" && k !== "system/seed.json")).toEqual([]);
    expect(device.context.enrollment).toBeNull();
    await expect(t.service.admin.getManagedDevice(id)).rejects.toMatchObject({ status: 404 });
  });

  it("resets at the next check-in after the admin deletes it", async () => {
    const device = await enrolled();
    await t.service.admin.deleteManagedDevice(device.context.enrollment!.deviceId);
    await device.runUntil((d) => d.state === "welcome");
    expect(device.timeline.find((e) => e.state === "factoryResetting.erasing")!.detail).toMatch(/delete/);
    expect(await device.installedApps()).toEqual([]);
  });

  it("shares its logs and shows the incident ID the service returns", async () => {
    const device = await enrolled();
    const incidentId = await device.shareLogs("the camera app crashes");
    expect(device.timeline.at(-1)!.detail).toBe(`Logs sent. Incident ID: ${incidentId}`);
    const incident = await t.service.admin.incident(incidentId);
    expect(incident.deviceId).toBe(device.context.enrollment!.deviceId);
    expect(incident.logs).toContain("the camera app crashes");
    expect(incident.logs).toContain("enrolled.idle");
  });

  // Before: the upload was the log's first 1 Mi characters, so past 1 MiB the newest lines were
  // never sent, and a log of 2-byte characters was refused by the service (over 1 MiB of UTF-8).
  it("shares the newest MiB of a longer log, cut at a line, and says what was left out", async () => {
    const device = await enrolled();
    const line = "é".repeat(40_000);
    for (let i = 0; i < 20; i++) device.note(`old note #${i} ${line}`);
    device.note("the newest note");
    const incidentId = await device.shareLogs("the camera app crashes");
    const { logs } = await t.service.admin.incident(incidentId);
    expect(Buffer.byteLength(logs, "utf8")).toBeLessThanOrEqual(1024 * 1024);
    expect(Buffer.byteLength(logs, "utf8")).toBeGreaterThan(1024 * 1024 - 100_000);
    const [cut, said, first] = logs.split("\n");
    expect(cut).toMatch(/^\[log cut to fit 1048576 bytes: the oldest \d+ lines \(\d+ bytes\) were left out\]$/);
    expect(said).toBe("User description: the camera app crashes");
    // The log kept starts at a line's start: a whole note, the oldest of those that fit.
    expect(first).toMatch(/^\S+ enrolled\.idle \[note\] old note #\d+ é+$/);
    expect(logs).toContain("the newest note");
    expect(logs).not.toContain("old note #0 ");
    const left = Number(/the oldest (\d+) lines/.exec(cut!)![1]);
    const whole = device.timeline.map((e) => `${e.at} ${e.state} [${e.event}] ${e.detail}`);
    // What follows the two first lines is the log from the first line kept on, up to the share ("Sending logs..." comes after).
    expect(whole.slice(left, -2).join("\n") === logs.split("\n").slice(2).join("\n")).toBe(true);
  });

  it("keeps checking in on schedule through a power cut while idle", async () => {
    const device = await enrolled();
    await device.runFor(4 * MINUTE);
    device.powerOff(90_000);
    await device.runFor(20 * MINUTE);
    expect(device.state).toBe("enrolled.idle");
    expect(device.context.checkIns).toBeGreaterThanOrEqual(6);
  });

  it("takes the check-in due when resumed enrolled: a wipe sent while it was stored is honoured, then it enrolls again", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir } });
      expect((await first.enroll()).finalState).toBe("enrolled");
      const id = first.context.enrollment!.deviceId;
      first.dispose();
      await t.service.admin.wipe(id);
      await t.clock.advance(4 * MINUTE);
      // Before, enroll found it enrolled and returned at once, its check-in never made: the wipe
      // stayed pending (and `aosp-sim enroll --device-dir` could not show a device obeying one).
      const second = await t.device({ storage: { dir } });
      const report = await second.enroll();
      expect(second.timeline.map((e) => e.state)).toEqual(expect.arrayContaining(["enrolled.checkingIn.requesting", "factoryResetting.erasing", "welcome"]));
      expect(report.finalState).toBe("enrolled");
      expect(report.deviceId).not.toBe(id);
      await expect(t.service.admin.getManagedDevice(id)).rejects.toMatchObject({ status: 404 });
      second.dispose();
    });
  });

  it("on the real clock too, takes the due check-in to its end before enroll resolves: a wipe is honoured", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir }, clock: new RealClock() });
      expect((await first.enroll()).finalState).toBe("enrolled");
      const id = first.context.enrollment!.deviceId;
      first.dispose();
      await t.service.admin.wipe(id);
      // Switched on four minutes later: its first check-in (due three minutes after enrolling) is due.
      const later = new (class extends RealClock {
        override now(): number {
          return Date.now() + 4 * MINUTE;
        }
      })();
      const second = await t.device({ storage: { dir }, clock: later });
      // Before, it resolved as the check-in's request went out (enrolled.checkingIn.requesting,
      // exit 0 from the CLI): the wipe was never acknowledged and stayed pending.
      const report = await second.enroll({ limitMs: 20_000 });
      expect(second.timeline.map((e) => e.state)).toEqual(expect.arrayContaining(["enrolled.acknowledgingAction.requesting", "factoryResetting.erasing", "welcome"]));
      expect(report.finalState).toBe("enrolled");
      expect(report.deviceId).not.toBe(id);
      await expect(t.service.admin.getManagedDevice(id)).rejects.toMatchObject({ status: 404 });
      second.dispose();
    });
  }, 30_000);

  it("on the real clock, resumed at the sign-in screen with a user, signs in and enrolls", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir }, clock: new RealClock(), user: undefined as never });
      expect((await first.enroll()).finalStatePath).toBe("signingIn.waitingForUser");
      first.dispose();
      // Before, enroll resolved as the sign-in's request was about to go out (the CLI then said it
      // had given up after --timeout, in under a second), and the device was stored mid-step.
      const second = await t.device({ storage: { dir }, clock: new RealClock() });
      const report = await second.enroll({ limitMs: 20_000 });
      expect(report.finalStatePath).toBe("enrolled.idle");
      second.dispose();
    });
  }, 30_000);

  it("stops at --until welcome or scanningQr, the states a device out of the box enters first", async () => {
    // Before, both were entered before enroll listened: the device ran on and enrolled.
    const welcome = await t.device();
    expect((await welcome.enroll({ until: "welcome" })).finalStatePath).toBe("welcome");
    expect(welcome.context.enrollment).toBeNull();
    const scanning = await t.device();
    expect((await scanning.enroll({ until: "scanningQr" })).finalStatePath).toBe("scanningQr");
  });

  it("stops where it is when enroll's signal aborts (Ctrl-C), says so in its report, and resumes there from its storage", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir } });
      const controller = new AbortController();
      first.onChange(() => {
        if (first.state === "downloadingAgent") controller.abort();
      });
      const report = await first.enroll({ signal: controller.signal });
      expect(report).toMatchObject({ finalState: "downloadingAgent", finalStatePath: "downloadingAgent", interrupted: true, failure: null });
      first.dispose();
      const second = await t.device({ storage: { dir } });
      const resumed = await second.enroll({ signal: new AbortController().signal });
      expect(resumed.timeline[0]?.state).toBe("downloadingAgent");
      expect(resumed.finalState).toBe("enrolled");
      expect(resumed.interrupted).toBeUndefined();
      second.dispose();
    });
  });

  it("reads `until` as the CLI's --until does: a unique state's own name stops there, a name that is no state is refused", async () => {
    // Before, both ran on to enrolled.idle and resolved as if they had stopped where asked.
    const byKey = await t.device();
    expect((await byKey.enroll({ until: "checkingIn" })).finalStatePath).toMatch(/^enrolled\.checkingIn/);
    byKey.dispose();
    for (const [until, problem] of [
      ["noSuchState", /^enroll\(\{ until \}\): there is no state "noSuchState"/],
      ["waitingForUser", /^enroll\(\{ until \}\): "waitingForUser" is ambiguous: write one of /],
    ] as const) {
      const device = await t.device();
      const error = await device.enroll({ until }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(problem);
      // Refused before it was powered on.
      expect(device.timeline).toEqual([]);
      device.dispose();
    }
  });

  it("runs on past enrollment to an --until state of the enrolled device's life, or gives up after a simulated day", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir } });
      // Before, an enrolled device ended the run whatever --until asked for.
      const checkingIn = await first.enroll({ until: "enrolled.checkingIn" });
      expect(checkingIn.finalStatePath).toMatch(/^enrolled\.checkingIn/);
      const id = first.context.enrollment!.deviceId;
      first.dispose();
      const second = await t.device({ storage: { dir } });
      const startedAt = t.clock.now();
      // Logs are shared only when someone asks: no check-in takes it there.
      const notOffered = await second.enroll({ until: "enrolled.sharingLogs" });
      expect(notOffered.finalStatePath).toBe("enrolled.idle");
      expect(t.clock.now() - startedAt).toBeGreaterThanOrEqual(PAST_ENROLLMENT_LIMIT_MS);
      second.dispose();
      await t.service.admin.deleteManagedDevice(id);
      const third = await t.device({ storage: { dir } });
      const resetting = await third.enroll({ until: "factoryResetting" });
      expect(resetting.finalStatePath).toMatch(/^factoryResetting/);
      third.dispose();
    });
  });

  it("resumes from its storage directory as a new process would", async () => {
    await inStorageDir(async (dir) => {
      const first = await t.device({ storage: { dir }, faults: ["service-5xx=always"] });
      const failed = await first.enroll();
      expect(failed.finalState).toBe("enrollmentFailed");
      first.dispose();
      const second = await t.device({ storage: { dir } });
      second.powerOn();
      expect(second.state).toBe("enrollmentFailed");
      second.send({ type: "RETRY" });
      await second.runUntil((d) => d.state === "enrolled.idle");
      expect(second.state).toBe("enrolled.idle");
    });
  });
});
