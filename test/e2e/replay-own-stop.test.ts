/**
 * `aosp-sim replay` of a recording stopped by its own --until at a state of the enrolled device's
 * life (the first check-in): the replay stops where the recording stopped, as the README says of
 * any recording stopped early, and --json says why. The built CLI; recorded against a live service
 * started here, which is gone before the replay.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { ANN, serviceWithAnn } from "../helpers/live-account.js";

const temp = deviceTempDir("aosp-replay-own-stop-");
const USER = ANN;
const plain = temp.file("check-in.jsonl");
const powerCut = temp.file("power-cut-check-in.jsonl");

beforeAll(async () => {
  const payload = temp.file("payload.json");
  const live = await serviceWithAnn(payload);
  try {
    const enroll = (...args: string[]) => aospSim(["enroll", payload, "--seed", "2", "--user", USER.upn, "--password", USER.password, "--clock", "simulated", "--until", "enrolled.checkingIn", ...args]);
    expect((await enroll("--transcript", plain)).code).toBe(0);
    expect((await enroll("--fault", "power-loss@enrolled", "--transcript", powerCut)).code).toBe(0);
  } finally {
    await live.close();
  }
}, 120_000);

describe("replay of a recording stopped by its own --until after the enrollment", { timeout: 120_000 }, () => {
  for (const [name, file] of [["a plain recording", plain], ["a recording with power-loss@enrolled", powerCut]] as const) {
    it(`${name}: stops where the recording stopped, and --json says so`, async () => {
      expect(readFileSync(file, "utf8").trimEnd().split("\n").at(-1)).toContain('"until":"enrolled.checkingIn"');
      // Before: "identical (stopped at enrolled.idle, where the enrollment ends: ...)", and --json "until": "enrolled", "recordedStop": "enrolled".
      const text = await aospSim(["replay", file]);
      expect(text.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at enrolled\.checkingIn\.requesting, where the recording stopped: --until enrolled\.checkingIn\)\n$/);
      expect(text.code).toBe(0);
      const json = await aospSim(["replay", file, "--json"]);
      expect(JSON.parse(json.stdout)).toMatchObject({ identical: true, until: "enrolled.checkingIn", recordedStop: "until", finalStatePath: "enrolled.checkingIn.requesting" });
    });
  }
});
