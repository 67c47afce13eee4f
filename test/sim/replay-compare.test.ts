/**
 * The steps a replay compares: a power's return is read in the order it happens (restored, then
 * the boot on it), whichever order the recording wrote them in.
 */
import { describe, expect, it } from "vitest";
import { compareSteps, stepsOf } from "../../agent/sim/replay-compare.js";
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

describe("compareSteps", () => {
  const checkIn = (body: unknown) =>
    ({ type: "http", at, method: "POST", url: "http://127.0.0.1:1/device/v1/devices/0b6f7c1e-8a4d-4c7e-9d1b-2f3a4b5c6d7e/checkIn", request: { headers: {} }, response: { status: 200, headers: {}, body } }) as unknown as TranscriptRecord;

  it("names the key where two answers to the same request differ in shape", () => {
    const recorded = stepsOf([checkIn({ actions: [], compliancePolicies: [{ id: "a", displayName: "Min OS", settings: { osMinimumVersion: "10" }, version: 1 }], updates: [] })]);
    const replayed = stepsOf([checkIn({ actions: [], updates: [] })]);
    expect(compareSteps(recorded, replayed, false).divergence?.difference).toBe("compliancePolicies: in the recording's answer, not in the replay's");
    const typed = stepsOf([checkIn({ actions: [], policy: { settings: { cameraBlocked: 1 } } })]);
    const other = stepsOf([checkIn({ actions: [], policy: { settings: { cameraBlocked: true } } })]);
    expect(compareSteps(typed, other, false).divergence?.difference).toBe("policy.settings.cameraBlocked: number in the recording's answer, boolean in the replay's");
  });

  it("names no key where the requests or statuses differ", () => {
    const ok = stepsOf([checkIn({ actions: [] })]);
    const failed = stepsOf([{ ...(checkIn({ error: { code: "x" } }) as object), response: { status: 500, headers: {}, body: { error: { code: "x" } } } } as TranscriptRecord]);
    expect(compareSteps(ok, failed, false).divergence?.difference).toBeNull();
  });
});
