import { describe, expect, it } from "vitest";
import { withoutPretenuring } from "../../agent/sim/fleet/pretenuring.js";

describe("V8's allocation-site pretenuring during fleets", () => {
  it("is turned off by the first fleet and back on when the last one ends, once", () => {
    const set: string[] = [];
    const flags = (f: string) => set.push(f);
    const first = withoutPretenuring(flags, []);
    const second = withoutPretenuring(flags, []);
    expect(set).toEqual(["--no-allocation-site-pretenuring"]);
    first();
    first();
    expect(set).toEqual(["--no-allocation-site-pretenuring"]);
    second();
    expect(set).toEqual(["--no-allocation-site-pretenuring", "--allocation-site-pretenuring"]);
    withoutPretenuring(flags, [])();
    expect(set).toEqual(["--no-allocation-site-pretenuring", "--allocation-site-pretenuring", "--no-allocation-site-pretenuring", "--allocation-site-pretenuring"]);
  });

  it("leaves a process started with the flag, either way, as it is", () => {
    const set: string[] = [];
    for (const arg of ["--no-allocation-site-pretenuring", "--allocation-site-pretenuring", "--no_allocation_site_pretenuring", "--noallocation-site-pretenuring"]) {
      withoutPretenuring((f) => set.push(f), ["--enable-source-maps", arg])();
    }
    expect(set).toEqual([]);
  });
});
