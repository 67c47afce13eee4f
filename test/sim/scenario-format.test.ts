/**
 * A scenario file as loadScenario reads it: each mistake said in the scenario's words, where it
 * is, with what may stand there (in process: the CLI's own cases are in test/cli/run.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../../agent/protocol/errors.js";
import { loadScenario } from "../../agent/sim/scenario-format.js";

const dir = mkdtempSync(join(tmpdir(), "aosp-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function refusal(path: string): InputError {
  try {
    loadScenario(path);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`${path} loaded`);
}

describe("loadScenario", () => {
  // Before: "must be must NOT have fewer than 1 characters".
  it("says an empty or blank name must not be blank", () => {
    // Before, a blank one reached the service, whose refusal named neither the file nor the key.
    for (const displayName of ["", "   "]) {
      const error = refusal(file("empty-name.json", JSON.stringify({ profile: { displayName } })));
      expect(error.message).toMatch(/empty-name\.json at \/profile\/displayName: must be a name that is not blank$/);
    }
  });

  // Before: no suggestion, though failure codes had one.
  it("suggests the allowed value a mistyped one meant", () => {
    for (const security of ["WPA2", "WPA"]) {
      const error = refusal(file("wifi.json", JSON.stringify({ profile: { wifi: { ssid: "Lab", security } } })));
      expect(error.problem).toBe('must be one of "none", "wpa", "wep" (did you mean "wpa"?)');
    }
  });

  // Before: "is not JSON: Unexpected token '\uFEFF' at line 1 column 1".
  it("reads a file saved with a UTF-8 byte-order mark", () => {
    const scenario = loadScenario(file("bom.json", `\uFEFF${JSON.stringify({ name: "with a BOM", until: "welcome" })}`));
    expect(scenario.name).toBe("with a BOM");
  });
});
