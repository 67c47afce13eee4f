/**
 * The fleet's HTML report in a real headless browser: a page with no network access draws every
 * chart from the run's own numbers, and shows the run's figures.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetHtmlReport, reportData, type ReportData } from "../../agent/sim/fleet/report-html.js";
import { parseFaultRate } from "../../agent/sim/fleet/fault-rates.js";
import { PhaseHistograms } from "../../agent/sim/fleet/histograms.js";
import { runFleet, type FleetOptions } from "../../agent/sim/fleet/run-fleet.js";
import type { FleetSummary } from "../../agent/sim/fleet/summary.js";
import { evaluateThresholds, parseThreshold } from "../../agent/sim/fleet/thresholds.js";
import { axeViolations, launchBrowser, openPage, type Browser, type Page } from "../helpers/browser.js";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-fleet-html-");

/** A small fleet run in this process (the embedded service inline); `given` overrides. */
function smallFleet(given: Partial<FleetOptions>): FleetOptions {
  return {
    devices: 4, concurrency: 4, rampMs: 0, seed: 11, shard: { index: 0, count: 1 },
    faults: [], lifeMs: 0, embedded: "inline", rerunCommand: (i) => `--only ${i}`, ...given,
  };
}

/** The summary with its wall-clock histograms replaced by these latencies (ms) of one phase. */
function withLatencies(summary: FleetSummary, ms: readonly number[]): FleetSummary {
  const wall = new PhaseHistograms();
  for (const v of ms) wall.record("total", v);
  return { ...summary, phases: wall.percentiles(), histograms: { wall: wall.encode(), device: {} } };
}

/** The report written to a file and opened in the browser, with the page's errors. */
async function openReport(browser: Browser, name: string, html: string): Promise<{ page: Page; errors: string[] }> {
  const file = temp.file(name);
  writeFileSync(file, html);
  const opened = await openPage(browser);
  await opened.page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return opened;
}

/** The labels and data of the chart drawn on the canvas with this id. */
async function chartOf(page: Page, id: string): Promise<{ labels: string[]; data: number[][] } | null> {
  return page.evaluate((canvasId) => {
    const page = globalThis as unknown as {
      Chart: { getChart(c: unknown): { data: { labels: string[]; datasets: { data: number[] }[] } } | undefined };
      document: { getElementById(id: string): unknown };
    };
    const c = page.Chart.getChart(page.document.getElementById(canvasId));
    return c ? { labels: c.data.labels, data: c.data.datasets.map((d) => d.data) } : null;
  }, id);
}

/** Each section heading (h2) and whether content follows it before the next heading. */
async function sectionHeadings(page: Page): Promise<{ heading: string; content: boolean }[]> {
  return page.$$eval("h2", (hs) =>
    hs.map((h) => {
      const next = h.nextElementSibling;
      return { heading: h.textContent ?? "", content: next !== null && next.tagName !== "H2" && next.tagName !== "SCRIPT" };
    }),
  );
}

interface Canvas {
  id: string;
  width: number;
  height: number;
  getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

describe("the fleet HTML report", { timeout: 120_000 }, () => {
  let browser: Browser;
  let summary: FleetSummary;
  beforeAll(async () => {
    const run = await runFleet({
      devices: 16,
      concurrency: 16,
      rampMs: 0,
      seed: 11,
      shard: { index: 0, count: 1 },
      faults: [parseFaultRate("network-absent=0.25")],
      lifeMs: 0,
      embedded: "inline",
      rerunCommand: (i) => `aosp-sim fleet --devices 16 --seed 11 --only ${i}`,
    });
    summary = run.summary;
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => browser?.close());

  it("draws each chart with the run's numbers, offline, without errors", async () => {
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.enrolled).toBeGreaterThan(0);
    const file = temp.file("report.html");
    writeFileSync(file, fleetHtmlReport(summary));
    const { page, errors } = await openPage(browser);
    // Nothing may be fetched: the report is one self-contained file.
    const requested: string[] = [];
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      if (request.url().startsWith("file:")) void request.continue();
      else {
        requested.push(request.url());
        void request.abort();
      }
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });

    const drawn = await page.evaluate(() => {
      // The page's globals, typed here (the project's TypeScript has no DOM library).
      const page = globalThis as unknown as {
        Chart: { getChart(c: Canvas): { data: { labels: string[]; datasets: { data: number[] }[] } } | undefined };
        document: { querySelectorAll(selector: "canvas"): ArrayLike<Canvas> };
      };
      const chart = page.Chart;
      return Array.from(page.document.querySelectorAll("canvas")).map((canvas) => {
        const c = chart.getChart(canvas);
        // A drawn canvas has pixels that are not transparent.
        const pixels = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
        return { id: canvas.id, labels: c?.data.labels ?? null, data: c?.data.datasets.map((d) => d.data) ?? null, painted };
      });
    });
    const expected: ReportData = reportData(summary);
    const byId = new Map(drawn.map((d) => [d.id, d]));
    for (const h of expected.histograms) {
      const chart = byId.get(`histogram-${h.phase}`)!;
      expect(chart.labels).toEqual(h.labels);
      expect(chart.data).toEqual([h.devices]);
      expect(chart.painted).toBeGreaterThan(100);
      expect(h.devices.reduce((a, b) => a + b, 0)).toBe(summary.phases[h.phase as keyof FleetSummary["phases"]]!.count);
    }
    expect(byId.get("over-time")!.data).toEqual([expected.overTime.enrolled, expected.overTime.failed]);
    expect(byId.get("failures")!.labels).toEqual(Object.keys(summary.failedByReason));
    expect(byId.get("failures")!.data).toEqual([Object.values(summary.failedByReason)]);
    expect(byId.get("failures")!.painted).toBeGreaterThan(100);
    // Failures are horizontal bars (before, the histograms' scales, shared, left them vertical and undrawn).
    const failureAxes = await page.evaluate(() => {
      const page = globalThis as unknown as {
        Chart: { getChart(c: unknown): { scales: Record<string, { type: string }> } | undefined };
        document: { getElementById(id: string): unknown };
      };
      const c = page.Chart.getChart(page.document.getElementById("failures"))!;
      return { x: c.scales["x"]!.type, y: c.scales["y"]!.type };
    });
    expect(failureAxes).toEqual({ x: "linear", y: "category" });

    expect(await page.$eval("#enrolled", (el) => el.textContent)).toBe(String(summary.enrolled));
    expect(await page.$eval("#failed", (el) => el.textContent)).toBe(String(summary.failed));
    const table = await page.$eval("#phases", (el) => el.textContent ?? "");
    expect(table).toContain(String(summary.phases.total!.p99));
    // Every statistic on both clocks (before, the device clock's p50 and p99 only).
    const rows = await page.$$eval("#phases tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => c.textContent ?? "")));
    const [w, d] = [summary.phases.total!, summary.phasesDeviceTime.total!];
    expect(rows.find((r) => r[0] === "total")).toEqual(["total", ...[w.p50, w.p95, w.p99, w.max, d.p50, d.p95, d.p99, d.max].map(String)]);
    expect(await page.content()).toContain(summary.failures[0]!.rerun);
    expect(requested).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("lists HTTP requests and errors by route, the failing routes first", async () => {
    const route = "POST /device/v1/enroll";
    const failing: FleetSummary = { ...summary, http: { ...summary.http, byRoute: { ...summary.http.byRoute, [route]: { requests: 19, errors: 3 } } } };
    const { page, errors } = await openReport(browser, "routes.html", fleetHtmlReport(failing));
    const rows = await page.$$eval("#routes tr", (trs) => trs.slice(1).map((tr) => [tr.className, ...[...tr.querySelectorAll("th, td")].map((c) => c.textContent ?? "")]));
    // Before, the report gave the total requests and errors only: which route failed was in the JSON alone.
    expect(rows[0]).toEqual(["bad", route, "19", "3"]);
    expect(Object.fromEntries(rows.map(([, r, q, e]) => [r, { requests: Number(q), errors: Number(e) }]))).toEqual(failing.http.byRoute);
    expect(rows.slice(1).every(([cls]) => cls === "")).toBe(true);
    expect(errors).toEqual([]);
  });

  it("lists the thresholds, met and missed, with their figures", async () => {
    const thresholds = evaluateThresholds(summary, ["failed<1%", "enrolled>=1", "p(99.9).total<10m"].map(parseThreshold));
    const file = temp.file("thresholds.html");
    writeFileSync(file, fleetHtmlReport(summary, thresholds));
    const { page, errors } = await openPage(browser);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const rows = await page.$$eval("#thresholds tr.good, #thresholds tr.bad", (trs) => trs.map((tr) => [tr.className, tr.textContent ?? ""]));
    expect(rows).toEqual([
      ["bad", `✗ missedfailed<1%${thresholds[0]!.figure}`],
      ["good", `✓ metenrolled>=1${thresholds[1]!.figure}`],
      ["good", `✓ metp(99.9).total<10m${thresholds[2]!.figure}`],
    ]);
    expect(thresholds[0]!.figure).toMatch(/^\d+(\.\d+)?% \(\d+ of 16\)$/);
    expect(await page.$eval("h2", (h) => h.textContent)).toBe("Thresholds: 1 of 3 missed");
    expect(errors).toEqual([]);
    // Without thresholds, no such section.
    expect(fleetHtmlReport(summary)).not.toContain('id="thresholds"');
  });

  it("says no device finished a phase when every device failed, instead of an empty table", async () => {
    const { summary: allFailed } = await runFleet({
      devices: 4, concurrency: 4, rampMs: 0, seed: 11, shard: { index: 0, count: 1 },
      faults: [parseFaultRate("wrong-wifi-key=100%")], lifeMs: 0, embedded: "inline", rerunCommand: (i) => `--only ${i}`,
    });
    expect(allFailed.enrolled).toBe(0);
    const file = temp.file("all-failed.html");
    writeFileSync(file, fleetHtmlReport(allFailed));
    const { page, errors } = await openPage(browser);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    // Before, the page showed the table's header row alone and an empty histogram section.
    expect(await page.$("#phases")).toBeNull();
    expect(await page.$eval("#no-phases", (el) => el.textContent)).toMatch(/No device finished a phase/);
    expect(await page.$eval("#rate", (el) => el.textContent)).toBe("0");
    // Why no phase finished: every device failed (before, it spoke of failures as if some might not have).
    expect(await page.$eval("#no-phases", (el) => el.textContent)).toMatch(/all 4 devices failed/);
    // No heading without content under it (before, "Slowest devices" stood alone: none enrolled).
    expect((await sectionHeadings(page)).filter((s) => !s.content)).toEqual([]);
    expect(await page.$eval("#slowest", (el) => el.textContent)).toBe("No device enrolled.");
    // The failed devices' timelines are wider than the page: before, axe's
    // scrollable-region-focusable (serious), a keyboard could not scroll them.
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("says no device ran when its shard holds none, with no empty section", async () => {
    // Shard 0 of 3 of a 2-device fleet holds no device: refused now, but an earlier version's
    // summary of one may still be given to merge-reports --report. Made here from a run stopped
    // before its first device.
    await expect(runFleet(smallFleet({ devices: 2, seed: 22, shard: { index: 0, count: 3 } }))).rejects.toThrow(/shard 0\/3 of a fleet of 2 devices holds none of them/);
    const { summary: stopped } = await runFleet(smallFleet({ devices: 2, seed: 22, signal: AbortSignal.abort() }));
    const { interrupted: _, ...none } = { ...stopped, shards: ["0/3"] };
    expect(none.devices).toBe(0);
    const { page, errors } = await openReport(browser, "no-devices.html", fleetHtmlReport(none));
    expect(await page.$eval("#no-devices", (el) => el.textContent)).toBe("No device ran: shard 0/3 of a fleet of 2 devices holds none.");
    // Before, it said the failures "say where the devices stopped", then "No device failed.".
    const text = await page.$eval("body", (el) => el.textContent ?? "");
    expect(text).not.toMatch(/No device finished a phase|No device failed|where the devices stopped/);
    expect((await sectionHeadings(page)).filter((s) => !s.content)).toEqual([]);
    expect(await page.$$eval("canvas", (cs) => cs.length)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("says a merge that lacks a shard's report is incomplete, its thresholds held by part of the fleet", async () => {
    // Shards 0/3 and 2/3 of a 6-device fleet; 1/3's report is missing.
    const files = [];
    for (const index of [0, 2]) {
      const { summary: shard } = await runFleet(smallFleet({ devices: 6, seed: 4, shard: { index, count: 3 } }));
      files.push(temp.file(`shard-${index}.json`));
      writeFileSync(files.at(-1)!, JSON.stringify(shard));
    }
    const report = temp.file("incomplete.html");
    const merged = await aospSim(["merge-reports", ...files, "--report", report, "--threshold", "failed<50%"]);
    expect(merged.code).toBe(1);
    const { page, errors } = await openPage(browser);
    await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
    const notice = await page.$eval("#incomplete", (el) => [el.className, el.textContent]);
    expect(notice).toEqual(["bad", "Incomplete: these reports hold 4 of the fleet's 6 devices: no report of shard 1/3; the figures cover only them."]);
    // Before, the heading said "all met" as for the whole fleet.
    expect(await page.$eval("h2", (h) => h.textContent)).toBe("Thresholds: all met by these 4 of the fleet's 6 devices only");
    expect(await page.title()).toMatch(/\(incomplete\)$/);
    expect(errors).toEqual([]);
    // The reason is escaped like every other text, and a complete report has no notice.
    expect(fleetHtmlReport(summary, [], "<b>&")).toContain("Incomplete: &lt;b&gt;&amp;.");
    expect(fleetHtmlReport(summary)).not.toContain('id="incomplete"');
  });

  it("buckets latencies at round edges, each label once, and one bar for one value", async () => {
    // One value: before, 19 bars labelled "≤ 254.1 ms" and "≤ 254.2 ms", all empty but the last.
    const one = reportData(withLatencies(summary, [254.137])).histograms;
    expect(one).toEqual([{ phase: "total", labels: ["≤ 254.2 ms"], devices: [1] }]);
    // Values a few tenths of a millisecond apart (verify): before, 20 buckets of 10 µs, labels repeated.
    const close = reportData(withLatencies(summary, [0.05, 0.08, 0.12, 0.15, 0.2, 0.21, 0.3, 2.95])).histograms[0]!;
    expect(close.labels).toEqual(Array.from({ length: 15 }, (_, i) => `≤ ${(2 * (i + 1)) / 10} ms`));
    expect(close.devices).toEqual([6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    // Values under 0.05 ms (a verify phase's tens of µs) count as 0: before, a bar "≤ 0 ms".
    const tiny = reportData(withLatencies(summary, [0.02, 0.03, 0.04, 0.12, 0.3])).histograms[0]!;
    expect(tiny).toEqual({ phase: "total", labels: ["< 0.05 ms", "≤ 0.1 ms", "≤ 0.2 ms", "≤ 0.3 ms"], devices: [3, 1, 0, 1] });
    expect(reportData(withLatencies(summary, [0.01, 0.04, 9.3])).histograms[0]!.labels.slice(0, 2)).toEqual(["< 0.05 ms", "≤ 0.5 ms"]);
    // Spread values: at most 20 buckets, edges a round step apart (1, 2 or 5 times a power of ten).
    const spread = Array.from({ length: 200 }, (_, i) => 13.7 + ((i * 7919) % 997) * 0.93);
    const wide = reportData(withLatencies(summary, spread)).histograms[0]!;
    const edges = wide.labels.map((l) => Number(/^≤ ([\d.]+) ms$/.exec(l)![1]));
    const step = edges[1]! - edges[0]!;
    expect(wide.labels.length).toBeLessThanOrEqual(20);
    expect(new Set(wide.labels).size).toBe(wide.labels.length);
    const mantissa = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 5].some((m) => Math.abs(m - mantissa) < 1e-9)).toBe(true);
    edges.forEach((e, i) => expect(e).toBeCloseTo(edges[0]! + i * step, 6));
    expect(wide.devices.reduce((a, b) => a + b, 0)).toBe(200);
    expect([wide.devices[0], wide.devices.at(-1)].every((n) => n! > 0)).toBe(true);
    // The page draws the single bar as computed.
    const { page, errors } = await openReport(browser, "one-value.html", fleetHtmlReport(withLatencies(summary, [254.137])));
    expect(await chartOf(page, "histogram-total")).toEqual({ labels: ["≤ 254.2 ms"], data: [[1]] });
    expect(errors).toEqual([]);
  });

  it("shows the faults with their rates and devices struck, the --life and the check-ins", async () => {
    const lived = { ...summary, lifeMs: 3_600_000, checkIns: 1234 };
    const { page, errors } = await openReport(browser, "life.html", fleetHtmlReport(lived));
    const struck = summary.faults[0]!.devices;
    expect(await page.$eval("#run-how", (el) => el.textContent)).toBe(
      `Faults: network-absent at 25% (struck ${struck} of 16 devices); each enrolled device lived 1h after enrolling (--life); 1234 check-ins.`,
    );
    expect(await page.$eval("#check-ins", (el) => el.textContent)).toBe("1234");
    expect(errors).toEqual([]);
    const plain = fleetHtmlReport({ ...summary, faults: [], lifeMs: 0 });
    expect(plain).toContain(`<p id="run-how">No faults; no --life; <span id="check-ins">${summary.checkIns}</span> check-ins.</p>`);
    // A fault's spec is escaped.
    expect(fleetHtmlReport({ ...summary, faults: [{ spec: "<x>", rate: 0.5, devices: 1 }] })).toContain("Faults: &lt;x&gt; at 50%");
    // One check-in, and a life that is not whole seconds, said as they are (before: "1 check-ins", "lived 1s").
    expect(fleetHtmlReport({ ...summary, faults: [], lifeMs: 1_500, checkIns: 1 })).toContain(`lived 1s500ms after enrolling (--life); <span id="check-ins">1</span> check-in.`);
    // Check-ins that failed during the lives are said beside those made.
    expect(fleetHtmlReport({ ...summary, faults: [], lifeMs: 3_600_000, checkIns: 40, checkInsFailed: 7 })).toContain(
      `<span id="check-ins">40</span> check-ins, <span id="check-ins-failed">7</span> failed during the lives.`,
    );
  });

  it("shows the run's seconds, which the rate is over, beside the wall seconds", async () => {
    expect(summary.runSeconds).toBeGreaterThan(0);
    const { page, errors } = await openReport(browser, "run-seconds.html", fleetHtmlReport(summary));
    const figures = await page.$$eval(".figures div", (ds) => ds.map((d) => d.textContent ?? ""));
    const rate = figures.findIndex((f) => f.endsWith("enrolled/s"));
    expect(figures.slice(rate, rate + 3)).toEqual([
      `${summary.devicesPerSecond}enrolled/s`,
      `${summary.runSeconds}run seconds (without set-up)`,
      `${summary.wallSeconds}wall seconds`,
    ]);
    expect(errors).toEqual([]);
    // A summary from before runSeconds has none to show.
    const { runSeconds: _, ...older } = summary;
    expect(fleetHtmlReport(older)).not.toContain("run seconds");
  });
});
