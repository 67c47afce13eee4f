/**
 * `merge-reports` and the build that ran each shard: every summary names its aosp-sim (version
 * and build) and the load it ran under (--concurrency, --ramp); shards of different builds are
 * refused, naming the shard that differs, and shards run under other loads are merged with a
 * warning. Before, neither was in a summary, and such shards merged without a word.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runFleet } from "../../agent/index.js";
import { readFleetSummary } from "../../agent/sim/fleet/read-summary.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-merge-builds-");
const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** A shard of a 6-device fleet run by the built CLI, its --json summary written to `name`; its file. */
async function shard(name: string, index: number, load = ["--concurrency", "3"], reports: string[] = []): Promise<string> {
  const run = await aospSim(["fleet", "--devices", "6", "--seed", "3", "--shard", `${index}/2`, "--json", "--no-progress", ...load, ...reports]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const file = temp.file(name);
  writeFileSync(file, run.stdout);
  return file;
}

/** `file`'s summary as JSON, changed by `edit`, written to `name`; its file. */
function edited(file: string, name: string, edit: (summary: Record<string, unknown>) => void): string {
  const summary = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(summary);
  const out = temp.file(name);
  writeFileSync(out, JSON.stringify(summary));
  return out;
}

describe("merge-reports: shards of one build and one load", { timeout: 90_000 }, () => {
  let first: string;
  let second: string;
  let slower: string;
  beforeAll(async () => {
    [first, second, slower] = await Promise.all([shard("shard-0.json", 0, undefined, ["--junit", temp.file("shard-0.xml"), "--report", temp.file("shard-0.html")]), shard("shard-1.json", 1), shard("shard-1-c1.json", 1, ["--concurrency", "1", "--ramp", "1s"])]);
  });

  it("names the aosp-sim that ran each shard and the load it ran under, as the schema says, and keeps them merged", async () => {
    const summary = readFleetSummary(first);
    expect(summary.tool).toEqual({ name: "aosp-sim", version: VERSION, build: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(summary.concurrency).toBe(3);
    expect(summary.rampMs).toBe(0);
    const merged = await aospSim(["merge-reports", first, second, "--json"]);
    expect(merged.stderr).toBe("");
    expect(merged.code).toBe(0);
    const json = JSON.parse(merged.stdout) as { tool: unknown; concurrency: number; rampMs: number };
    expect(json.tool).toEqual(summary.tool);
    expect([json.concurrency, json.rampMs]).toEqual([3, 0]);
  });

  it("names the build in the shard's JUnit properties and HTML report, and in the merge's, whose report names each shard's own embedded service", async () => {
    const named = `aosp-sim ${VERSION} (build ${readFleetSummary(first).tool!.build})`;
    expect(readFileSync(temp.file("shard-0.xml"), "utf8")).toContain(`<property name="tool" value="${named}"/>`);
    expect(readFileSync(temp.file("shard-0.html"), "utf8")).toContain(`<p id="tool">Run by ${named}, up to 3 devices at once (--concurrency), no --ramp.</p>`);
    const merged = await aospSim(["merge-reports", first, second, "--junit", temp.file("merged.xml"), "--report", temp.file("merged.html")]);
    expect(merged.code).toBe(0);
    expect(readFileSync(temp.file("merged.xml"), "utf8")).toContain(`<property name="tool" value="${named}"/>`);
    expect(readFileSync(temp.file("merged.html"), "utf8")).toContain(`<p id="tool">Run by ${named}, up to 3 devices at once (--concurrency), no --ramp.</p>`);
    // Each shard ran its own embedded service: before, the merged report named shard 0's as the fleet's service.
    expect(readFileSync(temp.file("merged.html"), "utf8")).toContain("of a fleet of 6; each shard's own embedded service (worker thread).</p>");
    expect(readFileSync(temp.file("merged.html"), "utf8")).not.toContain(readFleetSummary(first).service.url);
  });

  it("refuses a shard written by another build, or by an earlier one that names none, naming the shard and both builds", async () => {
    const build = readFleetSummary(first).tool!.build;
    const rebuilt = edited(second, "rebuilt.json", (s) => {
      s.tool = { name: "aosp-sim", version: VERSION, build: "0123456789ab" };
    });
    const other = await aospSim(["merge-reports", first, rebuilt]);
    expect(other.code).toBe(2);
    expect(other.stdout).toBe("");
    expect(other.stderr).toContain(`rebuilt.json: was written by aosp-sim ${VERSION} (build 0123456789ab), and ${first} by aosp-sim ${VERSION} (build ${build}): their devices ran different code`);
    expect(other.stderr).toContain("fix: run every shard of a fleet with the same build of aosp-sim");
    const earlier = edited(second, "earlier.json", (s) => {
      delete s.tool;
    });
    const older = await aospSim(["merge-reports", earlier, first]);
    expect(older.code).toBe(2);
    expect(older.stderr).toContain(`${first}: was written by aosp-sim ${VERSION} (build ${build}), and ${earlier} by an earlier aosp-sim, whose summaries name no version`);
  });

  // Before, the build was the digest of the code that ran: the TypeScript here, the JavaScript in
  // dist/, so the merge refused them ("their devices ran different code").
  it("merges a shard run from source (runFleet under vitest) with the built CLI's shard of the same sources", async () => {
    const { summary } = await runFleet({ devices: 6, seed: 3, shard: { index: 0, count: 2 }, concurrency: 3 });
    expect(summary.tool).toEqual(readFleetSummary(second).tool);
    const fromSource = temp.file("source-0.json");
    writeFileSync(fromSource, JSON.stringify(summary));
    const merged = await aospSim(["merge-reports", fromSource, second, "--json"]);
    expect(merged.stderr).not.toContain("different code");
    expect(merged.code).toBe(0);
    expect((JSON.parse(merged.stdout) as { devices: number }).devices).toBe(6);
  });

  it("merges shards run under another --concurrency or --ramp, warning of each on stderr, and leaves the setting out", async () => {
    const merged = await aospSim(["merge-reports", first, slower, "--json"]);
    expect(merged.code).toBe(0);
    expect(merged.stderr).toContain(`aosp-sim: warning: merge-reports: ${slower} ran --concurrency 1, and ${first} --concurrency 3: their latencies and rates were measured under different loads`);
    expect(merged.stderr).toContain(`${slower} ran --ramp 1s, and ${first} no --ramp`);
    const json = JSON.parse(merged.stdout) as Record<string, unknown>;
    expect(json.devices).toBe(6);
    expect("concurrency" in json || "rampMs" in json).toBe(false);
  });
});
