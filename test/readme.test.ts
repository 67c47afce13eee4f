/**
 * The README documents the rule catalog and the machine's diagram; these keep it from drifting
 * from the code it describes.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../agent/payload/index.js";
import { deviceMachine } from "../agent/machine/device-machine.js";
import { machineMermaid } from "../agent/machine/diagram.js";

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

  it("gives the two set-up commands", () => {
    expect(README).toContain("npm ci && npm start");
    expect(README).toContain("npm test");
  });
});
