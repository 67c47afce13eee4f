/**
 * A fleet run as JUnit XML (junit-report-builder), for CI systems that render test results: one
 * test suite per run, one test case per device named by its fleet index and serial number. A
 * device that did not reach its first check-in is a failure whose message is the reason and whose
 * text holds the reason again, the device's last timeline lines and the command that re-runs it alone. With
 * thresholds, a second suite holds one test case per threshold (as k6's JUnit output does), a
 * missed one a failure with its figure: a run that fails on a threshold alone (every device
 * enrolled, but too slowly) shows in the CI system as that failure, not as a red job whose tests
 * all passed. The run's own test cases (the thresholds', the stop's) name its part (`shard 1/4`,
 * `devices 3, 7`), so every shard's file can be taken with the others as one test run.
 */
import { createRequire } from "node:module";
import type { Builder } from "junit-report-builder";
import { formatDuration } from "../../device/duration.js";
import { counted } from "../../protocol/counted.js";
import { printable } from "../../protocol/printable.js";
import { checkListArgument, checkNoteArgument, checkResultsArgument, checkSummaryArgument } from "./argument-checks.js";
import { devicesRan, failureLine, interruptedNote, partNamed, toolNamed, type DeviceRecord, type FleetSummary } from "./summary.js";
import type { ThresholdResult } from "./thresholds.js";

// The package's module.exports is a builder, while its types declare a default export: required
// as CommonJS it is what the types call the default.
const rootBuilder = createRequire(import.meta.url)("junit-report-builder") as Builder;

export function fleetJunitXml(summary: FleetSummary, devices: readonly DeviceRecord[], thresholds: readonly ThresholdResult[] = []): string {
  checkSummaryArgument("fleetJunitXml", summary);
  checkListArgument("fleetJunitXml", "devices", devices, "device records, as runFleet returns them");
  checkResultsArgument("fleetJunitXml", thresholds);
  const builder = rootBuilder.newBuilder();
  const suite = builder
    .testSuite()
    .name(`aosp-sim fleet (seed ${summary.seed}, ${partNamed(summary)})`)
    .time(summary.wallSeconds)
    .property("seed", String(summary.seed))
    .property("fleetDevices", String(summary.fleetDevices))
    .property("faults", faultsNamed(summary));
  // Which build ran the devices: a shard's test cases of another build are told apart in the CI system.
  if (summary.tool) suite.property("tool", toolNamed(summary.tool));
  // With --life each device's test is its enrollment and then its life: one whose life failed is
  // not an enrollment failure (it reached its first check-in, and the phases count it).
  const life = formatDuration(summary.lifeMs);
  const test = summary.lifeMs > 0 ? `QR scan to first check-in, then ${life} of --life` : "QR scan to first check-in";
  // What each test case cut short by a stop is told, in the order the builder writes them.
  const cutShort: string[] = [];
  for (const d of devices) {
    const testCase = suite
      .testCase()
      .className("aosp-sim.fleet")
      .name(`device ${d.index} (${d.serialNumber}): ${test}`);
    // A failed device's time is how long it ran until it failed (one that failed its --life had
    // also reached its first check-in: its total is not when it failed). Every test case and suite
    // has a time: some CI readers (dorny/test-reporter) add them up and show NaN for one without.
    testCase.time(seconds((d.reason === null ? (d.totalMs ?? d.ranMs) : (d.ranMs ?? d.totalMs)) ?? 0));
    if (d.reason !== null) {
      // The faults drawn for it said with the reason: an injected 404 is not the service's.
      const lines = (d.timeline ?? ["(timeline not kept: only the first failed devices keep theirs)"]).map(printable);
      failWith(testCase, printable(failureLine(d)), d.totalMs === null ? "enrollment" : "life", [...lines, "", `re-run alone: ${d.rerun}`]);
    } else if (d.lifeCut) {
      // Its test names a life it did not live: not a pass (before, every device of a fleet stopped
      // a month into a ten-year --life passed "then 3650d of --life"), and no failure of its own
      // either (it enrolled, and its check-ins held): skipped, saying how far it got.
      testCase.skipped();
      cutShort.push(`the fleet was stopped while it lived its --life: it lived ${formatDuration(d.lifeCut.livedMs)} of ${life} on its clock (${counted(d.lifeCut.checkIns, "check-in")})`);
    }
  }
  // A stopped run is a failure the CI system shows, not a red job whose tests all passed. Named
  // with its part, as the thresholds' are: a CI system that takes every shard's file as one test
  // run (and the merge's) tells test cases apart by class and name, and showed one for all shards.
  const part = ` (${partNamed(summary)})`;
  if (summary.interrupted) {
    const stopped = suite
      .testCase()
      .className("aosp-sim.fleet.run")
      .name(`the run was not interrupted${part}`)
      .time(0);
    failWith(stopped, `interrupted: ${devicesRan(summary)}; ${interruptedNote(summary)}`, "interrupted");
  }
  addThresholdSuite(builder, summary, thresholds, part);
  return withRootTime(withSkipMessages(builder.build(), cutShort), summary.wallSeconds);
}

/**
 * The builder's `<skipped/>` takes no message; each is given its own here, in document order
 * (the order the test cases were added in). The messages are the fleet's own words, escaped for
 * an attribute all the same.
 */
function withSkipMessages(xml: string, messages: readonly string[]): string {
  let next = 0;
  return xml.replace(/<skipped\/>/g, (tag) => {
    const message = messages[next++];
    // The message as the element's text too: GitLab shows a skipped test's text, not its attributes.
    return message === undefined ? tag : `<skipped message="${escapeAttribute(message)}">${escapeText(message)}</skipped>`;
  });
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, "&quot;");
}

function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * A merged fleet (merge-reports) as JUnit XML. Its devices' test cases are in the shards' own
 * files, so this holds what only the whole fleet can answer: a test case that every device of the
 * fleet reported (failed, with the reason, when a shard's report is missing or a shard was
 * stopped part-way: `interrupted` says which, when given), and one per threshold.
 */
export function mergedJunitXml(summary: FleetSummary, thresholds: readonly ThresholdResult[], incomplete: string | null, interrupted: string | null = null): string {
  checkSummaryArgument("mergedJunitXml", summary);
  checkResultsArgument("mergedJunitXml", thresholds);
  checkNoteArgument("mergedJunitXml", "incomplete", incomplete, "missingFromFleet's answer");
  checkNoteArgument("mergedJunitXml", "interrupted", interrupted, "interruptedShards' answer");
  const builder = rootBuilder.newBuilder();
  const suite = builder
    .testSuite()
    .name(`aosp-sim fleet, merged (seed ${summary.seed}, ${partNamed(summary)})`)
    .time(summary.wallSeconds)
    .property("seed", String(summary.seed))
    .property("fleetDevices", String(summary.fleetDevices))
    // As each shard's suite names them (before, the merge's had none, though its shards agree on them).
    .property("faults", faultsNamed(summary));
  if (summary.tool) suite.property("tool", toolNamed(summary.tool));
  // A merge of --only re-runs is whole when every device re-run reported.
  const name = summary.only === undefined ? `every device of the fleet reported (${summary.devices} of ${summary.fleetDevices})` : `every device re-run reported (${summary.devices} of ${summary.only.length})`;
  const whole = suite.testCase().className("aosp-sim.fleet.merge").name(name).time(0);
  const problems = [...(incomplete ? [`incomplete: ${incomplete}`] : []), ...(summary.interrupted ? [`interrupted: ${devicesRan(summary, interrupted)}`] : [])];
  if (problems.length > 0) failWith(whole, problems.join("; "), "merge");
  addThresholdSuite(builder, summary, thresholds);
  return withRootTime(builder.build(), summary.wallSeconds);
}

/**
 * One test case per threshold, a missed one a failure with its figure (as k6's JUnit output),
 * named as written and then `part`: a shard's name its shard (`failed<1% (shard 1/4)`), the
 * merge's none (its thresholds are the whole fleet's).
 */
function addThresholdSuite(builder: Builder, summary: FleetSummary, thresholds: readonly ThresholdResult[], part = ""): void {
  if (thresholds.length === 0) return;
  const checks = builder.testSuite().name(`aosp-sim fleet thresholds (seed ${summary.seed}, ${partNamed(summary)})`).time(0);
  for (const t of thresholds) {
    const testCase = checks.testCase().className("aosp-sim.fleet.thresholds").name(`${t.threshold.text}${part}`).time(0);
    if (!t.passed) failWith(testCase, `threshold missed: ${t.line}`, "threshold");
  }
}

type TestCase = ReturnType<ReturnType<Builder["testSuite"]>["testCase"]>;

/**
 * A failure whose reason is both its `message` and the first line of its text, the details (a
 * device's timeline and re-run command) after it. GitLab shows a failed test's text and not its
 * attributes (its parser takes the <failure> element's content as the test's output), and so does
 * CircleCI: with the reason in the attribute alone, a missed threshold, a stop and an incomplete
 * merge showed no reason there, and a device only its timeline. Java's JUnit writes the message as
 * the first line of the text too (printStackTrace), so readers that show both see it at the top.
 */
function failWith(testCase: TestCase, message: string, type: string, details: readonly string[] = []): void {
  testCase.failure(message, type).stacktrace([message, ...(details.length > 0 ? ["", ...details] : [])].join("\n"));
}

/**
 * The run's faults as a property: `wrong-wifi-key=0.1 service-5xx=2=0.05`, or `none`. A fault's
 * value comes from the user's options: its control characters written as escapes, as the text
 * summary and the re-run line write them (XML 1.0 cannot hold them, and the writer dropped them:
 * `wrong-wifi-key=abc\x1bdefgh` was said as `abcdefgh`, another key).
 */
function faultsNamed(summary: FleetSummary): string {
  return printable(summary.faults.map((f) => `${f.spec}=${f.rate}`).join(" ")) || "none";
}

/**
 * Seconds kept to a tenth of a millisecond, as the fleet measures: dividing by 1000 alone leaves a
 * binary fraction's tail (0.8777999999999999) in the XML.
 */
function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(4));
}

/**
 * The root <testsuites> with the run's time: junit-report-builder sets none there (its root has
 * no public setter), and a reader that finds none adds up the suites, or shows NaN. Its
 * `skipped`, which the common JUnit schema (Jenkins xunit-plugin's junit-10.xsd) allows only on a
 * <testsuite>, is left out: a CI step validating against that schema refused the file.
 */
function withRootTime(xml: string, wallSeconds: number): string {
  return xml.replace(/<testsuites(?=[\s>])([^>]*)>/, (_, attributes: string) => `<testsuites time="${wallSeconds}"${attributes.replace(/ skipped="\d+"/, "")}>`);
}
