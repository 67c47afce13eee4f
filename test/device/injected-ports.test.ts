/**
 * The device over ports it is given: every port a hand-made test double (no virtual hardware,
 * no HTTP, no service), driven end to end by createDevice and the Device facade. This is the
 * seam an adb-backed device, a replay or a fleet plugs into.
 */
import { describe, expect, it } from "vitest";
import { createDevice } from "../../agent/device/create-device.js";
import { StepError } from "../../agent/machine/step-error.js";
import { AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE } from "../../agent/protocol/intune-conventions.js";
import { doubles } from "../helpers/port-doubles.js";

describe("a device over injected ports", () => {
  it("enrolls end to end through test doubles, with no virtual hardware assembled", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
    const report = await device.enroll();
    expect(report.finalStatePath).toBe("enrolled.idle");
    expect(report.deviceId).toBe("d-1");
    expect(world.joined.map((n) => [n.ssid, n.securityType, n.password])).toEqual([["Double-Net", "WPA", "double-passphrase"]]);
    expect(world.asked).toEqual([
      "download http://mdm.test/agent.apk",
      `enroll http://mdm.test tok-1 ${device.identity.serialNumber}`,
      "signIn d-1 alex@contoso.example",
      `download http://mdm.test/${COMPANY_PORTAL_PACKAGE}.apk`,
      `download http://mdm.test/${AUTHENTICATOR_PACKAGE}.apk`,
      // Enrollment ends with the first sync, which reports the installed apps.
      "checkIn d-1 3 apps",
    ]);
    expect(report.apps.map((a) => a.package).sort()).toEqual([AGENT_PACKAGE, AUTHENTICATOR_PACKAGE, COMPANY_PORTAL_PACKAGE].sort());
    // The machine's snapshot went to the injected storage.
    expect(world.flash.size).toBeGreaterThan(0);
    // Time is the injected clock's: the first check-in is 3 minutes after enrollment.
    await device.runFor(3 * 60_000);
    expect(world.asked.at(-1)).toBe("checkIn d-1 3 apps");
    device.dispose();
  });

  it("applies a fault to an injected port (wifi-timeout decorates the given Wi-Fi)", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, faults: ["wifi-timeout"] });
    const report = await device.enroll();
    expect(report.failure?.code).toBe("wifiTimeout");
    device.dispose();
  });

  it("keeps each device on its own ports when many run at once (one shared machine)", async () => {
    // Devices share one machine definition and find their ports through their actor system:
    // two devices enrolling at the same time must never call each other's doubles.
    const worlds = [doubles(), doubles()];
    await Promise.all(worlds.map((w) => w.setPicture()));
    worlds[1]!.ports.wifi.join = async (network, onProgress) => {
      onProgress({ status: "associating", detail: "second double refuses" });
      throw new StepError("wifiAuthFailed", `wrong key for ${network.ssid}`);
    };
    const devices = await Promise.all(
      worlds.map((w, i) => createDevice({ ports: w.ports, seed: 10 + i, user: { userPrincipalName: "alex@contoso.example", password: "pw" } })),
    );
    const reports = await Promise.all(devices.map((d) => d.enroll()));
    expect(reports[0]!.finalStatePath).toBe("enrolled.idle");
    expect(reports[1]!.failure?.code).toBe("wifiAuthFailed");
    expect(worlds[0]!.asked[1]).toBe(`enroll http://mdm.test tok-1 ${devices[0]!.identity.serialNumber}`);
    expect(worlds[1]!.asked).toEqual([]);
    for (const d of devices) d.dispose();
  });

  it("hands given ports real AbortSignals, which abort when the machine stops the step", async () => {
    // A port written outside the package may pass its signal to fetch or a child process, which
    // take only a real AbortSignal (the device's own ports get a lighter one).
    const world = doubles();
    await world.setPicture();
    const seen: string[] = [];
    const check = (port: string, signal: unknown) => {
      AbortSignal.any([signal as AbortSignal]);
      seen.push(`${port} ${signal instanceof AbortSignal}`);
    };
    const { camera, packages, service } = world.ports;
    world.ports.camera = { capture: (signal) => (check("camera", signal), camera.capture(signal)) };
    world.ports.packages = { ...packages, download: (r, signal) => (check("download", signal), packages.download(r, signal)) };
    world.ports.service = { ...service, enroll: (u, r, signal) => (check("enroll", signal), service.enroll(u, r, signal)) };
    let stopped: unknown = null;
    // A radio that never connects: the machine gives up on it, and the join must hear that.
    world.ports.wifi = {
      currentConnection: async () => null,
      join: (_network, _onProgress, signal) => {
        check("wifi", signal);
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject((stopped = signal.reason)), { once: true }));
      },
    };
    const device = await createDevice({ ports: world.ports, seed: 3 });
    const report = await device.enroll();
    expect(report.failure?.code).toBe("wifiTimeout");
    expect(seen).toEqual(["camera true", "wifi true"]);
    expect((stopped as Error).message).toMatch(/Wi-Fi join was stopped/);
    device.dispose();

    const again = doubles();
    await again.setPicture();
    Object.assign(again.ports, { packages: world.ports.packages, service: world.ports.service });
    seen.length = 0;
    const enrolled = await createDevice({ ports: again.ports, seed: 4, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
    expect((await enrolled.enroll()).finalStatePath).toBe("enrolled.idle");
    expect(seen).toEqual(["download true", "enroll true", "download true", "download true"]);
    enrolled.dispose();
  });

  it("needs something for the camera to see", async () => {
    await expect(createDevice({ seed: 1 })).rejects.toThrow(/camera has nothing to see/);
  });
});

describe("transcript state records", () => {
  it("carry the step as data: the state left, the XState event and the step's output", async () => {
    const world = doubles();
    await world.setPicture();
    const records: Record<string, unknown>[] = [];
    const device = await createDevice({
      ports: world.ports,
      seed: 3,
      user: { userPrincipalName: "alex@contoso.example", password: "pw" },
      transcript: (r) => records.push(r as unknown as Record<string, unknown>),
    });
    await device.enroll();
    device.dispose();
    const states = records.filter((r) => r.type === "state");
    const enrolled = states.find((r) => r.eventType === "xstate.done.actor.enroll");
    expect(enrolled).toMatchObject({ from: "enrolling.requesting", state: "signingIn.waitingForUser", output: { deviceId: "d-1", enrollmentProfileName: "Doubles" } });
    const signIn = states.find((r) => r.eventType === "SIGN_IN");
    expect(signIn).toMatchObject({ eventData: { userPrincipalName: "alex@contoso.example", password: "(redacted)" } });
    // Every step follows from the one before it: the state path can be walked again.
    for (let i = 1; i < states.length; i++) expect(states[i]!.from).toBe(states[i - 1]!.state);
  });
});

describe("keepStepData: false (fleets)", () => {
  it("words the same timeline and keeps no step's context, event data or output", async () => {
    const run = async (keepStepData: boolean) => {
      const world = doubles();
      await world.setPicture();
      const device = await createDevice({ ports: world.ports, seed: 5, keepStepData, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
      await device.enroll();
      await device.runFor(10 * 60_000);
      const result = { timeline: device.timeline.map(({ state, event, detail, elapsedMs }) => ({ state, event, detail, elapsedMs })), records: device.records };
      device.dispose();
      return result;
    };
    const full = await run(true);
    const lean = await run(false);
    expect(lean.timeline).toEqual(full.timeline);
    expect(lean.timeline.length).toBeGreaterThan(10);
    const steps = (records: typeof full.records) => records.filter((r) => r.kind === "step");
    expect(steps(full.records).every((r) => r.context !== undefined)).toBe(true);
    expect(steps(lean.records).map((r) => [r.context, r.eventData, r.output, r.value])).toEqual(steps(lean.records).map(() => [undefined, undefined, undefined, undefined]));
    expect(steps(lean.records).map((r) => [r.from, r.to, r.eventType])).toEqual(steps(full.records).map((r) => [r.from, r.to, r.eventType]));
  });

  it("with a timeline window, keeps only the latest steps and lines, worded as an unbounded device words them", async () => {
    const run = async (timelineWindow?: number) => {
      const world = doubles();
      await world.setPicture();
      const device = await createDevice({
        ports: world.ports, seed: 5, keepStepData: false, ...(timelineWindow ? { timelineWindow } : {}),
        user: { userPrincipalName: "alex@contoso.example", password: "pw" },
      });
      await device.enroll();
      const report = await device.report();
      // A day of check-ins: every 15 minutes for two hours, then every eight hours.
      await device.runFor(24 * 3_600_000);
      const result = {
        timeline: device.timeline.map(({ state, event, detail, elapsedMs }) => ({ state, event, detail, elapsedMs })),
        records: device.records.length,
        reportTimeline: report.timeline.length,
        checkIns: device.context.checkIns,
      };
      device.dispose();
      return result;
    };
    const unbounded = await run();
    const bounded = await run(8);
    expect(bounded.checkIns).toBe(unbounded.checkIns);
    expect(unbounded.timeline.length).toBeGreaterThan(40);
    // Between the window and twice it, whatever the device's age.
    expect(bounded.timeline.length).toBeGreaterThanOrEqual(8);
    expect(bounded.timeline.length).toBeLessThan(16);
    expect(bounded.records).toBeLessThan(16);
    expect(bounded.timeline).toEqual(unbounded.timeline.slice(-bounded.timeline.length));
    // A report taken before the window moved on shows what the log still holds of its timeline.
    expect(bounded.reportTimeline).toBeLessThanOrEqual(unbounded.reportTimeline);
  });

  it("with a timeline window, words steps only when the window is trimmed or the timeline is read", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({
      ports: world.ports, seed: 5, keepStepData: false, timelineWindow: 16,
      user: { userPrincipalName: "alex@contoso.example", password: "pw" },
    });
    await device.enroll();
    const steps = () => device.records.filter((r) => r.kind === "step");
    // Enrolled in fewer steps than twice the window: nothing trimmed, so nothing worded yet and
    // every step still holds what its wording needs.
    expect(steps().length).toBeLessThan(32);
    expect(steps().every((r) => r.context !== undefined)).toBe(true);
    const timeline = device.timeline.map(({ state, event, detail }) => ({ state, event, detail }));
    expect(timeline.at(-1)).toMatchObject({ state: "enrolled.idle" });
    // A day of check-ins trims the window: the steps it words lose their data, the rest keep it.
    await device.runFor(24 * 3_600_000);
    expect(device.records.length).toBeLessThan(32);
    const held = steps();
    const worded = held.filter((r) => r.context === undefined).length;
    expect(worded).toBeGreaterThan(0);
    expect(held.slice(0, worded).every((r) => r.context === undefined)).toBe(true);
    device.dispose();
  });

  it("with a timeline window, a device whose timeline is read after each step keeps no step's data", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({
      ports: world.ports, seed: 5, keepStepData: false, timelineWindow: 16,
      user: { userPrincipalName: "alex@contoso.example", password: "pw" },
    });
    // As the fleet follows a device living its --life.
    device.onChange(() => void device.timeline);
    await device.enroll();
    await device.runFor(24 * 3_600_000);
    const steps = device.records.filter((r) => r.kind === "step");
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.map((r) => [r.context, r.eventData, r.output, r.value])).toEqual(steps.map(() => [undefined, undefined, undefined, undefined]));
    device.dispose();
  });
});
