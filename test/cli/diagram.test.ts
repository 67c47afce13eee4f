import { describe, expect, it } from "vitest";
import { aospSim } from "../helpers/device-cli.js";

describe("aosp-sim diagram", () => {
  it("prints the machine as Mermaid by default, every top-level state in it", async () => {
    const result = await aospSim(["diagram"]);
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("stateDiagram-v2\n")).toBe(true);
    for (const state of ["welcome", "scanningQr", "connectingWifi", "wifiFailed", "downloadingAgent", "verifyingAgent", "enrolling", "signingIn", "installingApps", "enrolled", "factoryResetting", "cantSetUpDevice", "provisioningFailed", "enrollmentFailed"]) {
      expect(result.stdout).toMatch(new RegExp(`\\b${state}\\b`));
    }
    expect(result.stdout).toContain("welcome --> scanningQr : TAP [lastTap]");
    expect(result.stdout).toContain("wifiFailed : Couldn't connect to Wi-Fi");
  });

  it("prints the machine as JSON with each state's screen, tags and transitions", async () => {
    const result = await aospSim(["diagram", "--format", "json"]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { id: string; initial: string; states: { path: string; tags: string[]; screen: string | null; transitions: { event: string; targets: string[] }[] }[] };
    expect(doc).toMatchObject({ id: "device", initial: "welcome" });
    const idle = doc.states.find((s) => s.path === "enrolled.idle")!;
    expect(idle.transitions).toEqual(expect.arrayContaining([{ event: "after: checkInDue", targets: ["enrolled.checkingIn"], guard: null }]));
    expect(doc.states.find((s) => s.path === "wifiFailed")).toMatchObject({ tags: ["failure"], screen: "Couldn't connect to Wi-Fi" });
  });

  it("draws only the top-level flow with --depth 1", async () => {
    const result = await aospSim(["diagram", "--depth", "1"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("settingDeviceOwner --> enrolling : done setDeviceOwner");
    expect(result.stdout).toContain("enrolled --> factoryResetting");
    expect(result.stdout).not.toMatch(/__/);
  });

  it("refuses an unknown format", async () => {
    const result = await aospSim(["diagram", "--format", "svg"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown format "svg"/);
  });

  it("refuses --depth with JSON (which always lists every state) instead of ignoring it", async () => {
    const result = await aospSim(["diagram", "--format", "json", "--depth", "1"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/--depth: shapes the Mermaid drawing only/);
  });

  it("refuses a depth that is not a whole number of 1 or more, in decimal digits", async () => {
    // Before, Number() read 0x2, 1e0, +1, 2.0 and " 1".
    for (const depth of ["0", "1.5", "deep", "0x2", "1e0", "+1", "2.0", " 1"]) {
      const result = await aospSim(["diagram", "--depth", depth]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`aosp-sim: --depth: "${depth}" is not a depth\n  fix: use a whole number, 1 or more, in decimal digits\n`);
    }
  });
});
