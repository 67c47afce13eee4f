/**
 * TIME_ZONE legacy three-letter ids (PST, IST, CST, JST, BST): ICU resolves them, but Android's
 * tzdata holds none, and AlarmManager.setTimeZone refuses an id it lacks, so the device keeps its
 * own zone. The fix names the Olson id.
 */
import { describe, expect, it } from "vitest";
import { check, findingOf, KEYS, payloadWith } from "./support/payloads.js";

describe("time-zone: legacy abbreviations", () => {
  it("warns about PST and names America/Los_Angeles", () => {
    const f = findingOf(payloadWith({ [KEYS.TIME_ZONE]: "PST" }), "time-zone");
    expect(f.severity).toBe("warning");
    expect(f.message).toContain('"Timezone: PST is not an Olson ID"');
    expect(f.hint).toBe('use the Olson id "America/Los_Angeles"');
  });

  it("names the zones an ambiguous abbreviation may mean", () => {
    for (const id of ["IST", "CST", "JST", "BST"]) findingOf(payloadWith({ [KEYS.TIME_ZONE]: id }), "time-zone");
    expect(findingOf(payloadWith({ [KEYS.TIME_ZONE]: "BST" }), "time-zone").hint).toContain('"Europe/London"');
  });

  it("accepts the short ids tzdata does hold", () => {
    for (const id of ["EST", "MST", "HST", "PST8PDT", "UTC"]) {
      expect(check(payloadWith({ [KEYS.TIME_ZONE]: id })).findings.map((f) => f.rule)).not.toContain("time-zone");
    }
  });
});
