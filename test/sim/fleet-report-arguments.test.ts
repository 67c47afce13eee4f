/**
 * The fleet's exported report functions given the wrong kind of argument, as a test suite slips:
 * each is a TypeError naming the call and the argument, never a property read deep inside, and a
 * threshold written as a string is refused (it used to be evaluated as one that fails, "unknown
 * metric", so a gate failed for a typing slip).
 */
import { describe, expect, it } from "vitest";
import {
  evaluateThresholds,
  fleetHtmlReport,
  fleetJunitXml,
  interruptedShards,
  mergedJunitXml,
  missedAlready,
  missingFromFleet,
  parseThreshold,
  type FleetSummary,
} from "../../agent/index.js";

const summary = {
  format: "aosp-sim-fleet/1", devices: 2, enrolled: 2, failed: 0, failedByReason: {}, devicesPerSecond: 1, wallSeconds: 2,
  phases: {}, phasesDeviceTime: {}, http: { requests: 10, errors: 0, requestsPerSecond: 5, byRoute: {} }, peakRssBytes: 1, seed: 1,
  fleetDevices: 2, shards: ["0/1"], lifeMs: 0, checkIns: 2, faults: [], service: { url: "http://127.0.0.1:1", runs: "inline" },
  timelineBySecond: [], failures: [], slowest: [], histograms: { wall: {}, device: {} },
} as unknown as FleetSummary;

/** Calls `f` with arguments the types refuse, as JavaScript or a cast would pass them. */
const loose = (f: (...args: never[]) => unknown) => f as unknown as (...args: unknown[]) => unknown;

describe("the fleet's report functions refuse arguments of the wrong kind", () => {
  it.each([
    ["fleetHtmlReport({})", () => loose(fleetHtmlReport)({}), /^fleetHtmlReport: summary must be a fleet summary, runFleet's summary, mergeSummaries' result, or readFleetSummary\(file\) \(got an object \{\}\)$/],
    ["fleetHtmlReport(null)", () => loose(fleetHtmlReport)(null), /^fleetHtmlReport: summary must be a fleet summary, .* \(got null\)$/],
    ["fleetHtmlReport(summary, thresholds)", () => loose(fleetHtmlReport)(summary, [parseThreshold("failed<1%")]), /^fleetHtmlReport: thresholds must be evaluateThresholds' results \(or \[\] for none\): thresholds\[0\] \(got an object/],
    ["fleetHtmlReport(summary, [], 5)", () => loose(fleetHtmlReport)(summary, [], 5), /^fleetHtmlReport: incomplete must be a string or null \(missingFromFleet's answer\) \(got 5\)$/],
    ["fleetJunitXml({}, [], [])", () => loose(fleetJunitXml)({}, [], []), /^fleetJunitXml: summary must be a fleet summary/],
    ["fleetJunitXml(summary)", () => loose(fleetJunitXml)(summary), /^fleetJunitXml: devices must be a list of device records, as runFleet returns them \(got undefined\)$/],
    ["mergedJunitXml({})", () => loose(mergedJunitXml)({}), /^mergedJunitXml: summary must be a fleet summary/],
    ["mergedJunitXml(summary, 'failed<1%')", () => loose(mergedJunitXml)(summary, "failed<1%", null), /^mergedJunitXml: thresholds must be evaluateThresholds' results \(or \[\] for none\): thresholds \(got the string "failed<1%"\)$/],
    ["evaluateThresholds(summary, ['failed<1%'])", () => loose(evaluateThresholds)(summary, ["failed<1%"]), /^evaluateThresholds: thresholds\[0\] must be a threshold as parseThreshold makes it; give parseThreshold\("failed<1%"\) \(got the string "failed<1%"\)$/],
    ["evaluateThresholds(summary, 'failed<1%')", () => loose(evaluateThresholds)(summary, "failed<1%"), /^evaluateThresholds: thresholds must be a list of parseThreshold's results/],
    ["evaluateThresholds(null, [])", () => loose(evaluateThresholds)(null, []), /^evaluateThresholds: summary must be a fleet summary/],
    ["missingFromFleet(null)", () => loose(missingFromFleet)(null), /^missingFromFleet: summary must be a fleet summary/],
    ["interruptedShards(null)", () => loose(interruptedShards)(null), /^interruptedShards: parts must be a list of \{ file, summary \}/],
    ["interruptedShards([summary])", () => loose(interruptedShards)([summary]), /^interruptedShards: parts\[0\] must be \{ file, summary \}/],
    ["missedAlready('failed<1%', count)", () => loose(missedAlready)("failed<1%", { done: 1, failed: 0, total: 2 }), /^missedAlready: threshold must be a threshold as parseThreshold makes it; give parseThreshold\("failed<1%"\)/],
    ["missedAlready(threshold, {})", () => loose(missedAlready)(parseThreshold("failed<1%"), {}), /^missedAlready: count must be \{ done, failed, total \}/],
  ])("%s", (_name, call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as Error).message).toMatch(message);
  });

  it("still take what they are given right", () => {
    const results = evaluateThresholds(summary, [parseThreshold("failed<1%")]);
    expect(results.map((r) => r.passed)).toEqual([true]);
    expect(fleetHtmlReport(summary, results)).toContain("<!doctype html>");
    expect(fleetJunitXml(summary, [], results)).toContain("<testsuite");
    expect(mergedJunitXml(summary, results, null)).toContain("<testsuite");
    expect(missingFromFleet(summary)).toBeNull();
    expect(interruptedShards([{ file: "a.json", summary }])).toBeNull();
    expect(missedAlready(parseThreshold("failed<1%"), { done: 1, failed: 1, total: 2 })).toBe(true);
  });
});
