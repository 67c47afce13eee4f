/**
 * `merge-reports` given a shard summary cut off part-way (its shard killed or evicted while it
 * printed, or the copy cut short): said as cut off and counted as that missing shard, as an
 * empty file is, so the merge still writes its JUnit and exits 1. A file that is not a summary
 * (text that no JSON begins like, or JSON of another kind) is still refused, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerMergeReports } from "../../agent/cli/merge-reports.js";
import { runFleet } from "../../agent/index.js";
import { runCommand } from "../helpers/in-process-cli.js";

let dir: string;
/** The --json output of shard 0/2 and 1/2 of one 4-device fleet, as `fleet` prints them. */
const shards: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "aosp-merge-cut-off-"));
  for (const index of [0, 1]) {
    const { summary } = await runFleet({ devices: 4, seed: 5, shard: { index, count: 2 }, embedded: "inline" });
    shards.push(JSON.stringify(summary, null, 2));
  }
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The two shards' files, the second holding `second`. */
function files(second: string): string[] {
  const paths = [join(dir, "shard-0.json"), join(dir, "shard-1.json")];
  writeFileSync(paths[0]!, `${shards[0]}\n`);
  writeFileSync(paths[1]!, second);
  return paths;
}

describe("merge-reports given a shard summary cut off part-way", () => {
  it("says it is cut off, counts it as that missing shard, writes the JUnit and exits 1", async () => {
    const whole = shards[1]!;
    for (const bytes of [1, 37, Math.floor(whole.length / 2), whole.length - 1]) {
      const junit = join(dir, `cut-${bytes}.xml`);
      const merged = await runCommand(registerMergeReports, ["merge-reports", ...files(whole.slice(0, bytes)), "--junit", junit]);
      // Before: "is not JSON: Unterminated string at line 1 column 5001", fix "give the --json
      // output of aosp-sim fleet", exit 2 and no JUnit.
      expect(merged.stderr).toContain(`shard-1.json: is cut off after ${bytes} bytes: was its shard stopped while writing?\n  fix: run that shard again; the merge counts it as missing`);
      expect(merged.stderr).toContain("incomplete: these reports hold 2 of the fleet's 4 devices: no report of shard 1/2");
      expect(merged.code).toBe(1);
      expect(readFileSync(junit, "utf8")).toMatch(/<failure message="incomplete: these reports hold 2 of the fleet's 4 devices: no report of shard 1\/2[^"]*shard-1\.json is cut off after \d+ bytes: the shard stopped while writing its report/);
    }
  });

  // Before, files all cut off (or empty) were said as "every run failed", though no run had failed.
  it("says every shard was stopped when every file is empty or cut off, and that runs failed when some hold errors (exit 2)", async () => {
    const [first, second] = [join(dir, "cut-0.json"), join(dir, "cut-1.json")];
    writeFileSync(first, shards[0]!.slice(0, 100));
    writeFileSync(second, "");
    const stopped = await runCommand(registerMergeReports, ["merge-reports", first, second]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toContain("none of these files holds a fleet summary: every shard was stopped before its report was whole");
    expect(stopped.stderr).toContain("fix: run the shards again (each file above says what it holds)");
    writeFileSync(second, JSON.stringify({ error: { message: "cannot reach the service (ECONNREFUSED)" } }));
    const mixed = await runCommand(registerMergeReports, ["merge-reports", first, second]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("none of these files holds a fleet summary: each run failed or was stopped before its report was whole");
  });

  it("still refuses a file that is not a summary: text no JSON begins like, JSON cut off that is no object, other JSON (exit 2)", async () => {
    for (const [text, problem] of [
      [`${shards[1]!.slice(0, shards[1]!.indexOf(",\n") + 2)}Killed\n`, /shard-1\.json: is not JSON: .* at line \d+ column \d+\n  fix: give the --json output of aosp-sim fleet\n$/],
      ["Killed\n", /shard-1\.json: is not JSON: /],
      ["[1, 2,", /shard-1\.json: is not JSON: /],
      ['{"devices": 1}', /shard-1\.json: is not a fleet summary: /],
    ] as const) {
      const junit = join(dir, "refused.xml");
      const merged = await runCommand(registerMergeReports, ["merge-reports", ...files(text), "--junit", junit]);
      expect(merged.stderr).toMatch(problem);
      expect(merged.code).toBe(2);
    }
  });
});
