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
    expect(result.differences).toEqual([{ field: "steps seen", a: "downloadingAgent, enrolling, signingIn", b: "installingAgent", matters: false, note: "steps only one side shows are not compared" }]);
  });

  it("takes each major step once, by its top-level state, in the order first entered", () => {
    expect(majorSteps(simulated)).toEqual(["connectingWifi", "downloadingAgent", "settingDeviceOwner", "enrolling", "signingIn", "installingApps", "enrolled"]);
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

describe("comparing the failures of two summaries", () => {
  const failed = (code: string, screen: string): EnrollmentSummary => ({ ...simulated, finalState: "provisioningFailed", failure: { code, screen, step: "verifyAgent" } });

  it("minds another failure code, or another screen for the same code", () => {
    // Before: both ended in provisioningFailed, so they were the same.
    expect(compareSummaries(failed("checksumError", "A"), failed("downloadFailed", "A")).differences).toEqual([{ field: "failure", a: "checksumError at verifyAgent", b: "downloadFailed at verifyAgent", matters: true }]);
    expect(compareSummaries(failed("checksumError", "A"), failed("checksumError", "B")).differences).toEqual([
      { field: "failure", a: 'checksumError at verifyAgent: "A"', b: 'checksumError at verifyAgent: "B"', matters: true },
    ]);
    expect(compareSummaries(failed("checksumError", "A"), failed("checksumError", "A")).same).toBe(true);
    expect(compareSummaries({ ...simulated, failure: null }, failed("checksumError", "A")).differences).toContainEqual({ field: "failure", a: "none", b: "checksumError at verifyAgent", matters: true });
  });

  it("notes a failure one summary does not record (an emulator's), without holding it against them", () => {
    const result = compareSummaries(failed("checksumError", "A"), { ...emulator, finalState: "provisioningFailed" });
    expect(result.differences).toContainEqual({ field: "failure", a: "checksumError at verifyAgent", b: "(not recorded)", matters: false, note: "one summary does not record the failure" });
    expect(result.differences.filter((d) => d.matters)).toEqual([]);
  });
});
