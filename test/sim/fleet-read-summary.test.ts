/**
 * Reading a shard's summary back for merge-reports: whatever the path names, it is read to a
 * limit, so a pipe or a device is refused instead of filling memory.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_SUMMARY_FILE_BYTES, readFleetSummary } from "../../agent/sim/fleet/read-summary.js";

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
