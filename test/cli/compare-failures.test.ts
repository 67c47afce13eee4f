/**
 * `aosp-sim compare` of the files a failure ticket brings: two runs that failed for different
 * reasons in the same top-level state, and transcripts given where summaries belong.
 */
import { writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerCompare } from "../../agent/cli/compare.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { runCommand } from "../helpers/in-process-cli.js";

const temp = deviceTempDir("aosp-compare-failures-");

const a = temp.file("checksum.json");
const b = temp.file("download.json");
const transcript = temp.file("checksum.jsonl");

beforeAll(async () => {
  const ranA = await aospSim(["run", "--seed", "1", "--fault", "corrupt-download", "--json", "--transcript", transcript]);
  const ranB = await aospSim(["run", "--seed", "1", "--fault", "download-http-error=404", "--json"]);
  writeFileSync(a, ranA.stdout);
  writeFileSync(b, ranB.stdout);
}, 60_000);

describe("compare of two failed runs", { timeout: 60_000 }, () => {
  it("holds another failure code and screen against them, though both ended in provisioningFailed (exit 1)", async () => {
    // Before: "same: final state, device owner, apps and step order agree", exit 0, and "differences": [].
    const text = await runCommand(registerCompare, ["compare", a, b]);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/differs {3}failure: a checksumError at verifyAgent: "Couldn't use the admin app due to a checksum error[^"]*" \| b downloadFailed at downloadAgent: "[^"]+"\n/);
    const json = await runCommand(registerCompare, ["compare", a, b, "--json"]);
    const { differences } = JSON.parse(json.stdout) as { differences: { field: string; matters: boolean }[] };
    expect(differences).toContainEqual(expect.objectContaining({ field: "failure", matters: true }));
    expect((await runCommand(registerCompare, ["compare", a, a])).code).toBe(0);
  });

  it("shows in the step lists where each run stopped: the checksum check, the download", async () => {
    // Before: both lists were "connectingWifi"; only the failure code told the runs apart.
    const text = await runCommand(registerCompare, ["compare", a, b]);
    expect(text.stdout).toContain("\n  steps a   connectingWifi > downloadingAgent > verifyingAgent\n  steps b   connectingWifi > downloadingAgent\n");
    const json = await runCommand(registerCompare, ["compare", a, b, "--json"]);
    const document = JSON.parse(json.stdout) as { steps: { a: string[]; b: string[] }; differences: { field: string; matters: boolean }[] };
    expect(document.steps).toEqual({ a: ["connectingWifi", "downloadingAgent", "verifyingAgent"], b: ["connectingWifi", "downloadingAgent"] });
    // A step the other run never reached is noted, not held against them: the failure already is.
    expect(document.differences.filter((d) => d.matters).map((d) => d.field)).toEqual(["failure"]);
  });

  it("says a transcript given for a summary is one, and what compare takes (exit 2)", async () => {
    // The transcript a ticket carries: said to be one, with what compare takes instead.
    // Before: "is not JSON: Unexpected non-whitespace character after JSON at line 2 column 1".
    const given = await runCommand(registerCompare, ["compare", transcript, b]);
    expect(given.code).toBe(2);
    expect(given.stderr).toContain(`${transcript}: is a transcript (aosp-sim-transcript/2), not an enrollment summary: compare takes the --json summaries of enroll, run or emulator verify`);
    expect(given.stderr).toContain("fix: give the output of `aosp-sim enroll --json` (or `run --json`) of each run; a transcript is read by `aosp-sim show` and `aosp-sim replay`");
  });
});
