/**
 * Reading a shard's summary back for merge-reports: whatever the path names, it is read to a
 * limit, so a pipe or a device is refused instead of filling memory.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { MAX_SUMMARY_FILE_BYTES, readFleetSummary } from "../../agent/sim/fleet/read-summary.js";

describe("readFleetSummary", () => {
  it("stops reading a file that never ends (/dev/zero) at its limit, naming the file and the limit", () => {
    // Before, the whole input was read: /dev/zero grew the process by gigabytes until it crashed.
    const error = (() => {
      try {
        readFleetSummary("/dev/zero");
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`/dev/zero: is larger than ${MAX_SUMMARY_FILE_BYTES / 1024 / 1024} MB: not a fleet summary`);
    expect((error as InputError).hint).toMatch(/--json output of aosp-sim fleet/);
  });
});
