// Prints "N passed, N failed" from vitest's JSON report (test-results/vitest.json).
// A suite that failed to load (import error, crash) counts as one failure, since its tests never ran.
const fs = require("fs");
const exitStatus = Number(process.argv[2] ?? 0);
// The pack-and-install check (.ci/pack-check.mjs), counted as one more check when given.
const packStatus = process.argv[3] === undefined ? null : Number(process.argv[3]);
const packPassed = packStatus === 0 ? 1 : 0;
const packFailed = packStatus === null || packStatus === 0 ? 0 : 1;
let report;
try {
  report = JSON.parse(fs.readFileSync("test-results/vitest.json", "utf8"));
} catch {
  console.log(`${packPassed} passed, ${1 + packFailed} failed`);
  process.exit(0);
}
const brokenSuites = (report.testResults ?? []).filter(
  (s) => s.status === "failed" && !s.assertionResults.some((a) => a.status === "failed"),
).length;
let failed = report.numFailedTests + brokenSuites;
if (failed === 0 && exitStatus !== 0) failed = 1; // vitest failed for a reason outside any test
console.log(`${report.numPassedTests + packPassed} passed, ${failed + packFailed} failed`);
