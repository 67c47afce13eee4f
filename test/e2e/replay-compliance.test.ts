/**
 * `aosp-sim replay` offline of recordings whose check-ins carried compliance policies: the fresh
 * service makes them again (as it does the device configurations), so an unchanged recording
 * replays identical, the project's own seed scenario included. The built CLI.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { aospSim, deviceTempDir } from "../helpers/device-cli.js";

const temp = deviceTempDir("aosp-replay-compliance-");
const SEED_SCENARIO = fileURLToPath(new URL("../../fixtures/scenarios/seed-end-to-end.json", import.meta.url));
const identical = /^replayed \d+ steps, identical/;

describe("aosp-sim replay of a recording whose check-ins carried a compliance policy", { timeout: 120_000 }, () => {
  it("recreates the compliance policy: identical", async () => {
    const scenario = temp.file("compliance.json");
    writeFileSync(scenario, JSON.stringify({
      name: "compliance only",
      device: { seed: 2 },
      tenantSetup: [{ do: "assignCompliancePolicy", displayName: "Min OS", settings: { osMinimumVersion: "10" } }],
      until: "enrolled",
    }));
    const transcript = temp.file("compliance.jsonl");
    const recorded = await aospSim(["run", scenario, "--transcript", transcript]);
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(readFileSync(transcript, "utf8")).toContain('"compliancePolicies":[{');
    // Before: "diverged at step 25 ... checkIn -> 200 {actions:[],compliancePolicies:[...]...}", exit 1.
    const replayed = await aospSim(["replay", transcript]);
    expect(replayed.stdout).toMatch(identical);
    expect(replayed.code).toBe(0);
  });

  it("replays the seed's own scenario (fixtures/scenarios/seed-end-to-end.json) identical", async () => {
    const transcript = temp.file("seed.jsonl");
    const recorded = await aospSim(["run", SEED_SCENARIO, "--transcript", transcript]);
    expect(recorded.code, recorded.stderr).toBe(0);
    // Before: "diverged at step 28", exit 1.
    const replayed = await aospSim(["replay", transcript]);
    expect(replayed.stdout).toMatch(identical);
    expect(replayed.code).toBe(0);
  });
});
