/**
 * The parts of a fleet that are pure: shards, identities, fault rates, thresholds, histograms.
 */
import { describe, expect, it } from "vitest";
import { faultsFor, parseFaultRate } from "../../agent/sim/fleet/fault-rates.js";
import { PhaseHistograms } from "../../agent/sim/fleet/histograms.js";
import { deviceDraws, fleetIdentity, parseShard, shardRange } from "../../agent/sim/fleet/plan.js";
import { partNamed, type FleetSummary } from "../../agent/sim/fleet/summary.js";
import { decidableEarly, evaluateThresholds, missableEarly, missedAlready, missedFromStart, parseThreshold, parseThresholdOption } from "../../agent/sim/fleet/thresholds.js";
import { interruptedShards, mergeSummaries, missingFromFleet } from "../../agent/sim/fleet/merge.js";
import { InputError } from "../../agent/protocol/errors.js";
import { pbkdf2Sync } from "node:crypto";

/** What `parse` refuses `text` with: its message, then " | " and its fix. */
function refusal(parse: (text: string) => unknown, text: string): string {
  try {
    parse(text);
  } catch (error) {
    return `${(error as InputError).problem} | ${(error as InputError).hint}`;
  }
  throw new Error(`${text} parsed`);
}

describe("fleet shards and identities", () => {
  it("splits a fleet into shards that cover every device exactly once", () => {
    for (const [devices, count] of [[10, 3], [7, 7], [2, 5], [10_000, 16]] as const) {
      const covered: number[] = [];
      for (let index = 0; index < count; index++) {
        const { first, end } = shardRange(devices, { index, count });
        for (let i = first; i < end; i++) covered.push(i);
      }
      expect(covered).toEqual(Array.from({ length: devices }, (_, i) => i));
    }
  });

  it("gives every device of a fleet its own serial number, the same on every run", () => {
    const serials = new Set(Array.from({ length: 5000 }, (_, i) => fleetIdentity(42, i).serialNumber));
    expect(serials.size).toBe(5000);
    expect(fleetIdentity(42, 17)).toEqual(fleetIdentity(42, 17));
    expect(fleetIdentity(42, 17).serialNumber).not.toBe(fleetIdentity(43, 17).serialNumber);
  });

  it("refuses a shard that does not exist, saying which ones do", () => {
    expect(() => parseShard("3/2")).toThrow(/shard 3 of 2 does not exist/);
    expect(() => parseShard("1-2")).toThrow(InputError);
    expect(parseShard("1/2")).toEqual({ index: 1, count: 2 });
  });

  // Before, "fix: INDEX counts from 0: use 0/1 to 0/1" for 1/0 (and the same for 1/1).
  it("says a shard count must be at least 1, and names the one shard of 1", () => {
    const hint = (text: string) => refusal(parseShard, text);
    expect(hint("1/0")).toBe("there are no shards of 0 | COUNT is how many shards the fleet is split into, at least 1: e.g. --shard 0/1 (the whole fleet) or --shard 0/4");
    expect(hint("1/1")).toBe("shard 1 of 1 does not exist | INDEX counts from 0: use 0/1, the whole fleet");
    expect(hint("3/2")).toBe("shard 3 of 2 does not exist | INDEX counts from 0: use 0/2 to 1/2");
  });

  // Before, read as 0/2, while --devices ' 5' was refused.
  it("refuses a shard written with spaces, as the whole-number options do", () => {
    expect(refusal(parseShard, " 0/2")).toBe('" 0/2" is not a shard: it has a space before it | write --shard 0/2, without spaces');
    expect(refusal(parseShard, "0/2 ")).toBe('"0/2 " is not a shard: it has a space after it | write --shard 0/2, without spaces');
  });
});

describe("faults at rates", () => {
  it("reads NAME=RATE and NAME@STATE=RATE with the enroll fault names", () => {
    expect(parseFaultRate("service-5xx=0.05")).toMatchObject({ rate: 0.05, fault: { name: "service-5xx" } });
    expect(parseFaultRate("power-loss@downloadingAgent=1%")).toMatchObject({ rate: 0.01, fault: { name: "power-loss", state: "downloadingAgent" } });
    expect(parseFaultRate("download-http-error=404=0.1")).toMatchObject({ rate: 0.1, fault: { name: "download-http-error", status: 404 } });
  });

  it("refuses unknown faults, missing rates and rates above 1", () => {
    expect(() => parseFaultRate("gremlins=0.1")).toThrow(/unknown fault "gremlins"/);
    expect(() => parseFaultRate("service-5xx")).toThrow(/gives no rate/);
    expect(() => parseFaultRate("service-5xx=3")).toThrow(/not a rate/);
  });

  // Before, "gives no rate" for these, where =1.5 got "is not a rate".
  it("calls a rate given that is no number not a rate, as it does one above 1", () => {
    expect(() => parseFaultRate("network-absent=NaN")).toThrow(/: "NaN" is not a rate$/);
    expect(() => parseFaultRate("wrong-wifi-key=0.5%%")).toThrow(/: "0\.5%%" is not a rate$/);
    expect(() => parseFaultRate("wrong-wifi-key=abc%")).toThrow(/: "abc%" is not a rate$/);
    expect(() => parseFaultRate("network-absent=1.5")).toThrow(/: "1\.5" is not a rate: a rate is at most 1 \(every device\)$/);
    // Before, a bare "%" ran the fault at 0 (switched off), "5 %" at 0.05, 1e-2% at 0.0001, and
    // 1e-2 or 0x1 "gave no rate".
    for (const rate of ["%", "5 %", "1e-2%", "1e-2", "0x1", "-0", "1.", "05%x"]) {
      expect(() => parseFaultRate(`wrong-wifi-key=${rate}`), rate).toThrow(/is not a rate(: it has a space in it)?$|gives no rate$/);
    }
    for (const rate of ["%", "5 %", "1e-2%", "1e-2", "0x1"]) {
      expect(() => parseFaultRate(`wrong-wifi-key=${rate}`), rate).toThrow(`: "${rate}" is not a rate`);
    }
    expect(parseFaultRate("wrong-wifi-key=.5").rate).toBe(0.5);
    expect(parseFaultRate("wrong-wifi-key=0.5%").rate).toBe(0.005);
    expect(parseFaultRate("wrong-wifi-key=1").rate).toBe(1);
    // A value with no rate after it still lacks its rate.
    expect(() => parseFaultRate("service-5xx=always")).toThrow(/gives no rate/);
    expect(() => parseFaultRate("power-loss=2m@downloadingAgent")).toThrow(/gives no rate/);
  });

  // Before, each was told only `"5" is not a rate`, fix "give a fraction from 0 to 1 (0.05) or a percentage (5%)".
  it("says a rate above 1 is above it, with the percentage it may have meant, and the fault's value with a rate after it", () => {
    expect(refusal(parseFaultRate, "network-absent=5")).toBe('"5" is not a rate: a rate is at most 1 (every device) | write network-absent=5% for 5 % of devices');
    expect(refusal(parseFaultRate, "service-5xx=3")).toBe(
      '"3" is not a rate: a rate is at most 1 (every device) | write service-5xx=3% for 3 % of devices, or service-5xx=3=10% for the fault service-5xx=3 on 10 % of devices',
    );
    expect(refusal(parseFaultRate, "network-absent=150%")).toBe('"150%" is not a rate: a share of devices is at most 100% | give a fraction from 0 to 1 (0.05) or a percentage (5%)');
    expect(refusal(parseFaultRate, "network-absent=150")).toBe('"150" is not a rate: a rate is at most 1 (every device) | give a fraction from 0 to 1 (0.05) or a percentage (5%)');
  });

  // Before, " 0.5" and "0.5 " were "gives no rate" or taken as 0.5, "x=" and "x" gave the whole
  // grammar, and "wrong-wifi-key = 0.5" was an unknown fault "wrong-wifi-key ".
  it("says what is wrong with each malformed rate, and the fault with its rate as the fix", () => {
    const refusal = (text: string) => {
      try {
        parseFaultRate(text);
      } catch (error) {
        expect(error, text).toBeInstanceOf(InputError);
        return { problem: (error as InputError).problem, hint: (error as InputError).hint };
      }
      throw new Error(`${text} was accepted`);
    };
    expect(refusal("wrong-wifi-key= 0.5")).toEqual({ problem: '" 0.5" is not a rate: it has a space before it', hint: "write wrong-wifi-key=0.5, without spaces" });
    expect(refusal("wrong-wifi-key=0.5 ")).toEqual({ problem: '"0.5 " is not a rate: it has a space after it', hint: "write wrong-wifi-key=0.5, without spaces" });
    expect(refusal("wrong-wifi-key = 0.5")).toEqual({ problem: '" 0.5" is not a rate: it has a space before it', hint: "write wrong-wifi-key=0.5, without spaces" });
    expect(refusal("service-5xx=always= 5%")).toEqual({ problem: '" 5%" is not a rate: it has a space before it', hint: "write service-5xx=always=5%, without spaces" });
    expect(refusal("wrong-wifi-key=5 %").problem).toBe('"5 %" is not a rate: it has a space in it');
    expect(refusal("wrong-wifi-key= 1.5")).toEqual({ problem: '" 1.5" is not a rate: it has a space before it', hint: "write the rate without spaces: give a fraction from 0 to 1 (0.05) or a percentage (5%)" });
    expect(refusal("wrong-wifi-key =0.5")).toEqual({ problem: 'has a space before "=0.5"', hint: "write wrong-wifi-key=0.5, without spaces" });
    expect(refusal("download-http-error =404=0.1")).toEqual({ problem: 'has a space after the fault\'s name "download-http-error"', hint: "write download-http-error=404=0.1, without spaces" });
    const withRate = (fault: string) => `write ${fault}=RATE, RATE a fraction from 0 to 1 or a percentage, e.g. ${fault}=0.05 or ${fault}=5%`;
    expect(refusal("wrong-wifi-key=")).toEqual({ problem: 'gives no rate: nothing follows its last "="', hint: withRate("wrong-wifi-key") });
    expect(refusal("service-5xx=always=")).toEqual({ problem: 'gives no rate: nothing follows its last "="', hint: withRate("service-5xx=always") });
    expect(refusal("power-loss@downloadingAgent")).toEqual({ problem: 'gives no rate: a fleet\'s fault ends with "=RATE"', hint: withRate("power-loss@downloadingAgent") });
    expect(refusal("service-5xx=always")).toEqual({ problem: "gives no rate", hint: withRate("service-5xx=always") });
    // A word where the fault takes no value is a rate misspelt, not a value missing its rate.
    expect(refusal("network-absent=abc").problem).toBe('"abc" is not a rate');
    expect(refusal("=").problem).toBe("names no fault and gives no rate");
    expect(refusal("gremlins=").problem).toBe('unknown fault "gremlins"');
    // Before, run as service-5xx=2 and service-5xx=3: the fault's value was trimmed, or left empty for its default.
    expect(refusal("service-5xx==0.5")).toEqual({ problem: 'nothing follows its "="', hint: "write service-5xx=0.5 for its default (2), or a value, e.g. service-5xx=3=0.5" });
    expect(refusal("service-5xx= 3=0.5")).toEqual({ problem: 'the value " 3" has a space before it', hint: "write service-5xx=3=0.5, without spaces" });
    expect(refusal(" service-5xx=0.5")).toEqual({ problem: 'has a space before the fault\'s name "service-5xx"', hint: "write service-5xx=0.5, without spaces" });
  });

  // Before, taken: every device it struck then failed on its own as a simulator error.
  it("refuses a wrong-wifi-key KEY that is the fleet profile's own network key, as written or as its 64 hex digits", () => {
    expect(refusal(parseFaultRate, "wrong-wifi-key=fleet-passphrase=10%")).toBe(
      'is the fleet profile\'s own key for the network "Contoso-Fleet", so the network would not have a wrong key | ' +
        "give a different one, or leave out =KEY (wrong-wifi-key alone gives the network a key that is not the payload's)",
    );
    const psk = pbkdf2Sync("fleet-passphrase", "Contoso-Fleet", 4096, 32, "sha1").toString("hex");
    expect(refusal(parseFaultRate, `wrong-wifi-key=${psk}=10%`)).toMatch(/own key for the network "Contoso-Fleet" \(written another way\)/);
    expect(parseFaultRate("wrong-wifi-key=Other-Key-1=10%").fault).toEqual({ name: "wrong-wifi-key", key: "Other-Key-1" });
  });

  it("strikes about the given share of devices, the same devices for the same seed", () => {
    const rates = [parseFaultRate("service-5xx=0.1")];
    const struck = (seed: number) => Array.from({ length: 10_000 }, (_, i) => faultsFor(rates, deviceDraws(seed, i)).length > 0);
    const a = struck(1);
    expect(a.filter(Boolean).length).toBeGreaterThan(900);
    expect(a.filter(Boolean).length).toBeLessThan(1100);
    expect(struck(1)).toEqual(a);
  });

  // Before, each device drew for its faults in the order given: the same three faults in another
  // order struck other devices (device 5 failed wifiTimeout in one order and not in the other), and
  // merge-reports refused such shards as another fleet.
  it("strikes the same devices whatever the order the faults are given in, each keeping the order given", () => {
    const given = ["service-5xx=30%", "wrong-wifi-key=25%", "power-loss@enrolling=20%"].map(parseFaultRate);
    const reordered = [given[1]!, given[0]!, given[2]!];
    for (let i = 0; i < 2_000; i++) {
      const a = faultsFor(given, deviceDraws(42, i));
      const b = faultsFor(reordered, deviceDraws(42, i));
      expect(new Set(b.map((f) => f.name))).toEqual(new Set(a.map((f) => f.name)));
      expect(b.map((f) => f.name)).toEqual(reordered.map((r) => r.fault.name).filter((n) => a.some((f) => f.name === n)));
    }
    const shardWith = (rates: typeof given, part: string) => ({
      file: `${part.replace("/", "of")}.json`,
      summary: summaryWith({ shards: [part], devices: 100, fleetDevices: 200, faults: rates.map((r) => ({ spec: r.spec, rate: r.rate, devices: 10 })) }),
    });
    const merged = mergeSummaries([shardWith(given, "0/2"), shardWith(reordered, "1/2")]);
    expect(merged.faults.map((f) => f.devices)).toEqual([20, 20, 20]);
  });
});

function summaryWith(partial: Partial<FleetSummary>): FleetSummary {
  return {
    format: "aosp-sim-fleet/1", devices: 200, enrolled: 198, failed: 2, failedByReason: { wifiTimeout: 2 }, devicesPerSecond: 150, wallSeconds: 2,
    phases: { enroll: { count: 198, p50: 20, p95: 480, p99: 700, max: 900 } }, phasesDeviceTime: {},
    http: { requests: 1000, errors: 3, requestsPerSecond: 500, byRoute: {} }, peakRssBytes: 300 * 1024 ** 2, seed: 1, fleetDevices: 200,
    shards: ["0/1"], lifeMs: 0, checkIns: 198, faults: [], service: { url: "http://127.0.0.1:1", runs: "inline" },
    timelineBySecond: [], failures: [], slowest: [], histograms: { wall: {}, device: {} }, ...partial,
  };
}

describe("thresholds", () => {
  it("passes and misses as k6 does, naming the figure", () => {
    const s = summaryWith({});
    const results = evaluateThresholds(s, ["failed<2%", "failed<=2", "p95.enroll<500ms", "p99.enroll<0.5s", "rate>100/s", "http.errors<1%", "rss<1GB"].map(parseThreshold));
    expect(results.map((r) => [r.threshold.text, r.passed])).toEqual([
      ["failed<2%", true], ["failed<=2", true], ["p95.enroll<500ms", true], ["p99.enroll<0.5s", false], ["rate>100/s", true], ["http.errors<1%", true], ["rss<1GB", true],
    ]);
    expect(results[3]!.line).toBe("p99.enroll<0.5s: 700 ms");
    expect(results[0]!.line).toBe("failed<2%: 1% (2 of 200)");
  });

  // Before, "✗ failed<=33.33%: 33.33% (1 of 3)": the figure rounded to the bound it missed.
  it("shows a share with the decimals that tell a miss from the bound", () => {
    const s = summaryWith({ devices: 3, enrolled: 2, failed: 1, failedByReason: { wifiTimeout: 1 } });
    const [missed, met, plain] = evaluateThresholds(s, ["failed<=33.33%", "failed<=33.34%", "failed<50%"].map(parseThreshold));
    expect(missed!.line).toBe("failed<=33.33%: 33.333% (1 of 3)");
    expect(missed!.passed).toBe(false);
    expect(met!.line).toBe("failed<=33.34%: 33.33% (1 of 3)");
    expect(plain!.line).toBe("failed<50%: 33.33% (1 of 3)");
  });

  it("misses a phase threshold when no device reached the phase", () => {
    const [r] = evaluateThresholds(summaryWith({ phases: {} }), [parseThreshold("p95.apps<1s")]);
    expect(r!.passed).toBe(false);
  });

  it("refuses unknown metrics and units that do not fit", () => {
    expect(() => parseThreshold("latency<5")).toThrow(/unknown metric/);
    expect(() => parseThreshold("rate>5ms")).toThrow(/does not fit/);
    expect(() => parseThreshold("failed")).toThrow(/"failed" has no comparison/);
  });

  // Before, rate>1/S was taken (time units are lower case everywhere else) and rss<1000 read as 1000 bytes.
  it("takes a rate's /s in lower case and needs memory's unit, in either case", () => {
    const message = (text: string) => refusal(parseThreshold, text);
    expect(message("rate>1/S")).toBe('"/S" is not a unit of rate: units are lower case: /s | write rate>1/s');
    expect(message("rss<1000")).toBe('"1000" has no unit | use KB or MB or GB (either case), e.g. rss<1GB');
    expect(parseThreshold("rss<1gb").value).toBe(1024 ** 3);
    // Before, "GiB" does not fit rss, though GB was already counted in 1024s.
    expect(parseThreshold("rss<1GiB").value).toBe(1024 ** 3);
    expect(parseThreshold("rss<512MiB").value).toBe(512 * 1024 ** 2);
    expect(parseThreshold("rss<64kib").value).toBe(64 * 1024);
    expect(message("rss<1TiB")).toBe('"TiB" does not fit rss | use KB or MB or GB (either case), e.g. rss<1GB');
    expect(parseThreshold("rss<512MB").value).toBe(512 * 1024 ** 2);
    expect(parseThreshold("rate>1/s").value).toBe(1);
  });

  // Before, `"/m" does not fit rate`, fix `use /s, e.g. rate>100/s`: neither what /m is nor what 30/m is per second.
  it("refuses a rate per minute or hour with the figure per second it stands for", () => {
    const message = (text: string) => refusal(parseThresholdOption, text);
    expect(message("rate>30/m")).toBe('"/m" is per minute: rate is devices enrolled per second (/s) | write the rate per second: 30/m is 0.5/s, rate>0.5/s');
    expect(message("rate>=100/min")).toBe('"/min" is per minute: rate is devices enrolled per second (/s) | write the rate per second: 100/min is about 1.667/s, rate>=1.667/s');
    expect(message("rate > 7200/h")).toMatch(/^"\/h" is per hour: .* \| write the rate per second: 7200\/h is 2\/s, rate>2\/s$/);
    expect(message("rate>0.5/ms")).toMatch(/^"\/ms" is per millisecond: .*: 0\.5\/ms is 500\/s, rate>500\/s$/);
    // The figure offered is taken as it reads.
    expect(parseThresholdOption("rate>0.5/s").value).toBe(0.5);
    expect(message("rate>5ms")).toBe('"ms" does not fit rate | use /s, e.g. rate>100/s');
  });

  // k6 writes a statistic alone under its metric (http_req_duration: ['p(95)<500']). Before: `unknown
  // metric "p(95)"` and the whole list of metrics; now the phase is asked for, the value in ms.
  it("asks a statistic written without its phase, as k6 writes one, for its phase", () => {
    const message = (text: string) => refusal(parseThresholdOption, text);
    expect(message("p(95)<500")).toBe('"p(95)" names no phase: a latency is STAT.PHASE | write p(95).PHASE with PHASE one of wifi, download, verify, enroll, signIn, apps, firstCheckIn, total: e.g. p(95).total<500ms');
    expect(message("avg<2s")).toMatch(/\| write avg\.PHASE .*: e\.g\. avg\.total<2s$/);
    expect(message("device.max <= 1h")).toMatch(/^"device\.max" names no phase: .*: e\.g\. device\.max\.total<=1h$/);
    expect(message("latency<5")).toMatch(/^unknown metric "latency"/);
  });

  // Before: `"500ms,p99.enroll<1s" is not a number`, and for `... && ...` a fix that was refused again.
  it("refuses several thresholds in one option, giving each its own", () => {
    const message = (text: string) => refusal(parseThresholdOption, text);
    expect(message("p95.enroll<500ms,p99.enroll<1s")).toBe("holds 2 thresholds: a --threshold is one | give each its own, every one must hold: --threshold 'p95.enroll<500ms' --threshold 'p99.enroll<1s'");
    expect(message("failed<1% && rate>5/s; p95.total<9s")).toMatch(/^holds 3 thresholds: .* --threshold 'failed<1%' --threshold 'rate>5\/s' --threshold 'p95\.total<9s'$/);
    expect(refusal(parseThreshold, "failed<1%,rate>5/s")).toBe('holds 2 thresholds: a threshold is one comparison | parse each on its own: parseThreshold("failed<1%"), parseThreshold("rate>5/s")');
  });

  // Before: `"=" is not a comparison`, fix listing them all; `.5%` was "not a number or a share".
  it("names the comparison meant by =, => and =<, and a value written without a 0 before its point", () => {
    const message = (text: string) => refusal(parseThresholdOption, text);
    expect(message("enrolled=100%")).toBe('"=" is not a comparison | write == (equal to): enrolled==100%');
    expect(message("failed => 2")).toBe('"=>" is not a comparison | write >= (at least): failed>=2');
    expect(message("failed=<2")).toMatch(/\| write <= \(at most\): failed<=2$/);
    expect(message("failed<<1")).toBe('"<<" is not a comparison | use one of < <= > >= == !=');
    expect(message("failed<.5%")).toBe('".5%" has no digit before its point | write failed<0.5%');
  });

  it("names the part of a threshold that is wrong", () => {
    const message = (text: string) => refusal(parseThreshold, text);
    expect(message("rate>abc")).toMatch(/"abc" is not a number/);
    expect(message("p95.enroll<5xs")).toMatch(/"xs" does not fit p95.enroll/);
    expect(message("failed<-1")).toMatch(/"-1" is not a number or a share/);
    expect(message("failed<<1")).toMatch(/"<<" is not a comparison/);
    expect(message("failed=>1")).toMatch(/"=>" is not a comparison/);
    expect(message("failed=1")).toMatch(/"=" is not a comparison/);
    expect(message("failed<")).toMatch(/no value after "<"/);
    expect(message("<1%")).toMatch(/no metric before "<"/);
    expect(message("  ")).toMatch(/is empty/);
  });

  // Before, taken as written otherwise: a space inside the metric or the value, and a metric in another case (FAILED, p95.signin).
  it("takes metrics in their case and values without spaces, as k6 does, spaces around the comparison only", () => {
    const message = (text: string) => refusal(parseThreshold, text);
    expect(message("failed<2 %")).toBe('"2 %" has a space in it | write the number and its unit together, as k6 reads a value: failed<2%');
    expect(message("p95.total<3 s")).toMatch(/^"3 s" has a space in it \| .*: p95\.total<3s$/);
    expect(message("rss<1 GB")).toMatch(/^"1 GB" has a space in it \| .*: rss<1GB$/);
    expect(message("FAILED<1%")).toBe('"FAILED" is written in another case: metric names are case-sensitive, as k6\'s are | write failed<1%');
    expect(message("Http.Errors<1%")).toMatch(/\| write http\.errors<1%$/);
    expect(message("p95.signin<1s")).toMatch(/^"p95\.signin" is written in another case: .* \| write p95\.signIn<1s$/);
    expect(message("device.P(99.9).FirstCheckIn<5m")).toMatch(/\| write device\.p\(99\.9\)\.firstCheckIn<5m$/);
    expect(message("p95 .enroll<1s")).toBe('"p95 .enroll" has a space in it | write p95.enroll<1s');
    // Spaces around the comparison are k6's too, and the phases keep their documented case.
    expect(parseThreshold("enrolled >= 99%")).toMatchObject({ metric: "enrolled", op: ">=", value: 99, share: true });
    expect(parseThreshold("device.p95.firstCheckIn<5m")).toMatchObject({ metric: "device.p95.firstCheckIn", value: 300_000 });
  });

  // Before, taken: a share over 100% (--fault refuses one), upper-case units of time (--life and
  // --ramp refuse them: "3M" could be months), and a bare number read as ms (--ramp 1 is refused).
  it("reads values as --fault, --life and --ramp do: shares up to 100%, units of time in lower case and never left out", () => {
    const message = (text: string) => refusal(parseThreshold, text);
    expect(message("failed<200%")).toBe('"200%" is more than all of them | give a share from 0% to 100%, e.g. failed<1%');
    expect(message("http.errors<100.5%")).toMatch(/^"100\.5%" is more than all of them/);
    expect(parseThreshold("failed<=100%").value).toBe(100);
    // Before: `"S" is not a unit of time`, the lower case said in the fix only.
    expect(message("p95.total<3S")).toBe('"S" is not a unit of time: units are lower case: ms, s, m, h | write p95.total<3s');
    expect(message("p95.enroll<500MS")).toBe('"MS" is not a unit of time: units are lower case: ms, s, m, h | write p95.enroll<500ms');
    expect(message("p95.total<3Ms")).toBe('"Ms" is not a unit of time: units are lower case: ms, s, m, h | write p95.total<3ms');
    expect(message("device.max.total<1H")).toMatch(/"H" is not a unit of time: units are lower case: ms, s, m, h \| write device\.max\.total<1h$/);
    expect(message("p95.total<1")).toBe('"1" has no unit | write the unit of time, ms, s, m or h: e.g. p95.total<1ms');
    expect(parseThreshold("p95.total<3s").value).toBe(3000);
    // Memory keeps its documented KB, MB, GB (in either case: no unit of memory reads as another).
    expect(parseThreshold("rss<1GB").value).toBe(1024 ** 3);
    expect(parseThreshold("rss<1gb").value).toBe(1024 ** 3);
  });

  it("takes a latency written in two units, as --ramp and --life take a duration (1m30s)", () => {
    // Before: `"1m30s" is not a number`, though the README says a latency's units are --ramp's.
    expect(parseThreshold("p95.total<1m30s").value).toBe(90_000);
    expect(parseThreshold("device.max.firstCheckIn<=1h15m").value).toBe(4_500_000);
    expect(parseThreshold("p99.enroll<1s500ms").value).toBe(1_500);
    const message = (text: string) => refusal(parseThreshold, text);
    // The parts keep the rules a one-unit value has: lower case, and no unit other than ms, s, m, h.
    expect(message("p95.total<1M30s")).toBe('"1M30s": units of time are lower case: ms, s, m, h | write p95.total<1m30s');
    expect(message("p95.total<1d2h")).toMatch(/^"1d2h" is not a latency: .* ms, s, m and h/);
    expect(message("rate>1m30s")).toMatch(/is not a number/);
  });

  /** A summary whose enroll phase took 1..1000 ms on the wall clock and 10x that on the devices' clocks. */
  function summaryOf1To1000(): FleetSummary {
    const wall = new PhaseHistograms();
    const device = new PhaseHistograms();
    for (let ms = 1; ms <= 1000; ms++) {
      wall.record("enroll", ms);
      device.record("enroll", ms * 10);
    }
    return summaryWith({
      phases: wall.percentiles(),
      phasesDeviceTime: device.percentiles(),
      histograms: { wall: wall.encode(), device: device.encode() },
    });
  }

  /** HdrHistogram keeps three significant digits: a figure is its bucket's upper bound. */
  const nearly = (actual: number | null, expected: number) => {
    expect(actual).not.toBeNull();
    expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(expected / 1000 + 0.1);
  };

  it("takes any percentile, k6's p(N), med, min and avg, from the phase's histogram", () => {
    const s = summaryOf1To1000();
    const figure = (text: string) => evaluateThresholds(s, [parseThreshold(text)])[0]!;
    nearly(figure("p90.enroll<1s").actual, 900);
    expect(figure("p(90).enroll<1s").actual).toBe(figure("p90.enroll<1s").actual);
    nearly(figure("p99.9.enroll<1s").actual, 999);
    expect(figure("p(99.9).enroll<1s").actual).toBe(figure("p99.9.enroll<1s").actual);
    nearly(figure("p100.enroll<1s").actual, 1000);
    nearly(figure("med.enroll<1s").actual, 500);
    nearly(figure("min.enroll<1s").actual, 1);
    nearly(figure("avg.enroll<1s").actual, 500.5);
    // The summary's own four figures stay the ones a threshold reads.
    expect(figure("p95.enroll<1s").actual).toBe(s.phases.enroll!.p95);
    expect(figure("p(95).enroll<1s").actual).toBe(s.phases.enroll!.p95);
    expect(figure("med.enroll<1s").actual).toBe(s.phases.enroll!.p50);
    expect(figure("max.enroll<1s").actual).toBe(s.phases.enroll!.max);
    const missed = figure("p99.9.enroll<900ms");
    expect(missed.passed).toBe(false);
    expect(missed.line).toBe(`p99.9.enroll<900ms: ${missed.actual} ms`);
    expect(figure("p99.9.enroll<=1000ms").passed).toBe(true);
  });

  // Before, min and p0 were the bottom of the smallest value's bucket: 3498 ms for devices that
  // all took 3500, so min>=3500ms failed while max<=3500ms passed.
  it("puts min and p0 at the top of the smallest value's bucket, as every other figure, never below a value recorded", () => {
    const wall = new PhaseHistograms();
    for (let i = 0; i < 60; i++) wall.record("wifi", 3500);
    wall.record("total", 746);
    wall.record("total", 900);
    const s = summaryWith({ phases: wall.percentiles(), histograms: { wall: wall.encode(), device: {} } });
    const [min, p0, max, minTotal] = evaluateThresholds(s, ["min.wifi>=3500ms", "p0.wifi>=3500ms", "max.wifi<=3500ms", "min.total>=746ms"].map(parseThreshold));
    expect([min!.actual, p0!.actual, max!.actual, minTotal!.actual]).toEqual([3500, 3500, 3500, 746.5]);
    expect([min!.passed, p0!.passed, max!.passed, minTotal!.passed]).toEqual([true, true, true, true]);
    expect(minTotal!.actual).toBe(s.phases.total!.p50);
  });

  // Before, avg was HdrHistogram's mean, which counts each value at its bucket's middle: 3499 ms
  // for devices that all took 3500, so avg.wifi>=3500ms failed while min.wifi>=3500ms passed.
  it("puts avg between min and max, each value counted at its bucket's top as every other figure", () => {
    const wall = new PhaseHistograms();
    for (let i = 0; i < 60; i++) wall.record("wifi", 3500);
    for (let i = 0; i < 3; i++) wall.record("apps", 5614);
    wall.record("total", 700);
    wall.record("total", 900);
    const s = summaryWith({ phases: wall.percentiles(), histograms: { wall: wall.encode(), device: {} } });
    const [avg, min, avgApps, avgTotal] = evaluateThresholds(s, ["avg.wifi>=3500ms", "min.wifi>=3500ms", "avg.apps>=5614ms", "avg.total<=800.5ms"].map(parseThreshold));
    expect([avg!.actual, min!.actual, avgApps!.actual]).toEqual([3500, 3500, 5614]);
    expect([avg!.passed, min!.passed, avgApps!.passed]).toEqual([true, true, true]);
    // 700 and 900 sit in buckets 0.5 ms wide: their tops' mean, never below the values' own mean.
    expect(avgTotal!.actual).toBeGreaterThanOrEqual(800);
    expect(avgTotal!.passed).toBe(true);
  });

  it("reads the devices' simulated clocks with device.", () => {
    const s = summaryOf1To1000();
    const [p99, p999, avg] = evaluateThresholds(s, ["device.p99.enroll<10s", "device.p99.9.enroll<10s", "device.avg.enroll<6s"].map(parseThreshold));
    expect(p99!.actual).toBe(s.phasesDeviceTime.enroll!.p99);
    nearly(p999!.actual, 9990);
    expect(p999!.passed).toBe(true);
    nearly(avg!.actual, 5005);
    expect(avg!.passed).toBe(true);
    expect(evaluateThresholds(s, [parseThreshold("device.p95.apps<1s")])[0]!.line).toBe("device.p95.apps<1s: no device reached this phase");
    // Minutes and hours are said as such too.
    expect(evaluateThresholds(summaryWith({ phasesDeviceTime: { total: { count: 1, p50: 222_822.4, p95: 222_822.4, p99: 222_822.4, max: 222_822.4 } } }), [parseThreshold("device.p95.total<30m")])[0]!.line)
      .toBe("device.p95.total<30m: 222822.4 ms (3m 42s)");
  });

  it("says so when a summary holds a phase's figures but not its histogram", () => {
    const [r] = evaluateThresholds(summaryWith({}), [parseThreshold("p90.enroll<1s")]);
    expect(r!.passed).toBe(false);
    expect(r!.line).toBe("p90.enroll<1s: the summary holds no wall-clock histogram of enroll");
  });

  it("refuses a percentile above 100 and statistics it does not know", () => {
    expect(() => parseThreshold("p101.enroll<1s")).toThrow(/percentile 101 is above 100/);
    expect(() => parseThreshold("p(100.5).enroll<1s")).toThrow(/percentile 100.5 is above 100/);
    expect(() => parseThreshold("mean.enroll<1s")).toThrow(/unknown metric "mean.enroll"/);
    expect(() => parseThreshold("p95.enrol<1s")).toThrow(/unknown metric/);
    expect(() => parseThreshold("device.rate>1/s")).toThrow(/unknown metric/);
    expect(() => parseThreshold("device.p95.enroll<1GB")).toThrow(/"GB" does not fit device.p95.enroll/);
  });

  it("knows when a threshold on failed or enrolled devices is missed before the run ends (--abort-on-fail)", () => {
    const missed = (text: string, done: number, failed: number, total = 1000) => missedAlready(parseThreshold(text), { done, failed, total });
    // failed only grows: 10 of a fleet of 1000 is 1 % whatever the other 900 do.
    expect(missed("failed<1%", 100, 9)).toBe(false);
    expect(missed("failed<1%", 100, 10)).toBe(true);
    expect(missed("failed<=1%", 100, 10)).toBe(false);
    expect(missed("failed<=1%", 100, 11)).toBe(true);
    expect(missed("failed==0", 5, 1)).toBe(true);
    expect(missed("failed<5", 6, 5)).toBe(true);
    expect(missed("failed<5", 6, 4)).toBe(false);
    // ... and at most every device still to run can fail.
    expect(missed("failed>=50%", 600, 99)).toBe(true);
    expect(missed("failed>=50%", 600, 100)).toBe(false);
    // enrolled can at most gain every device still to run: 980 of 1000 at best once 20 failed.
    expect(missed("enrolled>=99%", 100, 10)).toBe(false);
    expect(missed("enrolled>=99%", 100, 11)).toBe(true);
    expect(missed("enrolled>990", 100, 10)).toBe(true);
    expect(missed("enrolled==1000", 1, 1)).toBe(true);
    expect(missed("enrolled<10", 12, 2)).toBe(true);
    // Latencies, rates, memory, HTTP errors and != are known only at the end.
    for (const text of ["p95.enroll<1ms", "rate>1000/s", "rss<1KB", "http.errors<1", "failed!=0"]) {
      expect(decidableEarly(parseThreshold(text))).toBe(false);
      expect(missed(text, 999, 999)).toBe(false);
    }
    // Every device done: the early verdict is the final one.
    expect(missed("failed<1%", 1000, 10)).toBe(evaluateThresholds(summaryWith({ devices: 1000, enrolled: 990, failed: 10 }), [parseThreshold("failed<1%")])[0]!.passed === false);
  });

  // Before, --abort-on-fail refused failed!=0 as never missed early but took failed<=100%, which
  // no run misses, and enrolled>=60 of a 50-device shard, missed before its first device.
  it("knows which thresholds a run of N devices can miss before it ends, and which it misses from the start", () => {
    const early = (text: string, total: number) => missableEarly(parseThreshold(text), total);
    expect(early("failed<1%", 2000)).toBe(true);
    expect(early("failed>5", 10)).toBe(true); // 5 enrolled of 10: at most 5 can fail
    expect(early("enrolled>=99%", 100)).toBe(true);
    expect(early("failed==3", 10)).toBe(true);
    for (const [text, total] of [["failed!=0", 10], ["failed<=100%", 10], ["enrolled>=0", 10], ["failed<5", 3], ["failed<1", 1], ["p95.total<1s", 10]] as const) {
      expect(early(text, total), text).toBe(false);
    }
    const fromStart = (text: string, total: number) => missedFromStart(parseThreshold(text), total);
    expect(fromStart("enrolled>=60", 50)).toBe(true);
    expect(fromStart("failed<0", 50)).toBe(true);
    expect(fromStart("enrolled>=50", 50)).toBe(false);
    expect(fromStart("failed<1%", 50)).toBe(false);
    expect(fromStart("p95.total<0ms", 50)).toBe(false);
    // Before, only a count out of reach was: failed==5.5 ran the whole fleet to miss it at the end.
    expect(fromStart("failed==5.5", 10)).toBe(true);
    expect(fromStart("enrolled==0.5", 10)).toBe(true);
    expect(fromStart("failed==33.33%", 3)).toBe(true);
    expect(fromStart("failed==5", 10)).toBe(false);
    expect(fromStart("failed==50%", 10)).toBe(false);
    expect(fromStart("enrolled==100%", 3)).toBe(false);
    expect(fromStart("failed==0%", 7)).toBe(false);
    // Part-way, with 4 of 10 done and 1 failed: 1 to 7 failures can still come of it.
    const missedNow = (text: string) => missedAlready(parseThreshold(text), { done: 4, failed: 1, total: 10 });
    expect(missedNow("failed==7")).toBe(false);
    expect(missedNow("failed==70%")).toBe(false);
    expect(missedNow("failed==8")).toBe(true);
    expect(missedNow("failed==2.5")).toBe(true);
  });

  it("takes k6's equality comparisons", () => {
    const s = summaryWith({});
    const results = evaluateThresholds(s, ["failed==2", "failed===2", "failed!=0", "failed==0", "enrolled != 198"].map(parseThreshold));
    expect(results.map((r) => r.passed)).toEqual([true, true, true, false, false]);
    expect(parseThreshold("failed===2").op).toBe("==");
  });
});

describe("merging shard summaries", () => {
  const shard = (shards: string[], devices: number, file = `shard-${shards.join("+")}.json`) => ({
    file,
    summary: summaryWith({ shards, devices, enrolled: devices, failed: 0, failedByReason: {}, fleetDevices: 200 }),
  });

  // Before, each shard's rate was rounded to a tenth and the merge added those: 0.3376, 0.3294 and
  // 0.2853 devices/s (0.9523 in all) merged as 0.9, and `rate>=0.95/s` missed.
  it("adds the shards' rates to a thousandth, and judges rate thresholds on that", () => {
    const rates = [0.338, 0.329, 0.285];
    const merged = mergeSummaries(
      ["0/3", "1/3", "2/3"].map((part, i) => ({
        file: `s${i}.json`,
        summary: summaryWith({ shards: [part], devices: 3, enrolled: 2, failed: 1, failedByReason: { wifiTimeout: 1 }, fleetDevices: 9, devicesPerSecond: rates[i]! }),
      })),
    );
    expect(merged.devicesPerSecond).toBe(0.952);
    const [rate] = evaluateThresholds(merged, [parseThreshold("rate>=0.95/s")]);
    expect(rate).toMatchObject({ passed: true, figure: "0.952/s" });
  });

  it("refuses the same shard twice, and shards of different splits that share devices", () => {
    expect(() => mergeSummaries([shard(["0/2"], 100, "a.json"), shard(["0/2"], 100, "b.json")])).toThrow(/holds shard 0\/2, which a\.json holds too/);
    // The same file twice is named as that, not as two files that agree.
    expect(() => mergeSummaries([shard(["0/2"], 100, "a.json"), shard(["0/2"], 100, "a.json")])).toThrow(/^a.json: is given twice \(it holds shard 0\/2\)$/);
    expect(() => mergeSummaries([shard(["0/2"], 100, "a.json"), shard(["1/4"], 50, "b.json")])).toThrow(
      /holds shard 1\/4 \(devices 50 to 99\), which shares devices with shard 0\/2 in a\.json \(devices 0 to 99\)/,
    );
    // Different splits that do not share devices are one fleet.
    const merged = mergeSummaries([shard(["0/2"], 100), shard(["2/4"], 50), shard(["3/4"], 50)]);
    expect(merged.devices).toBe(200);
    expect(missingFromFleet(merged)).toBeNull();
  });

  it("refuses, of several mistakes, the one given first: a shard sharing devices before a repeat, a repeat before a shard that does not exist", () => {
    const refusal = (...parts: { file: string; summary: FleetSummary }[]) => {
      try {
        mergeSummaries(parts);
      } catch (error) {
        return `${(error as InputError).where}: ${(error as InputError).problem}`;
      }
      throw new Error("merged");
    };
    expect(refusal(shard(["0/2"], 100, "a.json"), shard(["1/4"], 50, "b.json"), shard(["0/2"], 100, "a.json"))).toBe(
      "b.json: holds shard 1/4 (devices 50 to 99), which shares devices with shard 0/2 in a.json (devices 0 to 99)",
    );
    expect(refusal(shard(["0/2"], 100, "a.json"), shard(["0/2"], 100, "a.json"), shard(["5/2"], 100, "c.json"))).toBe("a.json: is given twice (it holds shard 0/2)");
    expect(refusal(shard(["5/2"], 100, "c.json"), shard(["0/2"], 100, "a.json"), shard(["0/2"], 100, "a.json"))).toBe("c.json: holds shard 5/2, which does not exist");
    // Two whole splits of one fleet: the first shard of each, the one given later named first.
    const halves = ["0/2", "1/2"].map((s, i) => shard([s], 100, `half-${i}.json`));
    const quarters = ["0/4", "1/4", "2/4", "3/4"].map((s, i) => shard([s], 50, `quarter-${i}.json`));
    expect(refusal(...halves, ...quarters)).toBe("quarter-0.json: holds shard 0/4 (devices 0 to 49), which shares devices with shard 0/2 in half-0.json (devices 0 to 99)");
    expect(refusal(...quarters, ...halves)).toBe("half-0.json: holds shard 0/2 (devices 0 to 99), which shares devices with shard 0/4 in quarter-0.json (devices 0 to 49)");
  });

  // Before, every shard was compared with every other: 50,000 shards in one file took 5 s.
  it("merges a fleet split into as many shards as it has devices, 50,000 in one summary, and still finds a shard given again or sharing devices among them", () => {
    const fleet = 50_000;
    const all = {
      file: "all.json",
      summary: summaryWith({ shards: Array.from({ length: fleet }, (_, i) => `${i}/${fleet}`), devices: fleet, enrolled: fleet, failed: 0, failedByReason: {}, fleetDevices: fleet }),
    };
    const merged = mergeSummaries([all]);
    expect(merged.devices).toBe(fleet);
    expect(merged.shards).toHaveLength(fleet);
    expect(missingFromFleet(merged)).toBeNull();
    const also = (file: string, shards: string[], devices: number) => ({ file, summary: summaryWith({ shards, devices, enrolled: devices, failed: 0, failedByReason: {}, fleetDevices: fleet }) });
    expect(() => mergeSummaries([all, also("again.json", ["31416/50000"], 1)])).toThrow(/^again\.json: holds shard 31416\/50000, which all\.json holds too$/);
    expect(() => mergeSummaries([all, also("quarter.json", ["1/4"], 12_500)])).toThrow(
      /^quarter\.json: holds shard 1\/4 \(devices 12500 to 24999\), which shares devices with shard 12500\/50000 in all\.json \(devices 12500 to 12500\)$/,
    );
  });

  // Before, every one of them: "shards 0/50000, 1/50000, ..." (600 KB in the text report's
  // heading, the JUnit suite's name and the HTML report).
  it("names a merge's shards one by one up to ten, then as ranges of each split", () => {
    const named = (shards: string[]) => partNamed({ shards });
    expect(named(["0/2", "1/2"])).toBe("shards 0/2, 1/2");
    expect(named(Array.from({ length: 10 }, (_, i) => `${i}/10`))).toBe(`shards ${Array.from({ length: 10 }, (_, i) => `${i}/10`).join(", ")}`);
    expect(named(Array.from({ length: 50_000 }, (_, i) => `${i}/50000`))).toBe("shards 0 to 49999 of 50000");
    expect(named([...Array.from({ length: 20 }, (_, i) => `${2 * i}/100`), "1/2"])).toBe("shards 1 of 2; 0, 2, 4, 6, 8, 10, 12, 14, 16, 18 and 10 more of 100");
  });

  it("names the service the devices talked to, not that of a shard that ran none", () => {
    const empty = { ...shard(["0/2"], 0), summary: { ...shard(["0/2"], 0).summary, fleetDevices: 1, service: { url: "http://127.0.0.1:1", runs: "worker" } } };
    const ran = { ...shard(["1/2"], 1), summary: { ...shard(["1/2"], 1).summary, fleetDevices: 1, service: { url: "http://127.0.0.1:2", runs: "worker" } } };
    // Before, the first file's: shard 0 of a one-device fleet, whose service no device used.
    expect(mergeSummaries([empty, ran]).service.url).toBe("http://127.0.0.1:2");
  });

  it("says which shards are missing when the reports do not hold the whole fleet", () => {
    const merged = mergeSummaries([shard(["0/4"], 50), shard(["2/4"], 50)]);
    expect(missingFromFleet(merged)).toBe("these reports hold 100 of the fleet's 200 devices: no report of shards 1, 3 of 4; the figures cover only them");
    expect(missingFromFleet(mergeSummaries([shard(["0/2"], 100)]))).toMatch(/hold 100 of the fleet's 200 devices: no report of shard 1\/2/);
    // A shard stopped part-way says so itself (interrupted); one missing besides is still named
    // (before, the stop hid it).
    expect(missingFromFleet({ ...merged, interrupted: true })).toMatch(/no report of shards 1, 3 of 4/);
  });

  it("says a merge with a shard stopped part-way is not the whole fleet, and which shard it was", () => {
    const whole = shard(["0/2"], 100, "a.json");
    const stopped = { file: "b.json", summary: { ...shard(["1/2"], 4).summary, interrupted: true as const } };
    const merged = mergeSummaries([whole, stopped]);
    // Before, null: a library gate on missingFromFleet passed 104 of the fleet's 200 devices.
    expect(missingFromFleet(merged)).toBe("these reports hold 104 of the fleet's 200 devices: a shard was stopped part-way; the figures cover only them");
    expect(interruptedShards([whole, stopped])).toBe("shard 1/2 (b.json) was stopped part-way: 4 devices ran");
    expect(interruptedShards([whole])).toBeNull();
    // A stopped shard whose devices all ran before the stop leaves nothing out.
    expect(missingFromFleet({ ...mergeSummaries([shard(["0/2"], 100), shard(["1/2"], 100)]), interrupted: true })).toBeNull();
  });

  it("names the call when given no reports", () => {
    // Before: "no reports to merge", with no `where`.
    expect(() => mergeSummaries([])).toThrow(/^mergeSummaries: has no reports to merge$/);
  });

  // Before, every missing shard in full: one shard's report of 100,000 made a 1.4 MB line (and
  // as long a JUnit failure message).
  it("says the missing shards as ranges, and at most the first ten ranges of them", () => {
    const big = (shards: string[], fleetDevices = 100_000) => ({
      file: "big.json",
      summary: summaryWith({ shards, devices: shards.length, enrolled: shards.length, failed: 0, failedByReason: {}, fleetDevices }),
    });
    const one = missingFromFleet(mergeSummaries([big(["99999/100000"])]));
    expect(one).toBe("these reports hold 1 of the fleet's 100000 devices: no report of shards 0 to 99998 of 100000; the figures cover only them");
    expect(missingFromFleet(mergeSummaries([big(["5/100000"])]))).toContain(": no report of shards 0 to 4, 6 to 99999 of 100000;");
    // Every other shard of 10,000 held: 5,000 gaps, ten said.
    const gaps = missingFromFleet(mergeSummaries([big(Array.from({ length: 5_000 }, (_, i) => `${2 * i + 1}/10000`), 10_000)]));
    expect(gaps).toBe("these reports hold 5000 of the fleet's 10000 devices: no report of shards 0, 2, 4, 6, 8, 10, 12, 14, 16, 18 and 4990 more of 10000; the figures cover only them");
    // Devices none holds (several splits): the same, at most ten ranges.
    const mixed = mergeSummaries([
      { file: "half.json", summary: summaryWith({ shards: ["1/2"], devices: 50_000, enrolled: 50_000, failed: 0, failedByReason: {}, fleetDevices: 100_000 }) },
      { file: "many.json", summary: summaryWith({ shards: Array.from({ length: 25 }, (_, i) => `${2 * i}/100`), devices: 25_000, enrolled: 25_000, failed: 0, failedByReason: {}, fleetDevices: 100_000 }) },
    ]);
    expect(missingFromFleet(mixed)).toBe(
      "these reports hold 75000 of the fleet's 100000 devices: no report of devices 1000 to 1999, 3000 to 3999, 5000 to 5999, 7000 to 7999, 9000 to 9999, 11000 to 11999, 13000 to 13999, 15000 to 15999, 17000 to 17999, 19000 to 19999 and 15 more; the figures cover only them",
    );
  });

  // Before, sorted as text (0/4, 1/2, 1/4), and a mixed split's missing devices were not said.
  it("lists the shards in the fleet's order, and says which devices a mixed split lacks", () => {
    const merged = mergeSummaries([shard(["1/2"], 100), shard(["1/4"], 50), shard(["0/4"], 50)]);
    expect(merged.shards).toEqual(["0/4", "1/4", "1/2"]);
    expect(missingFromFleet(mergeSummaries([shard(["0/4"], 50), shard(["1/2"], 100)]))).toBe(
      "these reports hold 150 of the fleet's 200 devices: no report of devices 50 to 99; the figures cover only them",
    );
    expect(missingFromFleet(mergeSummaries([shard(["2/8"], 25), shard(["1/2"], 100)]))).toMatch(/: no report of devices 0 to 49, 75 to 99;/);
    expect(mergeSummaries([shard(["10/16"], 12), shard(["2/16"], 13)]).shards).toEqual(["2/16", "10/16"]);
  });

  it("refuses shards that ran their devices with other faults or another life", () => {
    const faulty = { file: "faulty.json", summary: { ...shard(["1/2"], 100).summary, faults: [{ spec: "service-5xx=2", rate: 0.05, devices: 5 }] } };
    expect(() => mergeSummaries([shard(["0/2"], 100, "plain.json"), faulty])).toThrow(
      /ran its devices otherwise \(--fault service-5xx=2=0\.05, no --life\) than plain\.json \(no faults, no --life\)/,
    );
    const living = { file: "living.json", summary: { ...shard(["1/2"], 100).summary, lifeMs: 86_400_000 } };
    expect(() => mergeSummaries([shard(["0/2"], 100, "plain.json"), living])).toThrow(/ran its devices otherwise \(no faults, --life 1d\)/);
  });

  it("refuses shards that ran against another service, and merges shards each on its own embedded one", () => {
    const on = (file: string, shards: string[], service: { url: string; runs: string }) => ({ file, summary: { ...shard(shards, 100).summary, service } });
    const running = { url: "http://svc:8080", runs: "external" };
    // Before, merged, and the merged service was the first file's.
    expect(() => mergeSummaries([on("a.json", ["0/2"], running), on("b.json", ["1/2"], { url: "http://127.0.0.1:4101", runs: "worker thread" })])).toThrow(
      /ran against its own embedded service \(worker thread\), a\.json against the running service at http:\/\/svc:8080/,
    );
    expect(() => mergeSummaries([on("a.json", ["0/2"], running), on("b.json", ["1/2"], { url: "http://other:8080", runs: "external" })])).toThrow(
      /ran against the running service at http:\/\/other:8080, a\.json against the running service at http:\/\/svc:8080/,
    );
    const embedded = mergeSummaries([
      on("a.json", ["0/2"], { url: "http://127.0.0.1:4101", runs: "worker thread" }),
      on("b.json", ["1/2"], { url: "http://127.0.0.1:4102", runs: "worker thread" }),
    ]);
    expect(embedded.devices).toBe(200);
    expect(mergeSummaries([on("a.json", ["0/2"], running), on("b.json", ["1/2"], running)]).service).toEqual(running);
  });

  // Before, two --only re-runs (each "shards": ["0/1"]) were refused as "holds shard 0/1, which
  // only3.json holds too", untrue; a re-run and a shard merged, counting device 3 twice.
  it("merges --only re-runs of distinct devices by the devices they name, and refuses one device twice or a re-run with a shard", () => {
    const rerun = (file: string, only: number[], shards = ["0/1"]) => ({
      file,
      summary: summaryWith({ shards, only, devices: only.length, enrolled: only.length, failed: 0, failedByReason: {}, fleetDevices: 10 }),
    });
    const merged = mergeSummaries([rerun("only4.json", [4]), rerun("only3.json", [3]), rerun("only7-9.json", [7, 8, 9], ["1/2"])]);
    expect(merged).toMatchObject({ devices: 5, only: [3, 4, 7, 8, 9], shards: ["0/1", "1/2"] });
    // Re-runs never claimed the rest of the fleet: complete when each ran its devices.
    expect(missingFromFleet(merged)).toBeNull();
    expect(partNamed(merged)).toBe("devices 3, 4, 7 to 9");
    expect(partNamed({ shards: ["0/1"], only: [3] })).toBe("device 3");
    expect(() => mergeSummaries([rerun("only3.json", [3]), rerun("only3-4.json", [3, 4])])).toThrow(/^only3-4\.json: holds device 3, which only3\.json holds too$/);
    expect(() => mergeSummaries([rerun("only3.json", [3]), rerun("only3.json", [3])])).toThrow(/^only3\.json: is given twice \(it holds device 3\)$/);
    const shard = { file: "shard-0.json", summary: summaryWith({ shards: ["0/2"], devices: 5, enrolled: 5, failed: 0, failedByReason: {}, fleetDevices: 10 }) };
    expect(() => mergeSummaries([shard, rerun("only3.json", [3])])).toThrow(
      /^only3\.json: ran only device 3 \(--only\), and shard-0\.json ran shard 0\/2: a re-run of some devices does not merge with a shard$/,
    );
    expect(() => mergeSummaries([rerun("only3.json", [3]), shard])).toThrow(/^shard-0\.json: ran shard 0\/2, and only3\.json ran only device 3 \(--only\): /);
  });

  // Before, "Cannot read properties of undefined (reading 'seed')": the shape was only in the .d.ts.
  it("refuses summaries given without their files, or anything else, naming the shape it takes", () => {
    const summary = summaryWith({});
    const merge = (parts: unknown) => () => mergeSummaries(parts as Parameters<typeof mergeSummaries>[0]);
    expect(merge([summary])).toThrow(InputError);
    expect(merge([summary])).toThrow(
      "mergeSummaries parts[0]: is a fleet summary alone, where { file, summary } is wanted: mergeSummaries takes [{ file, summary }, ...]: each summary (runFleet's, or readFleetSummary(file)) with the name of the file it came from",
    );
    expect(merge([{ file: "a.json", summary }, { summary }])).toThrow(/^mergeSummaries parts\[1\]: has no file \(a string naming where its summary came from\), but undefined: mergeSummaries takes \[\{ file, summary \}, \.\.\.\]/);
    expect(merge([{ file: "a.json", summary: { devices: 3 } }])).toThrow(/^mergeSummaries parts\[0\]: its summary is not a fleet summary \(format "aosp-sim-fleet\/1"\), but an object with keys devices: /);
    expect(merge([null])).toThrow(/^mergeSummaries parts\[0\]: is null: /);
    expect(merge("shard-0.json")).toThrow(/^mergeSummaries: is given a string: mergeSummaries takes \[\{ file, summary \}, \.\.\.\]/);
    const error = (() => {
      try {
        merge([summary])();
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error?.hint).toMatch(/^e\.g\. mergeSummaries\(files\.map\(\(file\) => \(\{ file, summary: readFleetSummary\(file\) \}\)\)\)/);
  });

  it("refuses a shard that does not exist, naming the file", () => {
    expect(() => mergeSummaries([shard(["3/2"], 100, "edited.json")])).toThrow(/holds shard 3\/2, which does not exist/);
  });
});

describe("mergeable histograms", () => {
  it("give the same percentiles merged from parts as recorded in one", () => {
    const whole = new PhaseHistograms();
    const parts = [new PhaseHistograms(), new PhaseHistograms(), new PhaseHistograms()];
    for (let i = 1; i <= 3000; i++) {
      const ms = (i * 7919) % 1000;
      whole.record("enroll", ms);
      parts[i % 3]!.record("enroll", ms);
    }
    const merged = new PhaseHistograms();
    for (const p of parts) {
      merged.addEncoded(p.encode());
      merged.addMaxima(p.percentiles());
    }
    expect(merged.percentiles()).toEqual(whole.percentiles());
    expect(merged.percentiles().enroll!.count).toBe(3000);
  });

  // Before, max was the top of its bucket: 2844.7 ms for a slowest device of 2843.7, so
  // max.total<2844ms failed a fleet whose every device took less.
  it("keep each phase's max exactly, merged too, and no figure above it", () => {
    const shards = [new PhaseHistograms(), new PhaseHistograms()];
    shards[0]!.record("total", 2843.7);
    shards[0]!.record("total", 1200.2);
    shards[1]!.record("total", 2100.4);
    expect(shards[0]!.percentiles().total).toMatchObject({ p99: 2843.7, max: 2843.7 });
    const s = (p: PhaseHistograms) => summaryWith({ phases: p.percentiles(), histograms: { wall: p.encode(), device: {} }, shards: ["0/1"] });
    const merged = mergeSummaries(shards.map((p, i) => ({ file: `s${i}.json`, summary: { ...s(p), shards: [`${i}/2`], devices: 100, enrolled: 100, failed: 0, failedByReason: {} } })));
    expect(merged.phases.total).toMatchObject({ count: 3, max: 2843.7 });
    expect(merged.phases.total!.p99).toBeLessThanOrEqual(2843.7);
    const [max, p999] = evaluateThresholds(merged, ["max.total<2844ms", "p99.9.total<2844ms"].map(parseThreshold));
    expect([max!.passed, p999!.passed]).toEqual([true, true]);
  });
});
