/**
 * A recording of a device resumed at the welcome screen whose `power-loss@welcome` cut came in an
 * earlier run (its process ended while it was off): the device keeps the cut taken, and leaves the
 * welcome screen uncut. The replay's device, out of the box, is given the cut as taken too, so the
 * replay is identical; before, it took the cut and diverged at its second step.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-replay-resumed-cut-");
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };
let live: MockService;
let payload: string;

beforeAll(async () => {
  live = await startMockService();
  await live.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await live.admin.createProfile({ displayName: "Resumed devices", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  payload = temp.file("profile.json");
  writeFileSync(payload, JSON.stringify(await live.admin.exportProfile(profile.id)));
}, 60_000);
afterAll(() => live.close());

describe("replay: a device resumed at the welcome screen", { timeout: 120_000 }, () => {
  it("does not take again a power-loss@welcome cut the device took before its recording began", async () => {
    const dir = temp.file("cut-device");
    // Cut at the welcome screen for an hour; the run gives up while the device is off.
    const cut = await aospSim(["enroll", payload, "--seed", "1", "--fault", "power-loss=1h@welcome", "--device-dir", dir, "--timeout", "2s"]);
    expect(cut.stdout).toMatch(/welcome\s+power lost\s+Power lost \(back in 1h\)/);
    expect(cut.code).toBe(1);
    const file = temp.file("resumed-after-cut.jsonl");
    const resumed = await aospSim(["enroll", payload, "--fault", "power-loss=1h@welcome", "--device-dir", dir, "--clock", "simulated", "--user", USER.upn, "--password", USER.password, "--transcript", file]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).not.toContain("power lost");
    // Before: "diverged at step 2 / expected: state welcome -> ... / got: power powerLost in welcome", exit 1.
    const result = await aospSim(["replay", file]);
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(result.code).toBe(0);
  });

  it("takes a power-loss@welcome cut the recording shows, and gives it the replay's device", async () => {
    const dir = temp.file("stopped-device");
    // Stopped there before the cut, which the resumed run then takes, recorded.
    expect((await aospSim(["enroll", payload, "--seed", "2", "--clock", "simulated", "--fault", "power-loss@welcome", "--until", "welcome", "--device-dir", dir])).code).toBe(0);
    const file = temp.file("resumed-then-cut.jsonl");
    const resumed = await aospSim(["enroll", payload, "--fault", "power-loss@welcome", "--device-dir", dir, "--clock", "simulated", "--user", USER.upn, "--password", USER.password, "--transcript", file]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/welcome\s+power lost/);
    const result = await aospSim(["replay", file]);
    expect(result.stdout).toMatch(/^replayed \d+ steps, identical\n$/);
    expect(result.code).toBe(0);
  });
});
