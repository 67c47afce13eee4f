/**
 * The fleet's JUnit XML as a CI system reads it: test case times are decimal seconds as written
 * by people (0.8778), not a binary fraction's long tail (0.8777999999999999); thresholds are test
 * cases of their own.
 */
import { describe, expect, it } from "vitest";
import { mergeSummaries, missingFromFleet } from "../../agent/sim/fleet/merge.js";
import { fleetJunitXml, mergedJunitXml } from "../../agent/sim/fleet/report-junit.js";
import { formatDuration } from "../../agent/device/duration.js";
import { counted } from "../../agent/protocol/counted.js";
import { MAX_LIFE_MS, runFleet } from "../../agent/sim/fleet/run-fleet.js";
import type { DeviceRecord } from "../../agent/sim/fleet/summary.js";
import { startMockService } from "../../mock-service/index.js";
import { waitForManagedDevices } from "../helpers/managed-devices.js";
import { evaluateThresholds, parseThreshold } from "../../agent/sim/fleet/thresholds.js";

describe("fleet JUnit XML", { timeout: 60_000 }, () => {
  it("writes each device's time in seconds to a tenth of a millisecond, without float noise", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    // Wall times as the fleet keeps them (ms to a tenth); each divided by 1000 has a long binary tail.
    const totals = [877.8, 1146.2, 0.3, 2153.7];
    expect(totals.map((ms) => String(ms / 1000))).toContain("0.8777999999999999");
    const devices: DeviceRecord[] = totals.map((totalMs, index) => ({ index, serialNumber: `F4-${index}`, reason: null, totalMs, rerun: "", timeline: null }));
    const times = [...fleetJunitXml(summary, devices).matchAll(/<testcase [^>]*time="([^"]+)"/g)].map((m) => m[1]);
    expect(times).toEqual(["0.8778", "1.1462", "0.0003", "2.1537"]);
    // A device that failed its --life ran until its life ended, past its first check-in (before:
    // its enrollment's 0.072 s for a device whose life failed 6 s in).
    const lifeFailed: DeviceRecord = { index: 0, serialNumber: "F4-0", reason: "stoppedCheckingIn", totalMs: 72, ranMs: 6120.5, rerun: "", timeline: null };
    expect(fleetJunitXml(summary, [lifeFailed])).toMatch(/<testcase classname="aosp-sim.fleet" name="device 0 \(F4-0\): QR scan to first check-in" time="6.1205">/);
  });

  it("makes each threshold a test case, a missed one a failure with its figure (as k6 does)", async () => {
    const { summary, devices } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const thresholds = evaluateThresholds(summary, ["failed==0", "p99.total<0.001ms"].map(parseThreshold));
    const xml = fleetJunitXml(summary, devices, thresholds);
    // Every device enrolled, so only the threshold fails: the CI system shows why the job is red.
    expect(xml).toMatch(/<testsuites time="[\d.]+" tests="4" failures="1"/);
    expect(xml).toMatch(/<testsuite name="aosp-sim fleet thresholds \(seed 4, shard 0\/1\)" time="0" tests="2" failures="1"/);
    expect(xml).toMatch(/<testcase classname="aosp-sim.fleet.thresholds" name="failed==0 \(shard 0\/1\)" time="0"\/>/);
    expect(xml).toContain(`<testcase classname="aosp-sim.fleet.thresholds" name="p99.total&lt;0.001ms (shard 0/1)" time="0">`);
    expect(xml).toContain(`<failure message="threshold missed: p99.total&lt;0.001ms: ${thresholds[1]!.figure}" type="threshold"><![CDATA[threshold missed: p99.total<0.001ms: ${thresholds[1]!.figure}]]></failure>`);
    // Without thresholds, the devices' suite alone, as before.
    expect(fleetJunitXml(summary, devices)).toMatch(/<testsuites time="[\d.]+" tests="2" failures="0"/);
    expect(fleetJunitXml(summary, devices)).not.toContain("thresholds");
  });

  // dorny/test-reporter reads `time` as parseFloat(...) * 1000 on every suite and test case and
  // adds them up; one without made the whole run NaN. Before, failed devices, the thresholds and a
  // merge's test case had none, nor had <testsuites>.
  it("gives every test suite and test case a time: a failed device's is how long it ran", async () => {
    const { summary, devices } = await runFleet({
      devices: 3, concurrency: 3, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: ["network-absent=1"], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(summary.failed).toBe(3);
    const thresholds = evaluateThresholds(summary, ["failed==0"].map(parseThreshold));
    const failed = devices.find((d) => d.reason !== null)!;
    expect(failed.totalMs).toBeNull();
    expect(failed.ranMs).toBeGreaterThan(0);
    const merge = mergeSummaries([{ file: "a.json", summary }]);
    for (const xml of [fleetJunitXml(summary, devices, thresholds), mergedJunitXml(merge, thresholds, missingFromFleet(merge)), fleetJunitXml({ ...summary, interrupted: true }, devices)]) {
      const tags = [...xml.matchAll(/<(testsuites|testsuite|testcase)\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.length).toBeGreaterThan(2);
      for (const tag of tags) expect(tag).toMatch(/ time="\d+(\.\d+)?"/);
    }
    const xml = fleetJunitXml(summary, devices);
    expect(xml).toContain(`name="device ${failed.index} (${failed.serialNumber}): QR scan to first check-in" time="${Number((failed.ranMs! / 1000).toFixed(4))}"`);
  });
  // Before, the XML writer dropped a control character from a fault's value (XML 1.0 cannot hold
  // it), so the file named `wrong-wifi-key=abcdefgh`, a key that never ran; and a device whose
  // --life failed after it enrolled was a failed "QR scan to first check-in", typed enrollment.
  it("writes a fault's control characters as escapes, and a failed life as the life's failure", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: ["wrong-wifi-key=abc\x1bdefgh=1"], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const struck: DeviceRecord = { index: 0, serialNumber: "F4-0", reason: "wifiTimeout", totalMs: null, ranMs: 900, faults: ["wrong-wifi-key=abc\x1bdefgh"], rerun: "", timeline: ["wifi \x1b[2J"] };
    const xml = fleetJunitXml(summary, [struck]);
    expect(xml).toContain('<property name="faults" value="wrong-wifi-key=abc\\x1bdefgh=1"/>');
    expect(xml).toContain('message="wifiTimeout (faults injected: wrong-wifi-key=abc\\x1bdefgh)" type="enrollment"');
    expect(xml).toContain("wifi \\x1b[2J");
    const lifeFailed: DeviceRecord = { index: 0, serialNumber: "F4-0", reason: "stoppedCheckingIn", totalMs: 72, ranMs: 6120.5, rerun: "", timeline: null };
    const withLife = fleetJunitXml({ ...summary, lifeMs: 24 * 3_600_000 }, [lifeFailed, { ...struck, index: 1, serialNumber: "F4-1" }]);
    expect(withLife).toMatch(/name="device 0 \(F4-0\): QR scan to first check-in, then 1d of --life" time="6.1205">\s*<failure message="stoppedCheckingIn" type="life"/);
    expect(withLife).toMatch(/name="device 1 \(F4-1\): QR scan to first check-in, then 1d of --life"[^>]*>\s*<failure [^>]*type="enrollment"/);
  });

  // GitLab shows a failed test case's text (its parser takes the <failure> element's content as the
  // test's output), not its message attribute; so does CircleCI. Before, a missed threshold, a stop
  // and an incomplete merge had no text at all, so GitLab showed no reason for the one failure a
  // pipeline gates on, and a failed device showed its timeline without its reason.
  it("writes each failure's reason as the first line of its text too, as GitLab shows the text", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const failed: DeviceRecord = { index: 0, serialNumber: "F4-0", reason: "wifiTimeout", totalMs: null, ranMs: 900, faults: ["wrong-wifi-key"], rerun: "aosp-sim fleet --only 0", timeline: ["wifi <rejected>"] };
    const cut: DeviceRecord = { index: 1, serialNumber: "F4-1", reason: null, totalMs: 72, rerun: "", timeline: null, lifeCut: { livedMs: 3_600_000, checkIns: 2 } };
    const stopped = { ...summary, interrupted: true as const, lifeMs: 24 * 3_600_000 };
    const thresholds = evaluateThresholds(stopped, [parseThreshold("p99.total<0.001ms")]);
    const merge = mergeSummaries([{ file: "a.json", summary: { ...summary, fleetDevices: 2, shards: ["0/2"] } }]);
    const xmls = [fleetJunitXml(stopped, [failed, cut], thresholds), mergedJunitXml(merge, thresholds, missingFromFleet(merge))];
    const shown = xmls.flatMap((xml) => [...xml.matchAll(/<(failure|skipped) message="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/\1>)/g)].map(([, tag, message, text]) => ({ tag, message: unescape(message!), text: unescape((text ?? "").replace(/^<!\[CDATA\[|\]\]>$/g, "")) })));
    // The device, the stop and the threshold of the shard; the skipped life; the merge's incomplete fleet and its threshold.
    expect(shown.map((s) => s.tag)).toEqual(["failure", "skipped", "failure", "failure", "failure", "failure"]);
    for (const { message, text } of shown) expect(text.split("\n")[0]).toBe(message);
    expect(shown[0]!.text).toBe("wifiTimeout (faults injected: wrong-wifi-key)\n\nwifi <rejected>\n\nre-run alone: aosp-sim fleet --only 0");
    expect(shown[3]!.text).toBe(`threshold missed: p99.total<0.001ms: ${thresholds[0]!.figure}`);
    expect(shown[4]!.text).toMatch(/^incomplete: these reports hold 1 of the fleet's 2 devices: no report of shard 1\/2/);
  });

  // Before, a fleet stopped a few seconds into a ten-year --life passed every device's test case
  // "QR scan to first check-in, then 3650d of --life", a life none of them had lived.
  it("skips the test case of a device whose --life a stop cut short, saying how far it lived", async () => {
    const service = await startMockService({ port: 0, passwordHashCost: 8 });
    const stop = new AbortController();
    const running = runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 5, shard: { index: 0, count: 1 }, faults: [], lifeMs: MAX_LIFE_MS,
      service: { url: service.url, adminToken: service.adminToken }, rerunCommand: (i) => `--only ${i}`, signal: stop.signal,
    });
    // Both devices have started: a stop before then would start none.
    await waitForManagedDevices(service.url, service.adminToken, 2).finally(() => stop.abort());
    const { summary, devices } = await running.finally(() => service.close());
    expect(summary).toMatchObject({ devices: 2, enrolled: 2, interrupted: true });
    const xml = fleetJunitXml(summary, devices);
    expect(xml).toMatch(/<testsuite name="aosp-sim fleet \(seed 5, shard 0\/1\)" time="[\d.]+" tests="3" failures="1" errors="0" skipped="2"/);
    expect(devices.map((d) => d.lifeCut?.checkIns)).toEqual(devices.map(() => expect.any(Number)));
    for (const d of devices) {
      const lived = formatDuration(d.lifeCut!.livedMs);
      expect(xml).toMatch(new RegExp(`name="device ${d.index} \\(${d.serialNumber}\\): QR scan to first check-in, then 3650d of --life" time="[\\d.]+">\\s*<skipped message="the fleet was stopped while it lived its --life: it lived ${lived} of 3650d on its clock \\(${counted(d.lifeCut!.checkIns, "check-in")}\\)">the fleet was stopped`));
    }
    // A life lived to its end is a pass, as before.
    const lived: DeviceRecord = { index: 0, serialNumber: "F5-0", reason: null, totalMs: 72, rerun: "", timeline: null };
    expect(fleetJunitXml({ ...summary, interrupted: undefined }, [lived])).toMatch(/name="device 0 \(F5-0\): QR scan to first check-in, then 3650d of --life" time="0.072"\/>/);
  });

  // The common JUnit schema (Jenkins xunit-plugin's junit-10.xsd) allows name, time, tests,
  // failures and errors on <testsuites>, and skipped only on <testsuite>: a CI step validating
  // against it refused every file before (junit-report-builder writes skipped on the root too).
  it("writes on <testsuites> only the attributes the common JUnit schema allows", async () => {
    const { summary, devices } = await runFleet({
      devices: 2, concurrency: 2, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const thresholds = evaluateThresholds(summary, [parseThreshold("failed==0")]);
    const merge = mergeSummaries([{ file: "a.json", summary }]);
    for (const xml of [fleetJunitXml(summary, devices, thresholds), mergedJunitXml(merge, thresholds, null)]) {
      const root = /<testsuites\b([^>]*)>/.exec(xml)![1]!;
      const names = [...root.matchAll(/ ([\w-]+)="/g)].map((m) => m[1]);
      expect(names.every((name) => ["name", "time", "tests", "failures", "errors"].includes(name!)), root).toBe(true);
      expect(xml).toMatch(/<testsuite name="[^"]*" time="[\d.]+" tests="\d+" failures="\d+" errors="\d+" skipped="0"/);
    }
  });
  // Before, "shards 0/2, 1/2" in the merged suite's name and "shard 0/2, 1/2" in its thresholds'.
  it("names a merge's shards the same way in both of its suites", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const merge = { ...summary, shards: ["0/2", "1/2"] };
    const xml = mergedJunitXml(merge, evaluateThresholds(merge, [parseThreshold("failed==0")]), null);
    expect(xml).toContain('<testsuite name="aosp-sim fleet, merged (seed 4, shards 0/2, 1/2)"');
    expect(xml).toContain('<testsuite name="aosp-sim fleet thresholds (seed 4, shards 0/2, 1/2)"');
    // One shard is one.
    expect(fleetJunitXml(summary, [], evaluateThresholds(summary, [parseThreshold("failed==0")]))).toContain('<testsuite name="aosp-sim fleet thresholds (seed 4, shard 0/1)"');
  });
  // The README says the merge's suite carries the run's faults as each shard's does; before, it had none.
  it("names the run's faults in the merge's suite, as in each shard's", async () => {
    const { summary } = await runFleet({
      devices: 1, concurrency: 1, rampMs: 0, seed: 4, shard: { index: 0, count: 1 }, faults: [], lifeMs: 0,
      embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    const faulted = { ...summary, faults: [{ spec: "wrong-wifi-key", rate: 0.1, devices: 0 }, { spec: "service-5xx=2", rate: 0.05, devices: 0 }] };
    const property = '<property name="faults" value="wrong-wifi-key=0.1 service-5xx=2=0.05"/>';
    expect(fleetJunitXml(faulted, [])).toContain(property);
    expect(mergedJunitXml(mergeSummaries([{ file: "a.json", summary: faulted }]), [], null)).toContain(property);
    expect(mergedJunitXml(mergeSummaries([{ file: "a.json", summary }]), [], null)).toContain('<property name="faults" value="none"/>');
  });
  // Before, every shard's file had `aosp-sim.fleet.run` "the run was not interrupted" and
  // `aosp-sim.fleet.thresholds` "failed==0", as had the merge's thresholds: a CI system that takes
  // the files as one test run (by class and name) showed one test case for them all.
  it("names a shard's stop and thresholds by its shard, apart from the other shards' and the merge's", async () => {
    const shards = await Promise.all(
      [0, 1].map((index) =>
        runFleet({
          devices: 2, concurrency: 1, rampMs: 0, seed: 4, shard: { index, count: 2 }, faults: [], lifeMs: 0,
          embedded: "inline", rerunCommand: (i) => `--only ${i}`,
        }),
      ),
    );
    const checks = ["failed==0", "p99.total<0.001ms"].map(parseThreshold);
    const xmls = shards.map(({ summary, devices }) => fleetJunitXml({ ...summary, interrupted: true }, devices, evaluateThresholds(summary, checks)));
    const merge = mergeSummaries(shards.map(({ summary }, i) => ({ file: `${i}.json`, summary: { ...summary, interrupted: true } })));
    xmls.push(mergedJunitXml(merge, evaluateThresholds(merge, checks), null, "shards 0/2 and 1/2 were stopped part-way"));
    const cases = xmls.flatMap((xml) => [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`));
    expect(cases.length).toBe(2 * (1 + 1 + 2) + 1 + 2);
    expect(new Set(cases).size).toBe(cases.length);
    expect(xmls[1]).toContain('<testcase classname="aosp-sim.fleet.run" name="the run was not interrupted (shard 1/2)" time="0">');
    expect(xmls[1]).toContain('<testcase classname="aosp-sim.fleet.thresholds" name="failed==0 (shard 1/2)" time="0"/>');
    // The merge's own test cases stay named as before: its thresholds are the whole fleet's.
    expect(xmls[2]).toContain('<testcase classname="aosp-sim.fleet.thresholds" name="failed==0" time="0"/>');
    expect(xmls[2]).toMatch(/<testcase classname="aosp-sim.fleet.merge" name="every device of the fleet reported \(2 of 2\)" time="0">\s*<failure message="interrupted: /);
  });
});

/** XML text as a reader sees it. */
function unescape(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
}
