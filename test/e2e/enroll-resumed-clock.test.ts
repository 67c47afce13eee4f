/**
 * The clock of a simulated-clock device resumed from --device-dir in a new process, once the
 * payload's LOCAL_TIME set it: it runs on from the time the device lived to (the stored
 * snapshot's clockAt), and a clock-skew fault given to the resumed run moves it as it moves any
 * device's clock. The built CLI in a child process against the mock service on a port the OS picked.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-resumed-clock-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
/** The time the payload sets on the device (PROVISIONING_LOCAL_TIME, ms since the epoch). */
const SET_TO = Date.UTC(2027, 0, 1, 12, 0, 0);
const HOUR = 3_600_000;

let service: MockService;
let payload: string;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({ displayName: "Clock", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const content = JSON.parse(Buffer.from(profile.qrCodeContent, "base64").toString("utf8")) as Record<string, unknown>;
  payload = temp.file("payload.json");
  writeFileSync(payload, JSON.stringify({ ...content, "android.app.extra.PROVISIONING_LOCAL_TIME": SET_TO }));
});
afterAll(() => service.close());

interface Report {
  systemSettings?: { clockSetTo: string | null };
  timeline: { at: string; state: string; event: string }[];
}

async function enroll(...args: string[]): Promise<Report> {
  const result = await aospSim(["enroll", payload, "--clock", "simulated", "--json", ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Report;
}

/** Where the resumed device's clock read as it was powered on. */
const poweredOnAt = (report: Report) => Date.parse(report.timeline[0]!.at);

describe("a simulated-clock device resumed after LOCAL_TIME set its clock", { timeout: 60_000 }, () => {
  // Before, the resumed clock was held at or after the time set: the -1h fault read 12:00:00.
  it("takes a clock-skew fault given to the resumed run", async () => {
    const dir = temp.file("skew-on-resume");
    const first = await enroll("--seed", "5", "--device-dir", dir, "--until", "enrolling");
    expect(first.systemSettings?.clockSetTo).toBe(new Date(SET_TO).toISOString());
    const resumed = await enroll("--device-dir", dir, "--fault", "clock-skew=-1h", "--until", "signingIn");
    expect(resumed.timeline[0]!.event).toBe("power on");
    expect(poweredOnAt(resumed)).toBeGreaterThanOrEqual(SET_TO - HOUR);
    expect(poweredOnAt(resumed)).toBeLessThan(SET_TO - HOUR + 60_000);
  });

  // The time set replaced the first run's skew: resumed without a fault, the clock reads on from
  // the time set, not the skew's two hours before it.
  it("keeps the time set, not the skew it replaced, when the first run's clock was skewed", async () => {
    const dir = temp.file("skew-before-set");
    await enroll("--seed", "5", "--device-dir", dir, "--fault", "clock-skew=+2h", "--until", "enrolling");
    const resumed = await enroll("--device-dir", dir, "--until", "signingIn");
    expect(poweredOnAt(resumed)).toBeGreaterThanOrEqual(SET_TO);
    expect(poweredOnAt(resumed)).toBeLessThan(SET_TO + 60_000);
  });

  // A folder as a build between the setting's setTo and the snapshot's clockAt wrote it: the
  // snapshot without clockAt, the setting as {offsetMs, setTo}. That build held the resumed clock
  // at or after the time set; since the floor at setTo went, such a device whose clock was set
  // after two days off read two days before the time set.
  it("reads a folder stored before the snapshot kept clockAt no earlier than the time set", async () => {
    const dir = temp.file("before-clock-at");
    // Off for two days before it scans: its base clock is two days ahead of this process's when the time is set.
    await enroll("--seed", "5", "--device-dir", dir, "--fault", "power-loss=2d@scanningQr", "--until", "enrolling");
    const snapshotFile = join(dir, "system__machine-snapshot.json");
    const { clockAt, ...snapshot } = JSON.parse(readFileSync(snapshotFile, "utf8")) as Record<string, unknown>;
    expect(clockAt).toEqual(expect.any(Number));
    writeFileSync(snapshotFile, JSON.stringify(snapshot));
    const setting = JSON.parse(readFileSync(join(dir, "system__clock-setting.json"), "utf8")) as { offsetMs: number; setTo: number };
    expect(setting).toEqual({ offsetMs: expect.any(Number), setTo: SET_TO });
    const resumed = await enroll("--device-dir", dir, "--until", "signingIn");
    expect(resumed.timeline[0]!.event).toBe("power on");
    expect(poweredOnAt(resumed)).toBeGreaterThanOrEqual(SET_TO);
    expect(poweredOnAt(resumed)).toBeLessThan(SET_TO + 60_000);
  });
});
