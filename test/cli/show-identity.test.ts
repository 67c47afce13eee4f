/**
 * A transcript's start record is a file's word about the device: `show` and `replay` check its
 * identity (as --serial is checked, naming line 1 and the field) and `show` escapes every field
 * it prints, so an edited transcript cannot drive the terminal or break the replayed device; and
 * its faults, as replay parses them, named by their place in it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registerShow } from "../../agent/cli/show.js";
import { runCommand } from "../helpers/in-process-cli.js";
import { AT, endRecord, IDENTITY, jsonLines, refusal, showAndReplay, startRecord, stateRecord, transcriptText as transcript } from "../helpers/transcript-lines.js";
import { useTempDir } from "../payload/support/cli.js";

const temp = useTempDir("aosp-show-identity-");

describe("a transcript's start record identity", () => {
  it.each([
    [null, '"identity" is null, not an object with serialNumber, manufacturer, model and osVersion'],
    [{ ...IDENTITY, model: "M400\u001b]0;owned\u0007\u001b[2J" }, '"identity.model" is "M400\\u001b]0;owned\\u0007\\u001b[2J", not a model (1 to 128 printable ASCII characters)'],
    [{ ...IDENTITY, serialNumber: "has spaces" }, '"identity.serialNumber" is "has spaces", not a serial number (1 to 64 letters, digits or punctuation without spaces)'],
    [{ ...IDENTITY, manufacturer: 42 }, '"identity.manufacturer" is 42, not a manufacturer (1 to 128 printable ASCII characters)'],
    [{ ...IDENTITY, osVersion: undefined }, '"identity.osVersion" is missing'],
    // Before: "not a Android version", and a missing identity "is undefined".
    [{ ...IDENTITY, osVersion: 11 }, '"identity.osVersion" is 11, not an Android version (1 to 32 printable ASCII characters)'],
    [undefined, '"identity" is missing: an object with serialNumber, manufacturer, model and osVersion'],
  ])("%j is refused naming line 1 and the field", (identity, problem) => {
    const error = refusal(transcript({ identity }));
    expect(error.problem).toBe(`line 1 (the start record): ${problem}`);
    expect(error.where).toBe("t.jsonl");
    expect(error.hint).toMatch(/record the run again/);
  });

  it("makes show and replay exit 2 (show said internal error, replay said identical)", async () => {
    const file = temp.file("null-identity.jsonl");
    writeFileSync(file, transcript({ identity: null }));
    for (const [name, result] of Object.entries(await showAndReplay(file))) {
      expect(result.code, name).toBe(2);
      expect(result.stderr, name).toBe(
        `aosp-sim: ${file}: line 1 (the start record): "identity" is null, not an object with serialNumber, manufacturer, model and osVersion\n` +
          "  fix: record the run again, or put back the start record as it was written\n",
      );
      expect(result.stdout, name).toBe("");
    }
  });
});

describe("a transcript's start record faults", () => {
  it.each([
    ["bogus-fault", 'unknown fault "bogus-fault"', "valid faults: wrong-wifi-key, network-absent"],
    ["service-5xx= 3", 'the value " 3" has a space before it', "write service-5xx=3, without spaces"],
    ["power-loss@nosuchstate", 'there is no state "nosuchstate"', "states: welcome, scanningQr"],
  ])("%j is refused by show as replay refuses it, naming line 1 and the fault (exit 2)", async (fault, problem, fix) => {
    // Before, show printed "Faults: ..." and exited 0.
    const file = temp.file("fault.jsonl");
    writeFileSync(file, transcript({ faults: ["service-5xx", fault] }));
    const { show, replay } = await showAndReplay(file);
    expect(show.code).toBe(2);
    expect(show.stderr).toContain(`aosp-sim: ${file}: line 1 (the start record), faults[1]: ${problem}\n  fix: ${fix}`);
    expect(show.stdout).toBe("");
    expect(replay).toEqual(show);
  });
});

describe("show", () => {
  it.each([
    [{ until: "welcome" }, `Stopped in welcome by --until welcome at ${AT} (device clock): the run stopped where it was asked to`],
    [{ timedOut: true }, `Timed out in welcome at ${AT} (device clock): the run's time ran out before it finished`],
    [{ timedOut: true, failure: { code: "wifiTimeout", message: "No answer" } }, `Timed out in welcome at ${AT} (device clock): the run's time ran out before it finished: wifiTimeout: No answer`],
    [{ interrupted: "SIGINT" }, `Interrupted in welcome by SIGINT at ${AT} (device clock): the run was stopped before it finished`],
  ])("says why a recording whose end record has %j ended where it did, on the page too", async (stop, line) => {
    // Before: "Ended in welcome" for --until and --timeout alike.
    const file = temp.file("stopped.jsonl");
    writeFileSync(file, jsonLines([startRecord(), stateRecord(), endRecord(stop)]));
    const result = await runCommand(registerShow, ["show", file]);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(line);
    const html = temp.file("stopped.html");
    expect((await runCommand(registerShow, ["show", file, "--html", html])).code).toBe(0);
    expect(readFileSync(html, "utf8")).toContain(line.replaceAll("'", "&#39;"));
  });

  it("prints a note line in the state its record says the device was in, and its label", async () => {
    // Before: "-" and "note" whatever the record said; a recording made before notes kept them still reads so.
    const file = temp.file("notes.jsonl");
    const note = { type: "note", at: AT, text: "The device's clock jumps back 1h 30m" };
    writeFileSync(file, transcript({}, {}, [{ ...note, state: "welcome", event: "clock" }, note]));
    const result = await runCommand(registerShow, ["show", file]);
    expect(result.stdout).toMatch(/ 0:00\.0 +welcome +clock +The device's clock jumps back 1h 30m\n +0:00\.0 +- +note +The device's clock/);
  });

  // Before, an "HTTP exchanges:" heading over nothing.
  it("says a recording holds no HTTP exchange rather than print a heading over none", async () => {
    const file = temp.file("no-http.jsonl");
    writeFileSync(file, transcript({}));
    const result = await runCommand(registerShow, ["show", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("HTTP exchanges: none recorded\n");
  });

  it("writes the control characters of every transcript field it prints as escapes", async () => {
    const file = temp.file("hostile.jsonl");
    // A Wi-Fi key is everything after "=", as written: the one fault value that may hold them.
    writeFileSync(file, transcript({ faults: ["wrong-wifi-key=\u001b]0;owned\u0007"] }, { state: "welcome\u001b[2J", event: "power on\u001b[31m" }));
    const result = await runCommand(registerShow, ["show", file]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(result.stdout).toContain("Device: Vuzix M400, Android 11, serial R3CT40KX9ZB (seed 7)");
    expect(result.stdout).toContain("Faults: wrong-wifi-key=\\x1b]0;owned\\x07");
    expect(result.stdout).toContain("welcome\\x1b[2J");
    expect(result.stdout).toContain("power on\\x1b[31m");
  });
});
