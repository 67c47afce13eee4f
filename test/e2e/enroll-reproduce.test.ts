/**
 * `aosp-sim enroll` as a QA engineer reproducing a failure uses it: faults at a state the run
 * never reaches, --until at a state of the enrolled device, a device resumed from --device-dir
 * on the simulated clock, and what the timeline says of a check-in or a retry that is overdue.
 * The built CLI in a child process against the mock service on a port the OS picked.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-reproduce-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };

let service: MockService;
let qr: string;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({
    displayName: "Reproduce",
    enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice",
    configureWifi: true,
    wifiSsid: "Contoso-Staging",
    wifiSecurityType: "wpa",
    wifiPassword: "staging-passphrase",
  });
  qr = temp.file("qr.png");
  writeFileSync(qr, Buffer.from(profile.qrCodeImage.value, "base64"));
});
afterAll(() => service.close());

const enroll = (...args: string[]) => aospSim(["enroll", qr, "--user", USER.upn, "--password", USER.password, "--clock", "simulated", ...args]);

interface NotFired {
  fault: string;
  state: string;
  reason: string;
}

describe("aosp-sim enroll, reproducing a failure", { timeout: 60_000 }, () => {
  // Before, a power-loss@wifiFailed on a run that never failed its Wi-Fi said nothing: the run
  // looked like the fault made no difference.
  it("says a fault at a state the device never entered never struck, and why, in text and --json", async () => {
    const text = await enroll("--seed", "1", "--fault", "power-loss@wifiFailed");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n {2}fault power-loss=30s@wifiFailed never struck: the device went on to enrolled\.idle on a path that does not pass through wifiFailed\n$/);

    const failed = await enroll("--seed", "1", "--fault", "wrong-wifi-key", "--fault", "clock-skew=+1h@enrolling", "--json");
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as { faultsNotFired: NotFired[] };
    expect(report.faultsNotFired).toEqual([
      { fault: "clock-skew=+1h@enrolling", state: "enrolling", reason: "the device stopped at wifiFailed (wifiTimeout) before it entered enrolling" },
    ]);
  });

  it("says nothing of a fault at a state that struck, and lists none in --json", async () => {
    const result = await enroll("--seed", "1", "--fault", "power-loss@enrolling", "--json");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { faultsNotFired: NotFired[] }).faultsNotFired).toEqual([]);
  });

  // Before, a stop as asked in the enrolled device's life printed only "Enrolled (...)".
  it("says --until stopped it there when the state asked for is one of the enrolled device", async () => {
    for (const until of ["enrolled", "enrolled.checkingIn"]) {
      const dir = temp.file(`until-${until}`);
      const result = await enroll("--seed", "2", "--until", until, "--device-dir", dir);
      expect(result.code, until).toBe(0);
      expect(result.stdout, until).toMatch(/\nEnrolled \(enrolled\.[a-zA-Z.]+\), device id [^\n]+\nApps: [^\n]+\n {2}stopped there as --until asked; enroll --device-dir continues from there\n$/);
    }
  });

  // Before, "next check-in in 0ms" for a device powered on 7 minutes after its check-in was due.
  it("words a check-in that came due while the device was off as overdue", async () => {
    const result = await enroll("--seed", "2", "--fault", "power-loss=10m@enrolled", "--until", "enrolled.checkingIn");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Powered on; resuming: Your device is ready for work \([^)]+\); next check-in overdue by 7m: checking in now\n/);
    expect(result.stdout).not.toMatch(/in 0ms/);
  });

  // Before, a device stopped in the middle of a check-in (--until enrolled.checkingIn, as the
  // README offers) and resumed took that check-in, then waited for the next one, a whole interval
  // later (3 minutes of real time early on, 8 hours after two hours), before the run ended.
  it("ends a run resumed in the middle of a check-in once that check-in is done, not after the next", async () => {
    const dir = temp.file("mid-check-in");
    const stopped = await enroll("--seed", "5", "--device-dir", dir, "--until", "enrolled.checkingIn");
    expect(stopped.code).toBe(0);
    const resumed = await aospSim(["enroll", qr, "--clock", "simulated", "--device-dir", dir]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/ 0:00\.0 {2}enrolled\.checkingIn +power on +Powered on; resuming: Checking for updates\.\.\.\n +0:00\.\d {2}enrolled\.idle +checkIn done +Checked in \(#1, /);
    expect(resumed.stdout).not.toContain("check-in timer");
    expect(resumed.stdout).not.toContain("Checked in (#2");
  });

  // Before, a simulated-clock device that had lived a day resumed on the new process's clock, a
  // day behind its own: "next check-in in 1d 2h", and then it checked in after 3 minutes.
  it("resumes a simulated-clock device on its own clock: its next check-in keeps its time", async () => {
    const dir = temp.file("lived-a-day");
    const day = await enroll("--seed", "4", "--device-dir", dir, "--until", "enrolled.updating");
    expect(day.stdout).toMatch(/Checked in \(#15, [^\n]*next check-in in 8h\n/);
    const resumed = await aospSim(["enroll", qr, "--clock", "simulated", "--device-dir", dir, "--until", "enrolled.checkingIn"]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/ 0:00\.0 {2}enrolled\.idle +power on +Powered on; resuming: [^\n]*; next check-in in 8h\n +8:00:00 {2}enrolled\.checkingIn +check-in timer/);
  });
});
