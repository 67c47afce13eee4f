/**
 * The README documents the rule catalog and the machine's diagram; these keep it from drifting
 * from the code it describes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../agent/payload/index.js";
import { deviceMachine } from "../agent/machine/device-machine.js";
import { machineMermaid } from "../agent/machine/diagram.js";
import { parseThreshold } from "../agent/sim/fleet/thresholds.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("the README", () => {
  it("lists every rule with its severity, rule set and summary", () => {
    for (const rule of RULES) {
      const row = README.split("\n").find((line) => line.startsWith(`| \`${rule.id}\` |`));
      expect(row, `README row for ${rule.id}`).toBeDefined();
      expect(row).toContain(`| ${rule.severity} | ${rule.set}`);
      expect(row).toContain(rule.summary.replace(/\|/g, "\\|"));
    }
  });

  it("shows the machine's current top-level diagram", () => {
    const diagram = machineMermaid(deviceMachine, { depth: 1 }).trim();
    expect(README).toContain("```mermaid\n" + diagram + "\n```");
  });

  // Before, "p(99.9).total<5s": wall time with 64 devices in flight, missed on a two-core machine
  // although the fleet itself was the same every run.
  it("gates its fleet-in-a-test-suite example on figures that are the same on every machine", () => {
    const section = README.slice(README.indexOf("### Fleets from a test suite"));
    const example = section.slice(section.indexOf("```ts"), section.indexOf("```\n", section.indexOf("```ts") + 5));
    const thresholds = [...example.matchAll(/parseThreshold\("([^"]+)"\)/g)].map((m) => parseThreshold(m[1]!));
    expect(thresholds.length).toBeGreaterThan(0);
    expect(thresholds.filter((t) => t.latency?.clock === "wall").map((t) => t.text)).toEqual([]);
  });

  it("gives the two set-up commands", () => {
    expect(README).toContain("npm ci && npm start");
    expect(README).toContain("npm test");
  });
});
