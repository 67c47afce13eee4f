/**
 * `aosp-sim enroll --no-mobile-data` and a payload's USE_MOBILE_DATA, LOCALE, TIME_ZONE and
 * LOCAL_TIME through the built CLI: the JSON document, the transcript `show` prints, and a replay
 * that reproduces the device without mobile data.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-mobile-data-");
const KEY = "android.app.extra.PROVISIONING_";
const LOCAL_TIME = Date.UTC(2025, 5, 1, 8, 0, 0);
const payload = temp.file("mobile.json");
writeFileSync(payload, JSON.stringify({
  [`${KEY}DEVICE_ADMIN_COMPONENT_NAME`]: "com.example.dpc/.AdminReceiver",
  [`${KEY}USE_MOBILE_DATA`]: true,
  [`${KEY}LOCALE`]: "fr_FR",
  [`${KEY}TIME_ZONE`]: "Europe/Paris",
  [`${KEY}LOCAL_TIME`]: LOCAL_TIME,
}));

describe("aosp-sim enroll with a payload that allows mobile data and sets the locale, time zone and time", () => {
  // Before: --no-mobile-data was an unknown option, and the device went on over its setup wizard's
  // Wi-Fi with the locale, time zone and clock untouched.
  it("fails after 10 minutes without mobile data, says what it set, and replays identically", async () => {
    const transcript = temp.file("no-mobile-data.jsonl");
    // seed 1: an Android 10 device, which sets them as provisioning starts.
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "1", "--no-mobile-data", "--json", "--transcript", transcript]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      finalState: string;
      failure: { code: string; screen: string };
      systemSettings: unknown;
      timeline: { state: string; event: string; detail: string; at: string }[];
    };
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure).toMatchObject({ code: "mobileDataTimeout", screen: "Can't set up device. Contact your IT admin for help." });
    expect(report.systemSettings).toEqual({ locale: "fr-FR", timeZone: "Europe/Paris", clockSetTo: new Date(LOCAL_TIME).toISOString() });
    const settings = report.timeline.find((e) => e.event === "settings");
    expect(settings?.detail).toBe(`Time zone set to Europe/Paris; clock set to ${new Date(LOCAL_TIME).toISOString()}; locale set to fr-FR (was en-US)`);
    expect(report.timeline.at(-1)?.at).toBe(new Date(LOCAL_TIME + 10 * 60_000).toISOString());

    const shown = await aospSim(["show", transcript]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/settings\s+Time zone set to Europe\/Paris; clock set to/);
    expect(shown.stdout).toMatch(/mobileDataTimeout: no mobile network reached the internet within 10 min/);

    const replayed = await aospSim(["replay", transcript, "--json"]);
    expect(replayed.stderr).toBe("");
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ identical: true });
  });

  it("has no mobile data either under the network-absent fault, and replays identically", async () => {
    // Before: the fault took the Wi-Fi only, and the device enrolled on over mobile data.
    const transcript = temp.file("network-absent.jsonl");
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "1", "--fault", "network-absent", "--json", "--transcript", transcript]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { finalState: string; failure: { code: string }; timeline: { state: string }[] };
    expect(report.finalState).toBe("provisioningFailed");
    expect(report.failure.code).toBe("mobileDataTimeout");
    const replayed = await aospSim(["replay", transcript, "--json"]);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ identical: true });
  });

  it("keeps the clock LOCAL_TIME set when resumed with --device-dir in a new process", async () => {
    // Before: the resumed device read the base clock's time again (today), not the time it was set to.
    const dir = temp.file("resumed-device");
    const first = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "1", "--device-dir", dir, "--until", "connectingMobileData", "--json"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const resumed = await aospSim(["enroll", payload, "--clock", "simulated", "--device-dir", dir, "--json"]);
    expect(resumed.stderr).toBe("");
    const report = JSON.parse(resumed.stdout) as { systemSettings: { clockSetTo: string }; timeline: { at: string }[] };
    expect(report.systemSettings.clockSetTo).toBe(new Date(LOCAL_TIME).toISOString());
    // Run on since it was set: a few seconds of the simulated attach, and the real time between the runs.
    for (const entry of report.timeline) {
      expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(LOCAL_TIME);
      expect(Date.parse(entry.at)).toBeLessThan(LOCAL_TIME + 60 * 60_000);
    }
  });

  it("goes on over mobile data by default, to the missing admin app", async () => {
    const result = await aospSim(["enroll", payload, "--clock", "simulated", "--seed", "1", "--json"]);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as { failure: { code: string }; timeline: { state: string }[] };
    expect(report.timeline.map((e) => e.state)).toContain("connectingMobileData");
    expect(report.failure.code).toBe("adminAppMissing");
  });
});
