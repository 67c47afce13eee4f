/**
 * `show` prints a transcript's timeline as `run` printed it after the device's clock jumped
 * (`clock-skew=...@STATE`): the elapsed times of the note and power lines are on the clock the
 * jump did not move, in the text and on the page, for transcripts written before those records
 * kept their elapsed time too. The page names states as the text timeline does.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerShow } from "../../agent/cli/show.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";
import { runCommand } from "../helpers/in-process-cli.js";

const temp = deviceTempDir("aosp-show-skew-");

/** The timeline's lines of a printed run: those that start with an elapsed time. */
function timelineLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^\s+\d+(d \d+)?:\d/.test(line));
}

/** The transcript as a version that kept no elapsed time on power and note records wrote it. */
function withoutNoteTimes(file: string, name: string): string {
  const older = temp.file(name);
  const records = readFileSync(file, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  writeFileSync(older, records.map((r) => JSON.stringify(r["type"] === "note" || r["type"] === "power" ? { ...r, elapsedMs: undefined } : r)).join("\n") + "\n");
  return older;
}

const runs = [
  { name: "ahead", faults: ["clock-skew=+2h@downloadingAgent", "power-loss=20s@enrolling"] },
  { name: "back", faults: ["clock-skew=-90m@enrolling", "power-loss=20s@signingIn"] },
];
const printed = new Map<string, string[]>();

beforeAll(async () => {
  for (const run of runs) {
    const ran = await aospSim(["run", "--seed", "1", ...run.faults.flatMap((f) => ["--fault", f]), "--transcript", temp.file(`${run.name}.jsonl`)]);
    expect(ran.code).toBe(0);
    printed.set(run.name, timelineLines(ran.stdout));
  }
}, 60_000);

describe("show after a clock jump", () => {
  for (const run of runs) {
    it(`prints run's timeline line for line (${run.faults.join(", ")}), from old transcripts too`, async () => {
      const file = temp.file(`${run.name}.jsonl`);
      const lines = printed.get(run.name)!;
      expect(lines.some((l) => / clock +The device's clock jumps /.test(l))).toBe(true);
      // Before: every note and power line after the jump was 2 h late (+2h), or the jump's own line at 0:00.0 (-90m).
      expect(timelineLines((await runCommand(registerShow, ["show", file])).stdout)).toEqual(lines);
      const older = withoutNoteTimes(file, `${run.name}-older.jsonl`);
      expect(timelineLines((await runCommand(registerShow, ["show", older])).stdout)).toEqual(lines);
    });
  }

  it("puts the same elapsed times and state names on the page as the text timeline", async () => {
    const html = temp.file("ahead.html");
    expect((await runCommand(registerShow, ["show", temp.file("ahead.jsonl"), "--html", html])).code).toBe(0);
    const page = readFileSync(html, "utf8");
    const cells = [...page.matchAll(/<tr class="\w+"><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => [m[1]!, m[2]!]);
    // Before: "2:00:04" where run printed 0:04.3, and "enrolling.requesting" where it printed "enrolling".
    const text = printed.get("ahead")!.map((l) => /^\s+(\S+)\s+(\S+)/.exec(l)!.slice(1, 3));
    expect(cells).toEqual(text);
  });
});
