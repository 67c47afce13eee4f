/**
 * Reading a shard's summary back for merge-reports: whatever the path names, it is read to a
 * limit, so a pipe or a device is refused instead of filling memory.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_SUMMARY_FILE_BYTES, readFleetSummary } from "../../agent/sim/fleet/read-summary.js";
import { MAX_DEVICES, runFleet } from "../../agent/index.js";

function refusal(file: string): InputError {
  try {
    readFleetSummary(file);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`${file} was read as a summary`);
}

describe("readFleetSummary", () => {
  // Before, the whole input was read: /dev/zero grew the process by gigabytes until it crashed.
  it("names a file that never ends (/dev/zero) binary from its first bytes", () => {
    expect(refusal("/dev/zero").message).toBe("/dev/zero: is binary data, not JSON");
  });

  it("stops reading endless text at its limit, naming the file and the limit", () => {
    const dir = mkdtempSync(join(tmpdir(), "aosp-summary-"));
    const fifo = join(dir, "endless.json");
    execFileSync("mkfifo", [fifo]);
    // `yes` fills the FIFO with text for as long as it is read; it ends when the reader closes it.
    const writer = spawn("sh", ["-c", `yes '{"devices": 1}' > '${fifo}'`], { stdio: "ignore" });
    try {
      const error = refusal(fifo);
      // As every reader of a JSON file says it (before, "is larger than 64 MB: not a fleet summary").
      expect(error.problem).toBe(`is more than ${MAX_SUMMARY_FILE_BYTES / 1024 / 1024} MB, far more than a fleet summary (well under 1 MB)`);
      expect(error.hint).toMatch(/--json output of aosp-sim fleet/);
    } finally {
      writer.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a summary whose counts cannot be a fleet's", () => {
  // Before, each merged: a shard 1/100000000000 of a 40-device fleet (none of its devices) stood
  // in for a missing 1/4 and the merge said nothing was missing; devices: 1e300 and failures by
  // reason that add up to more than failed were taken as written.
  // A glob over the reports folder (merge-reports /reports/shard-*) takes each shard's JUnit file
  // too; before, it was said to be "not JSON: Unexpected token '<' at line 1 column 1".
  it("names a shard's JUnit XML or HTML report given as its summary", () => {
    const dir = mkdtempSync(join(tmpdir(), "aosp-summary-"));
    try {
      const xml = join(dir, "shard-0.xml");
      writeFileSync(xml, '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites time="1" tests="1" failures="0" errors="0">\n</testsuites>\n');
      const html = join(dir, "fleet.html");
      writeFileSync(html, "<!doctype html>\n<html lang=\"en\"><head></head></html>\n");
      expect(refusal(xml).problem).toBe("is JUnit XML (--junit), not a fleet summary");
      expect(refusal(xml).hint).toMatch(/^give the shards' --json summaries only \(e\.g\. shard-\*\.json, not shard-\*\)/);
      expect(refusal(html).problem).toBe("is an HTML report (--report), not a fleet summary");
      // Other text that is not JSON is said as before.
      const text = join(dir, "notes.json");
      writeFileSync(text, "<not a report>");
      expect(refusal(text).problem).toMatch(/^is not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a shard that holds no device, more devices than its shards hold, failures by reason that do not add up, and a fleet past MAX_DEVICES", async () => {
    const { summary } = await runFleet({ devices: 4, seed: 2, shard: { index: 1, count: 2 }, embedded: "inline" });
    const dir = mkdtempSync(join(tmpdir(), "aosp-summary-"));
    const said = (edit: Record<string, unknown>) => {
      const file = join(dir, "shard.json");
      writeFileSync(file, JSON.stringify({ ...summary, ...edit }));
      return refusal(file).problem;
    };
    try {
      expect(said({ shards: ["1/100000000000"] })).toBe("holds shard 1/100000000000, which holds none of its fleet's 4 devices");
      expect(said({ shards: ["3/2"] })).toBe("holds shard 3/2, which does not exist");
      expect(said({ devices: 3, enrolled: 3 })).toBe("says 3 devices ran, but its shards (1/2) hold 2 of the fleet's 4");
      expect(said({ failedByReason: { wifiTimeout: 1 } })).toBe("says 0 devices failed, but its failures by reason add up to 1");
      expect(said({ fleetDevices: MAX_DEVICES + 1 })).toMatch(/fleetDevices/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
