/**
 * The library's classes as a JavaScript caller builds them with an argument of the wrong kind:
 * `new SimulatedClock("5")` kept the string as the time (now() returned "5", and an advance
 * appended digits), `new SkewedClock(clock, "5")` likewise, and `new TranscriptFile(path,
 * { secrets: "keep" })` redacted in silence what the caller meant to keep.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SimulatedClock, SkewedClock, TranscriptFile } from "../../agent/index.js";

const dir = mkdtempSync(join(tmpdir(), "aosp-sim-constructors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("constructor arguments of the wrong kind", () => {
  it("are refused by SimulatedClock and SkewedClock, naming the argument", () => {
    expect(() => new SimulatedClock("5" as never)).toThrow(new TypeError('new SimulatedClock: start must be a time in milliseconds since 1970, e.g. Date.UTC(2025, 0, 6, 9), or left out for now (got the string "5")'));
    expect(() => new SimulatedClock(Number.NaN)).toThrow(TypeError);
    expect(new SimulatedClock(0).now()).toBe(0);
    expect(() => new SkewedClock(new SimulatedClock(0), "5" as never)).toThrow(/^new SkewedClock: offsetMs must be a finite number of milliseconds, negative for a clock behind \(got the string "5"\)$/);
    expect(new SkewedClock(new SimulatedClock(1000), -500).now()).toBe(500);
  });

  it("is refused by TranscriptFile before the file is made", () => {
    const path = join(dir, "t.jsonl");
    expect(() => new TranscriptFile(path, { secrets: "keep" } as never)).toThrow(/^new TranscriptFile: secrets must be "redact" .* or "keep" \(got an object \{"secrets":"keep"\}\)$/);
    expect(() => new TranscriptFile(path, "redacted" as never)).toThrow(TypeError);
    expect(existsSync(path)).toBe(false);
  });
});
