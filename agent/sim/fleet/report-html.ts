/**
 * A fleet summary as one self-contained HTML page: Chart.js is inlined from node_modules, the data
 * is embedded as JSON, nothing is fetched when the page is viewed. Charts: the wall-clock latency
 * histogram of each phase, enrollments over time, failures by reason; then the slowest devices
 * and the first failed ones with their timelines. With thresholds, each is listed at the top,
 * met or missed, with its figure.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PhaseHistograms } from "./histograms.js";
import { PHASES } from "./phases.js";
import { interruptedNote, type DeviceStory, type FleetSummary } from "./summary.js";
import type { ThresholdResult } from "./thresholds.js";

const require = createRequire(import.meta.url);

/** What the page's script draws, embedded as JSON (tests read it back from the page). */
export interface ReportData {
  histograms: { phase: string; labels: string[]; devices: number[] }[];
  overTime: { labels: string[]; enrolled: number[]; failed: number[] };
  failures: { labels: string[]; devices: number[] };
}

export function reportData(summary: FleetSummary): ReportData {
  const wall = new PhaseHistograms();
  wall.addEncoded(summary.histograms.wall);
  return {
    histograms: PHASES.filter((p) => summary.phases[p] !== undefined).map((phase) => {
      const buckets = wall.buckets(phase);
      return { phase, labels: buckets.map((b) => `≤ ${b.upToMs} ms`), devices: buckets.map((b) => b.devices) };
    }),
    overTime: {
      labels: summary.timelineBySecond.map((_, i) => `${i + 1} s`),
      enrolled: summary.timelineBySecond.map((b) => b.enrolled),
      failed: summary.timelineBySecond.map((b) => b.failed),
    },
    failures: { labels: Object.keys(summary.failedByReason), devices: Object.values(summary.failedByReason) },
  };
}

export function fleetHtmlReport(summary: FleetSummary, thresholds: readonly ThresholdResult[] = []): string {
  // The UMD build sits beside the package's main file (its "exports" do not list it).
  const chartJs = readFileSync(join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), "utf8");
  const data = reportData(summary);
  const phaseRows = PHASES.filter((p) => summary.phases[p])
    .map((p) => {
      const w = summary.phases[p]!;
      const d = summary.phasesDeviceTime[p];
      return `<tr><th>${p}</th><td>${w.p50}</td><td>${w.p95}</td><td>${w.p99}</td><td>${w.max}</td><td>${d ? `${d.p50} / ${d.p99}` : "-"}</td></tr>`;
    })
    .join("\n");
  const failed = summary.failed > 0 ? `<span class="bad">${summary.failed} failed</span>` : "0 failed";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aosp-sim fleet: ${summary.enrolled} of ${summary.devices} enrolled</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; max-width: 1200px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.figures { display: flex; gap: 24px; flex-wrap: wrap; margin: 12px 0; }
.figures div { background: #f6f8fa; padding: 8px 14px; border-radius: 6px; }
.figures b { display: block; font-size: 20px; }
table { border-collapse: collapse; } th, td { padding: 3px 10px; text-align: right; border-bottom: 1px solid #d0d7de; }
th:first-child { text-align: left; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
.chart { position: relative; height: 220px; } .wide { height: 260px; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
.bad { color: #cf222e; } .good { color: #1a7f37; }
#thresholds td, #thresholds th { text-align: left; }
</style></head><body>
<h1>aosp-sim fleet report</h1>
<p>Seed ${summary.seed}, shard${summary.shards.length > 1 ? "s" : ""} ${esc(summary.shards.join(", "))} of a fleet of ${summary.fleetDevices}; service ${esc(summary.service.url)} (${esc(summary.service.runs)}).</p>
${summary.interrupted ? `<p id="interrupted" class="bad">Interrupted: ${esc(interruptedNote(summary))} (${summary.devices} devices).</p>` : ""}
<div class="figures">
<div><b id="devices">${summary.devices}</b>devices</div>
<div><b id="enrolled">${summary.enrolled}</b>enrolled</div>
<div><b id="failed">${summary.failed}</b>${failed.includes("bad") ? '<span class="bad">failed</span>' : "failed"}</div>
<div><b id="rate">${summary.devicesPerSecond}</b>enrolled/s</div>
<div><b>${summary.wallSeconds}</b>wall seconds</div>
<div><b>${summary.http.requests}</b>HTTP requests (${summary.http.errors} errors)</div>
<div><b>${Math.round(summary.peakRssBytes / 1024 ** 2)} MB</b>peak RSS</div>
</div>
${thresholdTable(thresholds)}
<h2>Latency per phase (wall clock, ms)</h2>
${
  phaseRows === ""
    ? '<p id="no-phases">No device finished a phase (Wi-Fi is the first); the failures by reason, below, say where the devices stopped.</p>'
    : `<table id="phases"><tr><th>phase</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>device time p50 / p99</th></tr>
${phaseRows}
</table>`
}
<h2>Latency histograms (wall clock)</h2>
<div class="grid">
${data.histograms.map((h) => `<div><b>${h.phase}</b><div class="chart"><canvas id="histogram-${h.phase}"></canvas></div></div>`).join("\n")}
</div>
<h2>Enrollments over time</h2>
<div class="chart wide"><canvas id="over-time"></canvas></div>
<h2>Failures by reason</h2>
${data.failures.labels.length === 0 ? "<p>No device failed.</p>" : ""}
<div class="chart"><canvas id="failures"></canvas></div>
<h2>Slowest devices</h2>
${stories(summary.slowest)}
<h2>First failed devices</h2>
${summary.failures.length === 0 ? "<p>None.</p>" : stories(summary.failures)}
<script type="application/json" id="fleet-data">${jsonForScript(data)}</script>
<script>${chartJs.replace(/<\/script/gi, "<\\/script")}</script>
<script>
const data = JSON.parse(document.getElementById("fleet-data").textContent);
const options = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } };
for (const h of data.histograms) {
  new Chart(document.getElementById("histogram-" + h.phase), { type: "bar", data: { labels: h.labels, datasets: [{ label: "devices", data: h.devices, backgroundColor: "#0969da" }] }, options });
}
new Chart(document.getElementById("over-time"), { type: "line", data: { labels: data.overTime.labels, datasets: [
  { label: "enrolled", data: data.overTime.enrolled, borderColor: "#1a7f37", backgroundColor: "#1a7f37" },
  { label: "failed", data: data.overTime.failed, borderColor: "#cf222e", backgroundColor: "#cf222e" } ] },
  options: { ...options, plugins: { legend: { display: true } } } });
new Chart(document.getElementById("failures"), { type: "bar", data: { labels: data.failures.labels, datasets: [{ label: "devices", data: data.failures.devices, backgroundColor: "#cf222e" }] }, options: { ...options, indexAxis: "y" } });
</script>
</body></html>
`;
}

function thresholdTable(thresholds: readonly ThresholdResult[]): string {
  if (thresholds.length === 0) return "";
  const missed = thresholds.filter((t) => !t.passed).length;
  const rows = thresholds
    .map((t) => `<tr class="${t.passed ? "good" : "bad"}"><td>${t.passed ? "✓ met" : "✗ missed"}</td><th>${esc(t.threshold.text)}</th><td>${esc(t.figure)}</td></tr>`)
    .join("\n");
  return `<h2>Thresholds: ${missed === 0 ? '<span class="good">all met</span>' : `<span class="bad">${missed} of ${thresholds.length} missed</span>`}</h2>
<table id="thresholds"><tr><th></th><th>threshold</th><th>figure</th></tr>
${rows}
</table>`;
}

function stories(list: readonly DeviceStory[]): string {
  return list
    .map((s) => `<h3>device ${s.index} (${esc(s.serialNumber)}): ${s.reason === null ? `${s.totalMs} ms` : `<span class="bad">${esc(s.reason)}</span>`}${s.faults.length ? `, faults ${esc(s.faults.join(", "))}` : ""}</h3>
<pre>${esc(s.timeline.join("\n"))}\n\nre-run alone: ${esc(s.rerun)}</pre>`)
    .join("\n");
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** JSON that cannot end the script element it sits in. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
