import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { FLEET_OFF_FLAGS, withFleetHeapSettings } from "../../agent/sim/fleet/heap-settings.js";

const OFF = ["--no-allocation-site-pretenuring", "--no-parallel-scavenge"];
const ON = ["--allocation-site-pretenuring", "--parallel-scavenge"];

describe("V8's collector settings during fleets", () => {
  it("turns pretenuring and parallel scavenging off with the first fleet and back on when the last one ends, once", () => {
    expect(FLEET_OFF_FLAGS).toEqual(["allocation-site-pretenuring", "parallel-scavenge"]);
    const set: string[] = [];
    const flags = (f: string) => set.push(f);
    const first = withFleetHeapSettings(flags, []);
    const second = withFleetHeapSettings(flags, []);
    expect(set).toEqual(OFF);
    first();
    first();
    expect(set).toEqual(OFF);
    second();
    expect(set).toEqual([...OFF, ...ON]);
    withFleetHeapSettings(flags, [])();
    expect(set).toEqual([...OFF, ...ON, ...OFF, ...ON]);
  });

  it("leaves a flag the process was started with, either way, as it is, and still sets the other", () => {
    const set: string[] = [];
    for (const arg of ["--no-allocation-site-pretenuring", "--allocation-site-pretenuring", "--no_allocation_site_pretenuring", "--noallocation-site-pretenuring"]) {
      withFleetHeapSettings((f) => set.push(f), ["--enable-source-maps", arg])();
    }
    expect(set).toEqual(Array.from({ length: 4 }, () => ["--no-parallel-scavenge", "--parallel-scavenge"]).flat());
    set.length = 0;
    withFleetHeapSettings((f) => set.push(f), ["--parallel_scavenge", "--noallocation_site_pretenuring"])();
    expect(set).toEqual([]);
  });

  it("names flags this Node's V8 has (V8 ignores an unknown flag without a word)", () => {
    const options = execFileSync(process.execPath, ["--v8-options"], { encoding: "utf8" });
    for (const flag of FLEET_OFF_FLAGS) expect(options).toContain(`--${flag} (`);
  });
});
