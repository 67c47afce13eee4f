/**
 * The fleet's HTML report in a real headless browser: a page with no network access draws every
 * chart from the run's own numbers, and shows the run's figures.
 */
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetHtmlReport, reportData, type ReportData } from "../../agent/sim/fleet/report-html.js";
import { parseFaultRate } from "../../agent/sim/fleet/fault-rates.js";
import { runFleet } from "../../agent/sim/fleet/run-fleet.js";
import type { FleetSummary } from "../../agent/sim/fleet/summary.js";
import { evaluateThresholds, parseThreshold } from "../../agent/sim/fleet/thresholds.js";
import { launchBrowser, openPage, type Browser } from "../helpers/browser.js";
import { deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-fleet-html-");

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

    expect(await page.$eval("#enrolled", (el) => el.textContent)).toBe(String(summary.enrolled));
    expect(await page.$eval("#failed", (el) => el.textContent)).toBe(String(summary.failed));
    const table = await page.$eval("#phases", (el) => el.textContent ?? "");
    expect(table).toContain(String(summary.phases.total!.p99));
    expect(await page.content()).toContain(summary.failures[0]!.rerun);
    expect(requested).toEqual([]);
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
    expect(errors).toEqual([]);
  });
});
