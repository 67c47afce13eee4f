/**
 * A duration whose last number has no unit ("1m30", "1h30") is said so, with the unit it most
 * likely lacks: before, "is not a duration" and the list of units, not which number lacked one.
 */
import { describe, expect, it } from "vitest";
import { registerEnroll } from "../../agent/cli/enroll.js";
import { registerFleet } from "../../agent/cli/fleet.js";
import { runCommand } from "../helpers/in-process-cli.js";

describe("a duration's last number without its unit", () => {
  it("enroll --timeout 1m30: names the 30 and offers 1m30s, exit 2", async () => {
    const result = await runCommand(registerEnroll, ["enroll", "fixtures/payloads/intune-valid.json", "--timeout", "1m30"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aosp-sim: --timeout: "1m30" is not a duration: its last number, 30, has no unit\n\s+fix: write each number with its unit, e\.g\. --timeout 1m30s \(ms, s, m, h or d\)\n$/);
  });

  it.each([
    ["1d12", "1d12h"],
    ["2h30", "2h30m"],
    ["1s500", "1s500ms"],
  ])("fleet --life %s: offers %s", async (given, written) => {
    const result = await runCommand(registerFleet, ["fleet", "--devices", "10", "--life", given]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`fix: write each number with its unit, e.g. --life ${written} (ms, s, m, h or d)`);
  });

  it("leaves a number alone, and a unit in capitals, to the units' list", async () => {
    for (const given of ["90", "1H30"]) {
      const result = await runCommand(registerFleet, ["fleet", "--devices", "10", "--ramp", given]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("fix: write a number and a unit, ms, s, m, h or d in lower case");
    }
  });
});
