/**
 * Comparing two enrollment summaries: which differences matter (final state, device owner, apps
 * and versions, the order of the steps both show) and which do not.
 */
import { describe, expect, it } from "vitest";
import { compareSummaries, majorSteps, type EnrollmentSummary } from "../../agent/report/compare.js";

const OWNER = "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver";
const steps = (...states: string[]) => states.map((state) => ({ state }));
const simulated: EnrollmentSummary = {
  finalState: "enrolled",
  deviceOwner: OWNER,
  apps: [{ package: "com.microsoft.intune.aospagent", versionName: "24.9.2" }, { package: "com.azure.authenticator", versionName: "6.2410.6530" }],
  timeline: steps("welcome", "scanningQr", "connectingWifi", "downloadingAgent", "settingDeviceOwner", "enrolling", "signingIn.waitingForUser", "installingApps.installing", "installingApps.installing", "enrolled.idle"),
};
const emulator: EnrollmentSummary = {
  ...simulated,
  timeline: steps("connectingWifi", "installingAgent", "settingDeviceOwner", "installingApps", "enrolled"),
};

describe("comparing enrollment summaries", () => {
  it("agrees when state, owner, apps and the shared steps' order agree, noting steps one side cannot see", () => {
    const result = compareSummaries(simulated, emulator);
    expect(result.same).toBe(true);
    expect(result.differences).toEqual([{ field: "steps seen", a: "enrolling, signingIn", b: "installingAgent", matters: false, note: "steps only one side shows are not compared" }]);
  });

  it("takes each major step once, by its top-level state, in the order first entered", () => {
    expect(majorSteps(simulated)).toEqual(["connectingWifi", "settingDeviceOwner", "enrolling", "signingIn", "installingApps", "enrolled"]);
  });

  it("minds another version, a missing app, another owner and another final state", () => {
    const other: EnrollmentSummary = {
      ...emulator,
      finalState: "provisioningFailed",
      deviceOwner: "com.afwsamples.testdpc/.DeviceAdminReceiver",
      apps: [{ package: "com.microsoft.intune.aospagent", versionName: "24.7.0" }],
    };
    const result = compareSummaries(simulated, other);
    expect(result.same).toBe(false);
    expect(result.differences.filter((d) => d.matters).map((d) => d.field)).toEqual(["finalState", "deviceOwner", "apps/com.azure.authenticator", "apps/com.microsoft.intune.aospagent"]);
  });

  it("minds another versionCode under the same versionName, and reads a summary without codes by name alone", () => {
    const agent = (versionCode?: number): EnrollmentSummary => ({ ...emulator, apps: [{ package: "com.microsoft.intune.aospagent", versionName: "24.9.2", ...(versionCode === undefined ? {} : { versionCode }) }] });
    // Before: the same versionName was the same version, whatever its code.
    expect(compareSummaries(agent(2409002), agent(2409003)).differences).toEqual([
      { field: "apps/com.microsoft.intune.aospagent", a: "24.9.2 (versionCode 2409002)", b: "24.9.2 (versionCode 2409003)", matters: true },
    ]);
    expect(compareSummaries(agent(2409002), agent()).same).toBe(true);
    expect(compareSummaries(agent(2409002), agent(2409002)).same).toBe(true);
  });

  it("minds steps done in another order", () => {
    const reordered = { ...emulator, timeline: steps("settingDeviceOwner", "connectingWifi", "installingApps", "enrolled") };
    expect(compareSummaries(simulated, reordered).differences).toContainEqual({
      field: "steps",
      a: "connectingWifi > settingDeviceOwner > installingApps > enrolled",
      b: "settingDeviceOwner > connectingWifi > installingApps > enrolled",
      matters: true,
    });
  });

  it("does not hold it against a summary that does not record the device owner", () => {
    const { deviceOwner: _, ...withoutOwner } = simulated;
    const result = compareSummaries(withoutOwner, emulator);
    expect(result.same).toBe(true);
    expect(result.differences[0]).toMatchObject({ field: "deviceOwner", matters: false });
  });
});
