/**
 * The steps a replay compares: a power's return is read in the order it happens (restored, then
 * the boot on it), whichever order the recording wrote them in.
 */
import { describe, expect, it } from "vitest";
import { stepsOf } from "../../agent/sim/replay-compare.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";

const at = "2026-01-01T00:00:00.000Z";
const lost = { type: "power", at, event: "powerLost", state: "downloadingAgent" } as TranscriptRecord;
const restored = { type: "power", at, event: "powerRestored", state: "downloadingAgent" } as TranscriptRecord;
const boot = { type: "state", at, elapsedMs: 0, state: "downloadingAgent", event: "power on", detail: "", from: "off", eventType: "xstate.init" } as TranscriptRecord;

describe("stepsOf", () => {
  it("reads a recording that wrote the boot before the power's return (earlier versions) in today's order", () => {
    const today = stepsOf([lost, restored, boot]);
    expect(today.map((s) => s.text)).toEqual(["power powerLost in downloadingAgent", "power powerRestored in downloadingAgent", "state off -> downloadingAgent on xstate.init"]);
    expect(stepsOf([lost, boot, restored])).toEqual(today);
  });
});
