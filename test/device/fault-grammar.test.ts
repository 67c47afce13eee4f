import { describe, expect, it } from "vitest";
import { FAULT_NAMES, formatFault, parseFault, toFault, type Fault } from "../../agent/device/faults.js";
import { InputError } from "../../agent/protocol/errors.js";

describe("the fault grammar", () => {
  it("reads each fault with its default", () => {
    expect(parseFault("wrong-wifi-key")).toEqual({ name: "wrong-wifi-key" });
    expect(parseFault("wrong-wifi-key=Other-Key-1")).toEqual({ name: "wrong-wifi-key", key: "Other-Key-1" });
    expect(parseFault("network-absent")).toEqual({ name: "network-absent" });
    expect(parseFault("wifi-timeout")).toEqual({ name: "wifi-timeout", times: "always" });
    expect(parseFault("wifi-timeout=1")).toEqual({ name: "wifi-timeout", times: 1 });
    expect(parseFault("download-http-error")).toEqual({ name: "download-http-error", status: 500 });
    expect(parseFault("download-http-error=404")).toEqual({ name: "download-http-error", status: 404 });
    expect(parseFault("corrupt-download")).toEqual({ name: "corrupt-download" });
    expect(parseFault("service-5xx")).toEqual({ name: "service-5xx", times: 2, status: 503 });
    expect(parseFault("service-timeout=always")).toEqual({ name: "service-timeout", times: "always" });
    expect(parseFault("power-loss@downloadingAgent")).toEqual({ name: "power-loss", state: "downloadingAgent", offForMs: 30_000 });
    expect(parseFault("power-loss=2m@checkingIn")).toEqual({ name: "power-loss", state: "enrolled.checkingIn", offForMs: 120_000 });
    expect(parseFault("clock-skew=+2h")).toEqual({ name: "clock-skew", offsetMs: 7_200_000 });
    expect(parseFault("clock-skew=-90m@enrolled.idle")).toEqual({ name: "clock-skew", offsetMs: -5_400_000, state: "enrolled.idle" });
  });

  it("round-trips through its CLI spelling", () => {
    for (const text of ["wrong-wifi-key", "service-5xx=3", "power-loss=2m@enrolled.checkingIn", "clock-skew=-1h30m@enrolled.idle"]) {
      expect(parseFault(formatFault(parseFault(text)))).toEqual(parseFault(text));
    }
  });

  it("refuses an unknown fault and lists the valid names", () => {
    const error = thrownBy(() => parseFault("wifi-off"));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.problem).toBe('unknown fault "wifi-off"');
    for (const name of FAULT_NAMES) expect(error?.hint).toContain(name);
  });

  it("refuses faults written wrong, saying how to write them", () => {
    expect(() => parseFault("power-loss")).toThrow(/needs the state/);
    expect(() => parseFault("power-loss@nowhere")).toThrow(/there is no state "nowhere"/);
    expect(() => parseFault("power-loss@requesting")).toThrow(/ambiguous/);
    expect(() => parseFault("clock-skew")).toThrow(/needs an offset/);
    expect(() => parseFault("download-http-error=200")).toThrow(/not an HTTP error status/);
    expect(() => parseFault("service-5xx=0")).toThrow(/not a count/);
    expect(() => parseFault("corrupt-download=yes")).toThrow(/takes no value/);
    expect(() => parseFault("network-absent@welcome")).toThrow(/does not take @STATE/);
    // Before: 'cannot read the fault "service-5xx =2"', with the whole grammar as the fix.
    expect(() => parseFault("service-5xx =2")).toThrow(expect.objectContaining({ problem: 'has a space after the fault\'s name "service-5xx"', hint: "write service-5xx=2, without spaces" }));
    expect(() => parseFault("power-loss @ downloadingAgent")).toThrow(expect.objectContaining({ hint: "write power-loss@downloadingAgent, without spaces" }));
  });

  // Before: 'cannot read the fault "Service-5xx"', with the whole grammar as the fix.
  it("says a fault's name in capitals or with underscores is written wrong, with the name meant", () => {
    expect(() => parseFault("Service-5xx=3")).toThrow(expect.objectContaining({ problem: 'the fault\'s name "Service-5xx" is written wrong: fault names are lower-case, with "-"', hint: "write service-5xx=3" }));
    expect(() => parseFault("POWER_LOSS@downloadingAgent")).toThrow(expect.objectContaining({ hint: "write power-loss@downloadingAgent" }));
    expect(() => parseFault("Wrong-Wifi-Key")).toThrow(expect.objectContaining({ hint: "write wrong-wifi-key" }));
    // The fleet's spelling: the rate in the fix.
    expect(() => parseFault("Service-5xx", { where: "--fault Service-5xx=10%", example: (spec) => `${spec}=10%`, grammar: "NAME[=VALUE][@STATE]=10%" })).toThrow(
      expect.objectContaining({ where: "--fault Service-5xx=10%", hint: "write service-5xx=10%" }),
    );
    // Not a fault's name in any case: as before.
    expect(() => parseFault("Bogus")).toThrow(/cannot read the fault "Bogus"/);
  });

  it("suggests the state a mistyped one most likely meant, and lists the top-level states, not all 66", () => {
    const error = thrownBy(() => parseFault("power-loss@downloadAgent"));
    expect(error?.problem).toBe('there is no state "downloadAgent": did you mean "downloadingAgent"?');
    expect(error?.hint).toMatch(/^states: welcome, scanningQr, .*, enrolled, factoryResetting; a state inside another is written outer\.inner \(enrolled\.checkingIn\); `aosp-sim diagram` lists them all$/);
    expect(error?.hint).not.toContain("enrolled.updating.installingAgentUpdate.requesting");
    // A full path with a slip in it; a case slip; nothing close enough to suggest.
    expect(() => parseFault("power-loss@enrolled.checkingIm")).toThrow(/did you mean "enrolled\.checkingIn"\?/);
    expect(() => parseFault("power-loss@DownloadingAgent")).toThrow(/did you mean "downloadingAgent"\?/);
    expect(() => parseFault("power-loss@nowhere")).toThrow(/^--fault power-loss@nowhere: there is no state "nowhere"$/);
  });

  it("refuses a clock offset or a power cut longer than any Date can hold", () => {
    expect(() => parseFault("clock-skew=+1000000000d")).toThrow(/further off than any device clock/);
    // Before, "is not a duration": it is one, only too long.
    expect(() => parseFault("power-loss=1000000000d@welcome")).toThrow(/^--fault power-loss=1000000000d@welcome: "1000000000d" is longer than any device stays off$/);
  });

  it("checks faults built in code as strictly as their CLI spelling", () => {
    const bad: unknown[] = [
      { name: "service-5xx", times: -1, status: 503 },
      { name: "service-5xx", times: 2, status: 200 },
      { name: "wifi-timeout", times: 0 },
      { name: "download-http-error", status: 200 },
      { name: "power-loss", state: "downloadingAgent", offForMs: Number.NaN },
      { name: "clock-skew", offsetMs: Number.POSITIVE_INFINITY },
    ];
    for (const fault of bad) expect(() => toFault(fault as Fault), JSON.stringify(fault)).toThrow(InputError);
    expect(toFault({ name: "service-5xx", times: "always", status: 502 })).toEqual({ name: "service-5xx", times: "always", status: 502 });
  });
});

describe("the fault grammar, given an empty value or spaces", () => {
  const refusal = (text: string) => {
    const error = thrownBy(() => parseFault(text));
    if (error === null) throw new Error(`${JSON.stringify(text)} was accepted`);
    return { problem: error.problem, hint: error.hint };
  };

  // Before, each ran with the default value.
  it("refuses a value left empty after its \"=\", with the fault's default and a value as the fix", () => {
    expect(refusal("service-5xx=")).toEqual({ problem: 'nothing follows its "="', hint: "write service-5xx for its default (2), or a value, e.g. service-5xx=3" });
    expect(refusal("wifi-timeout=")).toEqual({ problem: 'nothing follows its "="', hint: "write wifi-timeout for its default (always), or a value, e.g. wifi-timeout=3" });
    expect(refusal("download-http-error=")).toEqual({ problem: 'nothing follows its "="', hint: "write download-http-error for its default (500), or a value, e.g. download-http-error=404" });
    expect(refusal("power-loss=@downloadingAgent")).toEqual({ problem: 'nothing follows its "="', hint: "write power-loss@downloadingAgent for its default (30s), or a value, e.g. power-loss=2m@downloadingAgent" });
    expect(refusal("wrong-wifi-key=")).toEqual({ problem: 'nothing follows its "="', hint: "write wrong-wifi-key for its default (a key other than the payload's), or a value, e.g. wrong-wifi-key=Other-Key-1" });
    expect(refusal("clock-skew=")).toEqual({ problem: 'nothing follows its "="', hint: "give an offset, e.g. clock-skew=+2h" });
    expect(refusal("network-absent=")).toEqual({ problem: 'nothing follows its "="', hint: "network-absent takes no value: write network-absent" });
    expect(refusal("power-loss@")).toEqual({ problem: 'nothing follows its "@"', hint: "name the state, e.g. power-loss@downloadingAgent (see `aosp-sim diagram` for state names)" });
  });

  // Before, each was trimmed and run as if written without them.
  it("refuses spaces around the name or a value that cannot hold them, and says where they are", () => {
    expect(refusal(" service-5xx")).toEqual({ problem: 'has a space before the fault\'s name "service-5xx"', hint: "write service-5xx, without spaces" });
    expect(refusal("service-5xx ")).toEqual({ problem: 'has a space after the fault\'s name "service-5xx"', hint: "write service-5xx, without spaces" });
    expect(refusal("service-5xx= 3")).toEqual({ problem: 'the value " 3" has a space before it', hint: "write service-5xx=3, without spaces" });
    expect(refusal("service-5xx=3 ")).toEqual({ problem: 'the value "3 " has a space after it', hint: "write service-5xx=3, without spaces" });
    expect(refusal("service-5xx= 3 ")).toEqual({ problem: 'the value " 3 " has spaces around it', hint: "write service-5xx=3, without spaces" });
    expect(refusal("power-loss=2 m@downloadingAgent")).toEqual({ problem: 'the value "2 m" has a space in it', hint: "write power-loss=2m@downloadingAgent, without spaces" });
    expect(refusal("power-loss@downloadingAgent ")).toEqual({ problem: 'the state "downloadingAgent " has a space after it', hint: "write power-loss@downloadingAgent, without spaces" });
    expect(refusal("clock-skew= +2h")).toEqual({ problem: 'the value " +2h" has a space before it', hint: "write clock-skew=+2h, without spaces" });
  });

  it("takes a Wi-Fi key as written: spaces, \"=\" and \"@\" are characters a key may hold", () => {
    expect(parseFault("wrong-wifi-key= my key ")).toEqual({ name: "wrong-wifi-key", key: " my key " });
    expect(parseFault("wrong-wifi-key=p@ss=word")).toEqual({ name: "wrong-wifi-key", key: "p@ss=word" });
    expect(parseFault(formatFault(parseFault("wrong-wifi-key=p@ss word ")))).toEqual({ name: "wrong-wifi-key", key: "p@ss word " });
    // The name is no key: spaces around it are refused all the same.
    expect(refusal(" wrong-wifi-key=k")).toEqual({ problem: 'has a space before the fault\'s name "wrong-wifi-key"', hint: "write wrong-wifi-key=k, without spaces" });
    expect(refusal("wrong-wifi-key@welcome").problem).toBe("the fault wrong-wifi-key does not take @STATE");
  });
});

/** The InputError a call throws, or null when it returns. */
function thrownBy(call: () => unknown): InputError | null {
  try {
    call();
  } catch (e) {
    return e as InputError;
  }
  return null;
}
