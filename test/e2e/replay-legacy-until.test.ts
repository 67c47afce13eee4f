/**
 * A recording made with `enroll --until STATE` before end records kept `until`: its end record
 * says only the state it ended in, so the replay runs on past it and diverges where the recording
 * ends. The divergence names the --until that replays it. The built CLI against the mock service.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-replay-legacy-until-");
const legacy = temp.file("legacy.jsonl");
let service: MockService;

beforeAll(async () => {
  service = await startMockService();
  const profile = await service.admin.createProfile({ displayName: "Legacy", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice" });
  const qr = temp.file("qr.png");
  writeFileSync(qr, Buffer.from(profile.qrCodeImage.value, "base64"));
  const recording = temp.file("until.jsonl");
  const recorded = await aospSim(["enroll", qr, "--clock", "simulated", "--seed", "5", "--until", "verifyingAgent", "--transcript", recording]);
  expect(recorded.code, recorded.stderr).toBe(0);
  // As an older version wrote it: the end record without "until".
  const lines = readFileSync(recording, "utf8").trimEnd().split("\n");
  const end = JSON.parse(lines.pop()!) as Record<string, unknown>;
  expect(end["until"]).toBe("verifyingAgent");
  delete end["until"];
  writeFileSync(legacy, [...lines, JSON.stringify(end)].join("\n") + "\n");
}, 120_000);
afterAll(() => service.close());

describe("replay of a recording stopped by --until before transcripts said so", { timeout: 60_000 }, () => {
  // Before: "diverged at step 14, expected: (the recording ends here)" and nothing on what to do.
  it("names the --until that replays it", async () => {
    const result = await aospSim(["replay", legacy]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\n {2}expected: \(the recording ends here\)\n/);
    expect(result.stdout).toContain("hint:     the recording ends in verifyingAgent without saying why; one made with --until before transcripts kept it stops so: replay it with --until verifyingAgent\n");
    const again = await aospSim(["replay", legacy, "--until", "verifyingAgent"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^replayed \d+ steps, identical \(stopped at verifyingAgent, as --until asked\)\n$/);
  });
});
