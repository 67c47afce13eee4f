/**
 * A fleet summary as one self-contained HTML page: Chart.js is inlined from node_modules, the data
 * is embedded as JSON, nothing is fetched when the page is viewed. Charts: the wall-clock latency
 * histogram of each phase, enrollments over time, failures by reason; then the slowest devices
 * and the first failed ones with their timelines. With thresholds, each is listed at the top,
 * met or missed, with its figure. A merge that lacks devices of the fleet, or a stopped run, says
 * so at the top.
 */
import { ratePercent } from "./fault-rates.js";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { formatDurationExactly } from "../../device/duration.js";
import { checkNoteArgument, checkResultsArgument, checkSummaryArgument } from "./argument-checks.js";
import { countsByTenthOfMs } from "./histograms.js";
import { PHASES } from "./phases.js";
import { interruptedNote, PHASE_STATS, routesFailingFirst, partNamed, shardsInWords, toolNamed, type DeviceStory, type FleetSummary } from "./summary.js";
import type { ThresholdResult } from "./thresholds.js";

const require = createRequire(import.meta.url);

/** What the page's script draws, embedded as JSON (tests read it back from the page). */
export interface ReportData {
  histograms: { phase: string; labels: string[]; devices: number[] }[];
  overTime: { labels: string[]; enrolled: number[]; failed: number[] };
  failures: { labels: string[]; devices: number[] };
}

export function reportData(summary: FleetSummary): ReportData {
  return {
    histograms: PHASES.flatMap((phase) => {
      const encoded = summary.histograms.wall[phase];
      return summary.phases[phase] === undefined || encoded === undefined ? [] : [{ phase, ...latencyBars(encoded) }];
    }),
    overTime: {
      labels: summary.timelineBySecond.map((_, i) => `${i + 1} s`),
      enrolled: summary.timelineBySecond.map((b) => b.enrolled),
      failed: summary.timelineBySecond.map((b) => b.failed),
    },
    failures: { labels: Object.keys(summary.failedByReason), devices: Object.values(summary.failedByReason) },
  };
}

/** The most bars a latency histogram has. */
const MAX_BARS = 20;

/**
 * One phase's latencies as bars "≤ X ms". Each value counts as the summary's figures show it (0.1
 * ms), and the bars are a round step wide (1, 2 or 5 times a power of ten, in tenths of a ms), the
 * narrowest that needs at most MAX_BARS: every edge is a whole number of steps, so no two bars
 * share a label (steps of the span / 20 in microseconds, labelled to 0.1 ms, did), values that are
 * all the same make one bar, and the last bar's edge is the phase's max in the table when the step
 * is 0.1 ms. The bars run from the smallest value's to the largest's; values under 0.05 ms, which
 * count as 0, have a bar of their own, `< 0.05 ms`.
 */
function latencyBars(encoded: string): { labels: string[]; devices: number[] } {
  const counts = countsByTenthOfMs(encoded);
  const values = [...counts.keys()];
  if (values.length === 0) return { labels: [], devices: [] };
  const lowest = values.reduce((a, b) => Math.min(a, b));
  const highest = values.reduce((a, b) => Math.max(a, b));
  const bar = (tenths: number, step: number) => Math.ceil(tenths / step);
  const step = roundSteps().find((s) => bar(highest, s) - bar(lowest, s) < MAX_BARS)!;
  const first = bar(lowest, step);
  const devices = new Array<number>(bar(highest, step) - first + 1).fill(0);
  for (const [tenths, n] of counts) devices[bar(tenths, step) - first]! += n;
  // Whole tenths over 10 print as the table's figures do ("254.2", "0.4", "60"). The bar of values
  // that round to 0 (a verify phase's tens of µs) holds those under 0.05 ms: "≤ 0 ms" said none could be there.
  return { labels: devices.map((_, i) => (first + i === 0 ? "< 0.05 ms" : `≤ ${((first + i) * step) / 10} ms`)), devices };
}

/** 1, 2, 5, 10, 20, 50, ... tenths of a ms, up to one step wider than any latency a histogram holds (2^46 µs). */
function roundSteps(): number[] {
  const steps: number[] = [];
  for (let power = 1; power <= 1e15; power *= 10) steps.push(power, 2 * power, 5 * power);
  return steps;
}

/**
 * The page. `incomplete` is why the figures are not the whole fleet's (merge-reports: a shard's
 * report missing; `missingFromFleet`), or null: said at the top, as a stopped run is; for a merge,
 * `interrupted` names the shards that were stopped part-way, as the merge's JUnit does.
 */
export function fleetHtmlReport(summary: FleetSummary, thresholds: readonly ThresholdResult[] = [], incomplete: string | null = null, interrupted: string | null = null): string {
  checkSummaryArgument("fleetHtmlReport", summary);
  checkResultsArgument("fleetHtmlReport", thresholds);
  checkNoteArgument("fleetHtmlReport", "incomplete", incomplete, "missingFromFleet's answer");
  checkNoteArgument("fleetHtmlReport", "interrupted", interrupted, "interruptedShards' answer");
  // The UMD build sits beside the package's main file (its "exports" do not list it).
  const chartJs = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
  const data = reportData(summary);
  const failed = summary.failed > 0 ? `<span class="bad">${summary.failed} failed</span>` : "0 failed";
  const partial = incomplete !== null ? " (incomplete)" : summary.interrupted ? " (interrupted)" : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aosp-sim fleet: ${summary.enrolled} of ${summary.devices} enrolled${partial}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.figures { display: flex; gap: 16px; flex-wrap: wrap; margin: 12px 0; }
.figures div { background: #f6f8fa; padding: 8px 12px; border-radius: 6px; }
.figures b { display: block; font-size: 20px; }
table { border-collapse: collapse; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #d0d7de; }
th:first-child { text-align: left; } .device { background: #f6f8fa; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
.chart { position: relative; height: 220px; } .wide { height: 260px; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
.bad { color: #cf222e; } .good { color: #1a7f37; }
#thresholds td, #thresholds th { text-align: left; }
</style></head><body>
<h1>aosp-sim fleet report</h1>
<p>Seed ${summary.seed}, ${esc(partNamed(summary))} of a fleet of ${summary.fleetDevices}; ${esc(serviceSaid(summary))}.</p>
<p id="run-how">${runHow(summary)}</p>
${summary.tool ? `<p id="tool">${esc(toolHow(summary))}</p>` : ""}
${summary.interrupted ? `<p id="interrupted" class="bad">Interrupted: ${interrupted === null ? "" : `${esc(interrupted)}; `}${esc(interruptedNote(summary))} (${summary.devices} devices).</p>` : ""}
${incomplete !== null ? `<p id="incomplete" class="bad">Incomplete: ${esc(incomplete)}.</p>` : ""}
<div class="figures">
<div><b id="devices">${summary.devices}</b>devices</div>
<div><b id="enrolled">${summary.enrolled}</b>enrolled</div>
<div><b id="failed">${summary.failed}</b>${failed.includes("bad") ? '<span class="bad">failed</span>' : "failed"}</div>
<div><b id="rate">${summary.devicesPerSecond}</b>enrolled/s</div>
${summary.runSeconds !== undefined ? `<div><b id="run-seconds">${summary.runSeconds}</b>run seconds (without set-up)</div>` : ""}
<div><b>${summary.wallSeconds}</b>wall seconds</div>
<div><b>${summary.http.requests}</b>HTTP requests (${summary.http.errors} errors)</div>
<div><b>${Math.round(summary.peakRssBytes / 1024 ** 2)} MB</b>peak RSS</div>
</div>
${thresholdTable(thresholds, partOnly(summary, incomplete))}
${summary.devices === 0 ? `<p id="no-devices">${esc(noDeviceRan(summary))}</p>` : sections(summary, data)}
<script type="application/json" id="fleet-data">${jsonForScript(data)}</script>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>
const data = JSON.parse(document.getElementById("fleet-data").textContent);
// A fresh object per chart: Chart.js writes the scales it resolved into the options it is given,
// and the histograms' vertical scales, shared, turned the failures' horizontal bars into none.
const options = () => ({ responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } });
// Devices are counted whole: no 0.1 steps on the axis of a chart whose bars hold one device.
const counts = () => ({ ticks: { precision: 0 } });
// A section without data has no canvas (Chart.js given none logs an error).
const draw = (id, config) => { const canvas = document.getElementById(id); if (canvas) new Chart(canvas, config); };
for (const h of data.histograms) {
  draw("histogram-" + h.phase, { type: "bar", data: { labels: h.labels, datasets: [{ label: "devices", data: h.devices, backgroundColor: "#0969da" }] }, options: { ...options(), scales: { y: counts() } } });
}
draw("over-time", { type: "line", data: { labels: data.overTime.labels, datasets: [
  { label: "enrolled", data: data.overTime.enrolled, borderColor: "#1a7f37", backgroundColor: "#1a7f37" },
  { label: "failed", data: data.overTime.failed, borderColor: "#cf222e", backgroundColor: "#cf222e" } ] },
  options: { ...options(), plugins: { legend: { display: true } }, scales: { y: counts() } } });
draw("failures", { type: "bar", data: { labels: data.failures.labels, datasets: [{ label: "devices", data: data.failures.devices, backgroundColor: "#cf222e" }] }, options: { ...options(), indexAxis: "y", scales: { x: counts() } } });
</script>
</body></html>
`;
}

/** The faults the devices were given, at their rates, their --life and the check-ins it made, in a sentence. */
function runHow(s: FleetSummary): string {
  const faults =
    s.faults.length === 0 ? "No faults" : `Faults: ${s.faults.map((f) => `${esc(f.spec)} at ${ratePercent(f.rate)} (struck ${f.devices} of ${s.devices} devices)`).join(", ")}`;
  // A stopped run cut the lives short (interruptedNote).
  const life = s.lifeMs > 0 ? `each enrolled device lived ${s.interrupted ? "up to " : ""}${formatDurationExactly(s.lifeMs)} after enrolling (--life)` : "no --life";
  const failedThen = s.checkInsFailed ? `, <span id="check-ins-failed">${s.checkInsFailed}</span> failed during the lives` : "";
  return `${faults}; ${life}; <span id="check-ins">${s.checkIns}</span> ${s.checkIns === 1 ? "check-in" : "check-ins"}${failedThen}.`;
}

/**
 * The service the devices talked to. Merged shards that each ran their own embedded service
 * talked to as many services: the merged summary keeps one shard's URL, which the report named
 * as the fleet's service (a port long closed, that served that shard alone).
 */
function serviceSaid(s: FleetSummary): string {
  if (s.service.runs !== "external" && s.shards.length > 1) return `each shard's own embedded service (${s.service.runs})`;
  return `service ${s.service.url} (${s.service.runs})`;
}

/** The build that ran the devices and the load they ran under (a merge of shards under other loads names none). */
function toolHow(s: FleetSummary): string {
  const load = [
    ...(s.concurrency === undefined ? [] : [`up to ${s.concurrency} ${s.concurrency === 1 ? "device" : "devices"} at once (--concurrency)`]),
    ...(s.rampMs === undefined ? [] : [s.rampMs > 0 ? `starts spread over ${formatDurationExactly(s.rampMs)} (--ramp)` : "no --ramp"]),
  ];
  return `Run by ${toolNamed(s.tool)}${load.length > 0 ? `, ${load.join(", ")}` : ""}.`;
}

/**
 * What thresholds met by part of the fleet were met by (a merge lacking a shard, a stopped run),
 * or null for the whole fleet: "all met" alone would read as a pass, and the exit is 1.
 */
function partOnly(s: FleetSummary, incomplete: string | null): string | null {
  if (incomplete !== null) return `by these ${s.devices} of the fleet's ${s.fleetDevices} devices only`;
  return s.interrupted ? `by the ${s.devices} devices that ran only` : null;
}

/** Why a summary holds no device: its shards hold none, or the run stopped before the first. */
function noDeviceRan(s: FleetSummary): string {
  if (s.interrupted) return "No device ran: the run was stopped before its first device started.";
  const shards = s.shards.length > 1 ? `shards ${shardsInWords(s.shards)} of a fleet of ${s.fleetDevices} devices hold` : `shard ${s.shards.join("")} of a fleet of ${s.fleetDevices} devices holds`;
  return `No device ran: ${shards} none.`;
}

/** The phases, charts and devices of a summary that holds devices; a section without data says why, or is left out. */
function sections(summary: FleetSummary, data: ReportData): string {
  const phaseRows = PHASES.filter((p) => summary.phases[p])
    .map((p) => {
      const w = summary.phases[p]!;
      const d = summary.phasesDeviceTime[p];
      return `<tr><th>${p}</th>${PHASE_STATS.map((k) => `<td>${w[k]}</td>`).join("")}${PHASE_STATS.map((k) => `<td class="device">${d?.[k] ?? "-"}</td>`).join("")}</tr>`;
    })
    .join("\n");
  // Every device that ran enrolled (finishing every phase) or failed: no phase finished means all failed.
  const allFailed = summary.devices === 1 ? "the one device failed" : `all ${summary.devices} devices failed`;
  return `<h2>Latency per phase (ms)</h2>
${
  phaseRows === ""
    ? `<p id="no-phases">No device finished a phase (Wi-Fi is the first): ${allFailed}; the failures by reason, below, say where they stopped.</p>`
    : `<table id="phases"><tr><th></th><th colspan="4">wall clock</th><th colspan="4" class="device">device clock (simulated)</th></tr>
<tr><th>phase</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th class="device">p50</th><th class="device">p95</th><th class="device">p99</th><th class="device">max</th></tr>
${phaseRows}
</table>`
}
${
  data.histograms.length === 0
    ? ""
    : `<h2>Latency histograms (wall clock)</h2>
<div class="grid">
${data.histograms.map((h) => `<div><b>${h.phase}</b><div class="chart"><canvas id="histogram-${h.phase}"></canvas></div></div>`).join("\n")}
</div>`
}
${data.overTime.labels.length === 0 ? "" : '<h2>Enrollments over time</h2>\n<div class="chart wide"><canvas id="over-time"></canvas></div>'}
<h2>Failures by reason</h2>
${data.failures.labels.length === 0 ? "<p>No device failed.</p>" : '<div class="chart"><canvas id="failures"></canvas></div>'}
${routeTable(summary)}
<h2>Slowest devices</h2>
<div id="slowest">${summary.slowest.length === 0 ? "<p>No device enrolled.</p>" : stories(summary.slowest)}</div>
<h2>First failed devices</h2>
${summary.failures.length === 0 ? "<p>None.</p>" : stories(summary.failures)}`;
}

/** HTTP requests and errors by route, the routes with errors first. */
function routeTable(s: FleetSummary): string {
  const routes = routesFailingFirst(s);
  if (routes.length === 0) return "";
  const rows = routes
    .map(([route, { requests, errors }]) => `<tr${errors > 0 ? ' class="bad"' : ""}><th>${esc(route)}</th><td>${requests}</td><td>${errors}</td></tr>`)
    .join("\n");
  return `<h2>HTTP requests by route</h2>
<table id="routes"><tr><th>route</th><th>requests</th><th>errors</th></tr>
${rows}
</table>`;
}

/** The thresholds, met or missed; `partOnly` qualifies "all met" when the figures are not the whole fleet's. */
function thresholdTable(thresholds: readonly ThresholdResult[], partOnly: string | null): string {
  if (thresholds.length === 0) return "";
  const missed = thresholds.filter((t) => !t.passed).length;
  const rows = thresholds
    .map((t) => `<tr class="${t.passed ? "good" : "bad"}"><td>${t.passed ? "✓ met" : "✗ missed"}</td><th>${esc(t.threshold.text)}</th><td>${esc(t.figure)}</td></tr>`)
    .join("\n");
  const allMet = `<span class="good">all met</span>${partOnly === null ? "" : ` <span class="bad">${esc(partOnly)}</span>`}`;
  return `<h2>Thresholds: ${missed === 0 ? allMet : `<span class="bad">${missed} of ${thresholds.length} missed</span>`}</h2>
<table id="thresholds"><tr><th></th><th>threshold</th><th>figure</th></tr>
${rows}
</table>`;
}

/** Each device's story; its timeline scrolls sideways, so it takes the keyboard's focus (tabindex) to be scrolled without a mouse. */
function stories(list: readonly DeviceStory[]): string {
  return list
    .map((s) => `<h3>device ${s.index} (${esc(s.serialNumber)}): ${s.reason === null ? `${s.totalMs} ms` : `<span class="bad">${esc(s.reason)}</span>`}${s.faults.length ? `, faults ${esc(s.faults.join(", "))}` : ""}${s.faultsNotStruck ? `, never struck (state not reached): ${esc(s.faultsNotStruck.join(", "))}` : ""}</h3>
<pre tabindex="0" aria-label="device ${s.index}: timeline and re-run command">${esc(s.timeline.join("\n"))}\n\nre-run alone: ${esc(s.rerun)}</pre>`)
    .join("\n");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that cannot end the script element it sits in. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
