/**
 * Fleets from the library, as a CI suite under vitest would run one: `runFleet` with only the
 * fleet's size given, thresholds checked, reports made, and the CLI's defaults and re-run
 * commands.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_CONCURRENCY,
  InputError,
  MAX_DEVICES,
  MAX_LIFE_MS,
  MAX_RAMP_MS,
  evaluateThresholds,
  type FleetOptions,
  fleetHtmlReport,
  fleetJunitXml,
  mergeSummaries,
  mergedJunitXml,
  missingFromFleet,
  parseFaultRate,
  parseThreshold,
  runFleet,
} from "../../agent/index.js";
import { startMockService } from "../../mock-service/index.js";
import { freePort } from "../helpers/free-port.js";
import { waitForManagedDevices } from "../helpers/managed-devices.js";

describe("runFleet from the library", { timeout: 60_000 }, () => {
  it("runs with the CLI's defaults, and its failed devices carry the command that re-runs them", async () => {
    const { summary, devices } = await runFleet({ devices: 8, faults: [parseFaultRate("wrong-wifi-key=50%"), parseFaultRate("service-5xx=25%")], embedded: "inline" });
    expect(summary).toMatchObject({ devices: 8, seed: 1, shards: ["0/1"], lifeMs: 0 });
    expect(summary.enrolled + summary.failed).toBe(8);
    expect(summary.failed).toBeGreaterThan(0);
    const [failedOk, rate] = evaluateThresholds(summary, [parseThreshold("failed<1%"), parseThreshold("rate>0/s")]);
    expect(failedOk!.passed).toBe(false);
    expect(rate!.passed).toBe(true);
    expect(fleetJunitXml(summary, devices)).toMatch(/<testsuites time="[\d.]+" tests="8" failures="\d+"/);
    expect(fleetHtmlReport(summary)).toMatch(/^<!doctype html>/);
    const failed = devices.find((d) => d.reason !== null)!;
    // The CLI's spelling of the fleet: its faults as NAME[=VALUE]=RATE, which the CLI reads back the same.
    expect(failed.rerun).toBe(`aosp-sim fleet --devices 8 --seed 1 --only ${failed.index} --transcript fleet-1-device-${failed.index}.jsonl --fault 'wrong-wifi-key=0.5' --fault 'service-5xx=2=0.25'`);
    for (const written of ["wrong-wifi-key=0.5", "service-5xx=2=0.25"]) {
      const { spec, rate } = parseFaultRate(written);
      expect(summary.faults).toContainEqual(expect.objectContaining({ spec, rate }));
    }
    expect(DEFAULT_CONCURRENCY).toBe(64);
  });

  it("merges shards run from the library into the whole fleet's counts", async () => {
    const shards = await Promise.all([0, 1].map((index) => runFleet({ devices: 6, seed: 3, shard: { index, count: 2 }, embedded: "inline" })));
    const merged = mergeSummaries(shards.map((run, i) => ({ file: `shard-${i}.json`, summary: run.summary })));
    expect(merged).toMatchObject({ devices: 6, enrolled: 6, failed: 0, shards: ["0/2", "1/2"] });
    expect(missingFromFleet(merged)).toBeNull();
    // One shard alone: what the merged report and JUnit say is missing (the CLI's merge-reports does the same).
    const half = mergeSummaries([{ file: "shard-0.json", summary: shards[0]!.summary }]);
    expect(missingFromFleet(half)).toMatch(/no report of shard 1\/2/);
    expect(mergedJunitXml(half, [], missingFromFleet(half))).toContain('<failure message="incomplete: these reports hold 3 of the fleet');
    expect(fleetHtmlReport(half, [], missingFromFleet(half))).toContain('id="incomplete"');
  });

  it("refuses options that would run nothing, or another fleet's devices, with a clear error", async () => {
    await expect(runFleet({ devices: 0 })).rejects.toThrow(/runFleet: devices must be a whole number of at least 1 \(got 0\)/);
    await expect(runFleet({ devices: 5, concurrency: 0 })).rejects.toThrow(/concurrency must be a whole number of at least 1/);
    await expect(runFleet({ devices: 5, only: [5] })).rejects.toThrow(/only holds 5, but a fleet of 5 has devices 0 to 4/);
    // Before, shard 3 of 2 ran a device of no shard.
    await expect(runFleet({ devices: 5, shard: { index: 3, count: 2 } })).rejects.toThrow(/runFleet: shard 3 of 2 does not exist/);
    // Before, shard 0 of 6 of a 5-device fleet ran nothing and resolved, failed 0 of 0.
    await expect(runFleet({ devices: 5, shard: { index: 0, count: 6 } })).rejects.toThrow(RangeError);
    await expect(runFleet({ devices: 5, shard: { index: 0, count: 6 } })).rejects.toThrow("runFleet: shard 0/6 of a fleet of 5 devices holds none of them: run fewer shards: at most 5, one device each (0/5 to 4/5)");
    await expect(runFleet({ devices: 5, lifeMs: MAX_LIFE_MS + 1 })).rejects.toThrow(/runFleet: lifeMs must be whole milliseconds from 0 to \d+ \(3650 days\)/);
    await expect(runFleet({ devices: 5, lifeMs: Number.NaN })).rejects.toThrow(/runFleet: lifeMs must be whole milliseconds from 0/);
    // Before, each of these ran: NaN threads ran no device and passed failed==0; seed 2^32 ran
    // seed 0's faults and wrote a summary merge-reports refused; a rate of 2 struck every device.
    await expect(runFleet({ devices: 5, threads: Number.NaN })).rejects.toThrow(/runFleet: threads must be a whole number of at least 1 \(got NaN\)/);
    await expect(runFleet({ devices: 5, threads: 1.5 })).rejects.toThrow(/runFleet: threads must be a whole number/);
    await expect(runFleet({ devices: 5, threads: 0 })).rejects.toThrow(/runFleet: threads must be a whole number of at least 1/);
    await expect(runFleet({ devices: 5, seed: 2 ** 32 })).rejects.toThrow(/runFleet: seed must be at most 4294967295/);
    await expect(runFleet({ devices: 5, lifeMs: 0.5 })).rejects.toThrow(/runFleet: lifeMs must be whole milliseconds/);
    await expect(runFleet({ devices: 5, rampMs: -1 })).rejects.toThrow(/runFleet: rampMs must be a number of milliseconds from 0 to 604800000 \(7 days\) \(got -1\)/);
    // Before, taken: a ramp of centuries, the fleet never finishing. As --ramp, at most a week.
    expect(MAX_RAMP_MS).toBe(7 * 24 * 3_600_000);
    await expect(runFleet({ devices: 5, rampMs: MAX_RAMP_MS + 1 })).rejects.toThrow(RangeError);
    await expect(runFleet({ devices: 5, rampMs: 1e12 })).rejects.toThrow(/runFleet: rampMs must be a number of milliseconds from 0 to 604800000 \(7 days\) \(got 1000000000000\)/);
    await expect(runFleet({ devices: 5, embedded: "bogus" as "inline" })).rejects.toThrow(/runFleet: embedded must be "worker" or "inline"/);
    await expect(runFleet({ devices: 5, faults: "service-5xx=5%" as unknown as string[] })).rejects.toThrow(/runFleet: faults must be a list/);
    await expect(runFleet({ devices: 5, faults: [{ ...parseFaultRate("network-absent=5%"), rate: 2 }] })).rejects.toThrow(/"2" is not a rate/);
    await expect(runFleet({ devices: 5, faults: [{ ...parseFaultRate("network-absent=5%"), rate: Number.NaN }] })).rejects.toThrow(/is not a rate|gives no rate/);
    await expect(runFleet({ devices: 5, faults: ["wrong-wifi-key=fleet-passphrase=10%"] })).rejects.toThrow(/runFleet faults\[0\] \("wrong-wifi-key=fleet-passphrase=10%"\): is the fleet profile's own key/);
    await expect(runFleet({ devices: 5, faults: [null as unknown as string] })).rejects.toThrow(/runFleet: faults\[0\] is null, neither a string such as "service-5xx=5%" nor what parseFaultRate returns/);
    // Before, 1e9 was taken, although --concurrency stops at 100,000.
    await expect(runFleet({ devices: 5, concurrency: 1e9 })).rejects.toThrow(/runFleet: concurrency must be at most 100000 \(got 1000000000\)/);
    // Before, "(got 5)": that it was a string was hidden.
    await expect(runFleet({ devices: "5" as unknown as number })).rejects.toThrow(new RangeError('runFleet: devices must be a whole number of at least 1 (got the string "5")'));
    await expect(runFleet({ devices: 5, lifeMs: "1000" as unknown as number })).rejects.toThrow(/lifeMs must be whole milliseconds from 0 to \d+ \(3650 days\) \(got the string "1000"\)$/);
    await expect(runFleet({ devices: 5, rampMs: [1] as unknown as number })).rejects.toThrow(/rampMs must be .* \(got a list \[1\]\)$/);
    await expect(runFleet({ devices: 5, concurrency: true as unknown as number })).rejects.toThrow(/concurrency must be a whole number of at least 1 \(got a boolean, true\)$/);
    // Before, each ran: 16 threads on 2 cores (the CLI stops at four per core), a device of
    // another shard with this shard's profile, the embedded service's place beside a running one,
    // and an empty only as the whole fleet.
    await expect(runFleet({ devices: 5, threads: 10_000 })).rejects.toThrow(/^runFleet: threads must be at most \d+ \(four per core this process may use\) \(got 10000\)$/);
    await expect(runFleet({ devices: 10, only: [1], shard: { index: 1, count: 2 } })).rejects.toThrow(
      new RangeError("runFleet: only holds 1, which is not in shard 1/2 (devices 5 to 9); to re-run any device of the fleet, leave out shard"),
    );
    await expect(runFleet({ devices: 5, embedded: "inline", service: { url: "http://127.0.0.1:1", adminToken: "t" } })).rejects.toThrow(/runFleet: embedded places the embedded service, and service drives a running one instead/);
    await expect(runFleet({ devices: 5, only: [] })).rejects.toThrow(/runFleet: only is empty: name the devices to run/);
    // Before, JavaScript's own TypeErrors (reading 'devices' of undefined, "1 is not iterable",
    // "addEventListener is not a function"), or a URL "undefined".
    await expect(runFleet(undefined as unknown as FleetOptions)).rejects.toThrow(new TypeError("runFleet takes its options as an object, at least { devices: N } (got undefined)"));
    await expect(runFleet({ devices: 5, only: 1 as unknown as number[] })).rejects.toThrow(/runFleet: only must be a list of device indexes, e\.g\. \[3, 7\] \(got 1\)/);
    await expect(runFleet({ devices: 5, signal: {} as AbortSignal })).rejects.toThrow(/runFleet: signal must be an AbortSignal .*\(got an object \{\}\)/);
    await expect(runFleet({ devices: 5, onProgress: 5 as unknown as () => void })).rejects.toThrow(/runFleet: onProgress must be a function \(got 5\)/);
    await expect(runFleet({ devices: 5, service: "http://127.0.0.1:1" as unknown as { url: string; adminToken: string } })).rejects.toThrow(/runFleet: service must be \{ url, adminToken \}.*\(got the string "http:\/\/127\.0\.0\.1:1"\)/);
    await expect(runFleet({ devices: 5, service: { url: "http://127.0.0.1:1" } as { url: string; adminToken: string } })).rejects.toThrow(/runFleet: service\.adminToken must be the admin token `aosp-sim serve` printed on its first line \(got undefined\)/);
    // Before, taken (a fleet of days), although --devices stops at 10,000,000: the same bound now.
    expect(MAX_DEVICES).toBe(10_000_000);
    await expect(runFleet({ devices: MAX_DEVICES + 1 })).rejects.toThrow(new RangeError("runFleet: devices must be at most 10000000 (got 10000001)"));
    await expect(runFleet({ devices: 1e8 })).rejects.toThrow(RangeError);
    await expect(runFleet({ devices: 1e8 })).rejects.toThrow(/runFleet: devices must be at most 10000000 \(got 100000000\)/);
  });

  // Before, 'parseThreshold("bogus")' said "--threshold bogus: ...", an option the caller never wrote.
  it("names a bad threshold by the call, not by a --threshold option the caller never wrote", () => {
    expect(() => parseThreshold("bogus")).toThrow(InputError);
    expect(() => parseThreshold("bogus")).toThrow(expect.objectContaining({ message: 'parseThreshold("bogus"): "bogus" has no comparison', where: 'parseThreshold("bogus")' }));
    expect(() => parseThreshold("p101.total<1s")).toThrow(/^parseThreshold\("p101\.total<1s"\): percentile 101 is above 100$/);
    expect(() => parseThreshold(5 as unknown as string)).toThrow(new TypeError('parseThreshold takes a string such as "failed<1%" (got number)'));
    // The same for a fault parsed first (before: where "--fault bogus").
    expect(() => parseFaultRate("bogus")).toThrow(expect.objectContaining({ where: 'parseFaultRate("bogus")' }));
    expect(() => parseFaultRate("bogus=5%")).toThrow(/^parseFaultRate\("bogus=5%"\): unknown fault "bogus"$/);
    expect(() => parseFaultRate(5 as unknown as string)).toThrow(new TypeError('parseFaultRate takes a string such as "service-5xx=5%" (got number)'));
  });

  it("names a bad fault by the caller's own list item, not by a --fault option the caller never wrote", async () => {
    // Before: message "unknown fault \"bogus\"", where "--fault bogus=5%".
    const unknown = await runFleet({ devices: 5, faults: ["network-absent=1%", "bogus=5%"] }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(InputError);
    expect((unknown as InputError).message).toBe('runFleet faults[1] ("bogus=5%"): unknown fault "bogus"');
    expect((unknown as InputError).where).toBe('runFleet faults[1] ("bogus=5%")');
    expect((unknown as InputError).hint).toMatch(/^valid faults: /);
    const rate = await runFleet({ devices: 5, faults: [{ ...parseFaultRate("network-absent=5%"), rate: 2 }] }).catch((error: unknown) => error);
    expect((rate as InputError).message).toMatch(/^runFleet faults\[0\] \(\{"spec":"network-absent".*\): "2" is not a rate: a rate is at most 1 \(every device\)$/);
    const twice = await runFleet({ devices: 5, faults: ["service-5xx=5%", "service-5xx=2=1%"] }).catch((error: unknown) => error);
    expect((twice as InputError).message).toBe('runFleet faults[1] ("service-5xx=2=1%"): gives service-5xx a second time (service-5xx=5% before it)');
    expect(JSON.stringify([unknown, rate, twice].map((e) => (e as InputError).where))).not.toContain("--fault");
  });

  it("stops the fleet when onProgress throws, and rejects with its error once the devices in flight are done", async () => {
    let calls = 0;
    let callsAtReject = -1;
    const running = runFleet({
      devices: 200, concurrency: 8, embedded: "inline",
      onProgress: (p) => {
        calls++;
        if (p.done === 5) throw new Error("progress sink broke");
      },
    });
    await expect(running.finally(() => (callsAtReject = calls))).rejects.toThrow("progress sink broke");
    // Before, runFleet rejected at once and the fleet ran on behind it: 182 more calls in 3 s.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(calls).toBe(callsAtReject);
    expect(calls).toBeLessThan(200);
  });

  it("enrolls every device against a running service with the default lockout threshold (10)", async () => {
    // Before, past ten sign-ins of the fleet's one user in flight, the rest were refused as
    // accountLocked ("too many failed sign-ins") although none had failed: 16 of 50 enrolled.
    // The default password hash too: its checks take long enough for sign-ins to pile up.
    const service = await startMockService({ port: 0 });
    try {
      const { summary } = await runFleet({ devices: 40, concurrency: 40, service: { url: service.url, adminToken: service.adminToken } });
      expect(summary).toMatchObject({ devices: 40, enrolled: 40, failed: 0, failedByReason: {} });
      // A wrong token is named as the caller gave it (before, as "--admin-token").
      await expect(runFleet({ devices: 1, service: { url: service.url, adminToken: "wrong" } })).rejects.toMatchObject({
        message: "runFleet service.adminToken: the service refused it (401 InvalidAuthenticationToken)",
      });
    } finally {
      await service.close();
    }
  });

  it("counts only its own requests when two fleets run at once, and takes a service URL with a trailing slash", async () => {
    const alone = await runFleet({ devices: 20, seed: 1, embedded: "inline" });
    const [a, b] = await Promise.all([runFleet({ devices: 20, seed: 1, embedded: "inline" }), runFleet({ devices: 10, seed: 2, embedded: "inline" })]);
    const routes = (r: typeof alone) => Object.fromEntries(Object.entries(r.summary.http.byRoute).map(([route, c]) => [route, c.requests]));
    // Before, each counted the other's too: 20 devices' enroll route at 30.
    expect(routes(a)).toEqual(routes(alone));
    expect(b.summary.http.byRoute["POST /device/v1/enroll"]!.requests).toBe(10);
    const service = await startMockService({ port: 0, passwordHashCost: 8, lockoutThreshold: 1_000_000 });
    try {
      const { summary } = await runFleet({ devices: 2, service: { url: `${service.url}/`, adminToken: service.adminToken } });
      expect(summary).toMatchObject({ devices: 2, enrolled: 2 });
    } finally {
      await service.close();
    }
  });

  it("ends the lives of the devices in flight when stopped, and says the run was interrupted", async () => {
    const service = await startMockService({ port: 0, passwordHashCost: 8 });
    try {
      const stop = new AbortController();
      const running = runFleet({ devices: 2, concurrency: 2, lifeMs: MAX_LIFE_MS, seed: 5, service: { url: service.url, adminToken: service.adminToken }, signal: stop.signal });
      // Both devices have started: a stop before then would start none.
      await waitForManagedDevices(service.url, service.adminToken, 2);
      stop.abort();
      const { summary } = await running;
      // Before, both devices lived their ten years (some 10,960 check-ins each), and the summary
      // did not say it was interrupted: every device had started.
      expect(summary).toMatchObject({ devices: 2, enrolled: 2, interrupted: true });
      expect(summary.checkIns).toBeLessThan(2 * 10_000);
      expect(fleetHtmlReport(summary)).toContain("Interrupted: no more devices were started, and the devices living their --life stopped early");
    } finally {
      await service.close();
    }
  });

  // Before, on a machine of twelve cores (or with threads: 11), Node warned on stderr of an
  // AbortSignal leak: each device thread listened on the fleet's one stop signal.
  // The ten device threads beside the main one are real worker threads that speak the device
  // threads' protocol but run no device ("finished" at "start"; the main thread's lane runs all
  // eleven): each still listens on the stop signal from the fleet's start to its end, as a real
  // one does. Eleven real ones each load and warm the device code, which took 16 s to over a
  // minute on a shared 2-core machine, past the time allowed.
  it("runs eleven device threads without a warning on stderr", () => {
    const script = [
      'import os from "node:os";',
      'import workerThreads from "node:worker_threads";',
      'import { syncBuiltinESMExports } from "node:module";',
      // Twelve cores, as a CI runner may have: four per core allows the eleven threads.
      "os.availableParallelism = () => 12;",
      "const { Worker } = workerThreads;",
      "const idle = `const { parentPort } = require('node:worker_threads');",
      "parentPort.on('message', (m) => { if (m.type === 'start') parentPort.postMessage({ type: 'finished', http: { requests: 0, errors: 0, byRoute: {} } }); });`;",
      "let idleThreads = 0;",
      "workerThreads.Worker = class extends Worker {",
      "  constructor(url, options) {",
      '    if (String(url).endsWith("/device-thread.js")) { idleThreads++; super(idle, { eval: true }); } else super(url, options);',
      "  }",
      "};",
      "syncBuiltinESMExports();",
      `const { runFleet } = await import(${JSON.stringify(new URL("../../dist/agent/index.js", import.meta.url).href)});`,
      "const { summary } = await runFleet({ devices: 11, concurrency: 11, threads: 11 });",
      "console.log(JSON.stringify({ threads: summary.deviceThreads, idleThreads, enrolled: summary.enrolled }));",
    ].join("\n");
    const dir = mkdtempSync(join(tmpdir(), "aosp-sim-threads-"));
    try {
      writeFileSync(join(dir, "fleet.mjs"), script);
      const run = spawnSync(process.execPath, [join(dir, "fleet.mjs")], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ threads: 11, idleThreads: 10, enrolled: 11 });
      expect(run.stderr).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says a running service it cannot reach is unreachable (before: undici's bare 'fetch failed')", async () => {
    const port = await freePort();
    await expect(runFleet({ devices: 2, service: { url: `http://127.0.0.1:${port}`, adminToken: "t" } })).rejects.toThrow(/cannot reach the service \(ECONNREFUSED\)/);
  });

  it("takes faults as the CLI writes them", async () => {
    const { summary } = await runFleet({ devices: 6, faults: ["wrong-wifi-key=50%"], embedded: "inline" });
    // Before, a string was not a fault: every device enrolled, and the summary listed no fault.
    expect(summary.faults).toEqual([{ spec: "wrong-wifi-key", rate: 0.5, devices: summary.failed }]);
    expect(summary.failed).toBeGreaterThan(0);
  });

  it("quotes a fault's value in the re-run command as the shell reads it back", async () => {
    const fault = "wrong-wifi-key=Bob's key=100%";
    const { devices } = await runFleet({ devices: 1, faults: [fault], embedded: "inline" });
    const rerun = devices[0]!.rerun;
    // Before: --fault 'wrong-wifi-key=Bob's key=100%', which no shell reads (an unterminated quote).
    const words = spawnSync("bash", ["-c", `printf '%s\\n' ${rerun}`], { encoding: "utf8" });
    expect(words.status, words.stderr).toBe(0);
    expect(words.stdout.split("\n")).toContain(fault);
  });

  // Before, '...' around the raw ESC: the JUnit writer dropped it (XML cannot hold it), and the
  // command in the report re-ran another fault.
  it("quotes a fault's control characters as bash's $'\\xHH', which the JUnit XML keeps", async () => {
    const fault = "wrong-wifi-key=\x1b[31mred\\'s=100%";
    const { summary, devices } = await runFleet({ devices: 1, faults: [fault], embedded: "inline" });
    const rerun = devices[0]!.rerun;
    expect(rerun).toContain("--fault $'wrong-wifi-key=\\x1b[31mred\\\\\\'s=100%'");
    const words = spawnSync("bash", ["-c", `printf '%s\\n' ${rerun}`], { encoding: "utf8" });
    expect(words.stdout.split("\n")).toContain(fault);
    expect(fleetJunitXml(summary, devices, [])).toContain("\\x1b[31mred");
  });

  it("places each device in the second it enrolled, not the second its --life ended; the rate is over runSeconds", async () => {
    const service = await startMockService({ port: 0, passwordHashCost: 8 });
    try {
      const stop = new AbortController();
      const running = runFleet({ devices: 3, concurrency: 3, lifeMs: MAX_LIFE_MS, seed: 6, service: { url: service.url, adminToken: service.adminToken }, signal: stop.signal });
      await waitForManagedDevices(service.url, service.adminToken, 3);
      // The devices live on for seconds after enrolling.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      stop.abort();
      const { summary } = await running;
      expect(summary).toMatchObject({ devices: 3, enrolled: 3, interrupted: true });
      const seconds = summary.timelineBySecond;
      expect(seconds.reduce((n, s) => n + s.enrolled, 0)).toBe(3);
      // Each enrolled within its total time of the run's start (all three started at once).
      // Before, all three sat in the second the stop came, 3 s or more after they enrolled.
      expect(seconds.length - 1).toBeLessThanOrEqual(Math.floor(summary.phases.total!.max / 1000) + 1);
      expect(summary.runSeconds).toBeGreaterThanOrEqual(3);
      expect(summary.runSeconds).toBeLessThanOrEqual(summary.wallSeconds);
      // To a thousandth, not a tenth: a rate threshold is judged on it.
      expect(summary.devicesPerSecond).toBeCloseTo(3 / summary.runSeconds!, 2);
    } finally {
      await service.close();
    }
  });
});
