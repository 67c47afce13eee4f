/**
 * The benchmarks' options (bench/options.ts): a wrong one is said in one line with the usage,
 * exit 2, before anything runs; before, an unknown option ended in parseArgs' stack trace and
 * `--devices abc` ran until the fleet threw on NaN devices.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BenchUsageError, benchUsage, parseBenchOptions, type BenchOption } from "../../bench/options.js";

const spec = {
  devices: { kind: "count", default: 10000 },
  seed: { kind: "count", default: 1, min: 0 },
  rounds: { kind: "count", default: 3, max: 20 },
  seconds: { kind: "number", default: 2, arg: "S" },
  dist: { kind: "text", arg: "DIR" },
  life: { kind: "duration", default: "0s" },
  fault: { kind: "list", arg: "NAME=RATE" },
  v8: { kind: "list", arg: "=--FLAG" },
  together: { kind: "flag" },
  child: { kind: "text", internal: true },
} satisfies Record<string, BenchOption>;

describe("bench options", () => {
  it("gives the defaults, typed: numbers as numbers, lists as arrays", () => {
    expect(parseBenchOptions(spec, [])).toEqual({ help: false, devices: 10000, seed: 1, rounds: 3, seconds: 2, dist: undefined, life: 0, fault: [], v8: [], together: false, child: undefined });
  });

  it("reads what is given, repeatable options in order, a V8 flag after =", () => {
    const values = parseBenchOptions(spec, ["--life", "24h", "--devices", "2000", "--seed=0", "--seconds", "0.5", "--fault", "a=1%", "--fault", "b=0.1", "--v8=--no-opt", "--together", "--dist", "../old/dist"]);
    expect(values).toMatchObject({ life: 86_400_000, devices: 2000, seed: 0, seconds: 0.5, fault: ["a=1%", "b=0.1"], v8: ["--no-opt"], together: true, dist: "../old/dist" });
  });

  it.each([
    [["--devices", "abc"], "--devices abc: not a whole number of at least 1"],
    [["--devices", "0"], "--devices 0: not a whole number of at least 1"],
    [["--devices", "1e3"], "--devices 1e3: not a whole number of at least 1"],
    [["--devices", "2.5"], "--devices 2.5: not a whole number of at least 1"],
    [["--devices", "99999999999999999999"], "--devices 99999999999999999999: not a whole number of at least 1"],
    [["--seed", "-1"], "Option '--seed' argument is ambiguous"],
    [["--seed=-1"], "--seed -1: not a whole number of at least 0"],
    [["--rounds", "21"], "--rounds 21: not a whole number from 1 to 20"],
    [["--seconds", "0"], "--seconds 0: not a number greater than 0"],
    [["--seconds", "fast"], "--seconds fast: not a number greater than 0"],
    [["--life", "1y"], "--life 1y: not a duration (e.g. 30s, 24h, 0s)"],
    [["--bogus"], "Unknown option '--bogus'"],
    [["--dist"], "Option '--dist <value>' argument missing"],
    // parseArgs says this in three lines; one, here.
    [["--v8", "--no-opt"], "Option '--v8' argument is ambiguous. Did you forget to specify the option argument for '--v8'? To specify an option argument starting with a dash use '--v8=-XYZ'."],
    [["extra"], "Unexpected argument 'extra'"],
  ])("%j: %s", (argv, message) => {
    expect(() => parseBenchOptions(spec, argv)).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(spec, argv)).toThrow(message);
  });

  it("takes -h and --help", () => {
    expect(parseBenchOptions(spec, ["-h"]).help).toBe(true);
    expect(parseBenchOptions(spec, ["--help"]).help).toBe(true);
  });

  it("makes the usage line from the same table: npm run for a script, npx tsx for a path", () => {
    expect(benchUsage("bench:fleet", spec)).toBe(
      "usage: npm run bench:fleet -- [--devices N] [--seed N] [--rounds N] [--seconds S] [--dist DIR] [--life DURATION] [--fault NAME=RATE]... [--v8=--FLAG]... [--together]",
    );
    expect(benchUsage("bench/device-core.ts", { rounds: { kind: "count", default: 6 } })).toBe("usage: npx tsx bench/device-core.ts [--rounds N]");
    expect(benchUsage("bench:password-hash", {})).toBe("usage: npm run bench:password-hash (it takes no options)");
    expect(() => parseBenchOptions({}, ["--rounds", "3"])).toThrow("Unknown option '--rounds'");
  });
});

describe("a benchmark given a wrong option", { timeout: 60_000 }, () => {
  const script = fileURLToPath(new URL("../../bench/fleet.ts", import.meta.url));
  const run = (...argv: string[]) => spawnSync(process.execPath, ["--import", "tsx", script, ...argv], { encoding: "utf8", timeout: 50_000 });

  it("says so in one line with the usage, exit 2, before it runs anything", () => {
    const result = run("--devices", "abc");
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual(["bench:fleet: --devices abc: not a whole number of at least 1", expect.stringMatching(/^usage: npm run bench:fleet -- \[--devices N\]/)]);
  });

  it("says when the build it would run holds no fleet, exit 2", () => {
    const result = run("--dist", "/nonexistent-build");
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("bench:fleet: /nonexistent-build holds no built fleet; run `npm run build` there first");
  });

  it("prints its usage for --help, exit 0", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^usage: npm run bench:fleet -- \[--devices N\] \[--concurrency N\] \[--life DURATION\]/);
  });
});
