/**
 * agent/report/device-log.ts: step records (data, made here by hand or by a device) rendered into
 * the timeline text people read, the transcript lines and the device's log.
 */
import { describe, expect, it, vi } from "vitest";
import { createDevice } from "../../agent/device/create-device.js";
import { stepData, type DeviceRecord, type StepRecord } from "../../agent/device/step-record.js";
import { initialContext } from "../../agent/machine/context-updates.js";
import { failure } from "../../agent/machine/failures.js";
import type { DeviceContext } from "../../agent/machine/types.js";
import { DeviceLog, TimelineRenderer } from "../../agent/report/device-log.js";
import { formatTimelineEntry } from "../../agent/report/timeline.js";
import type { TranscriptRecord } from "../../agent/report/transcript.js";
import { doubles } from "../helpers/port-doubles.js";

const plain = { red: (s: string) => s, yellow: (s: string) => s, green: (s: string) => s, cyan: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
const T0 = Date.UTC(2026, 0, 5, 9);
const base = initialContext({ identity: { serialNumber: "S1", model: "Pixel 8", manufacturer: "Google", osVersion: "14" } });
const failed: DeviceContext = { ...base, failure: failure("verifyAgent", "checksumError", "the package's SHA-256 is X, the payload expects Y", 0) };

let index = 0;
/** A step record as the runtime makes it; `ms` is the time since T0. */
function step(from: string, to: string, event: { type: string } & Record<string, unknown>, ms: number, extra: Partial<StepRecord> = {}): StepRecord {
  return {
    kind: "step",
    index: index++,
    from,
    to,
    value: to,
    eventType: event.type,
    ...stepData(event),
    changed: true,
    context: base,
    http: [],
    at: T0 + ms,
    elapsedMs: ms,
    wallMs: ms / 1000,
    ...extra,
  };
}

/** A device's life in records: taps, a scan, a Wi-Fi join, a note, a power cut and the boot after it, a failure. */
function life(): DeviceRecord[] {
  const scanned = { type: "xstate.done.actor.scanQr", output: { text: "{}", decoder: "zxing-wasm" }, actorId: "scanQr" };
  return [
    step("off", "welcome", { type: "xstate.init" }, 0, { boot: "fresh" }),
    step("welcome", "welcome", { type: "TAP" }, 0),
    step("welcome", "scanningQr", { type: "TAP" }, 0),
    step("scanningQr", "scanningQr", { type: "SYNC" }, 100, { changed: false }),
    step("scanningQr", "checkingPayload", scanned, 800, { context: { ...base, payloadText: "{}" } }),
    step("checkingPayload", "connectingWifi", { type: "xstate.done.actor.checkPreconditions", actorId: "checkPreconditions" }, 800),
    step("connectingWifi", "connectingWifi", { type: "WIFI_PROGRESS", detail: "Scanning for Lab" }, 1_300),
    step("connectingWifi", "connectingWifi", { type: "WIFI_PROGRESS", detail: "Scanning for Lab" }, 1_500),
    { kind: "note", state: "connectingWifi", event: "note", text: "The admin watches", at: T0 + 2_000, elapsedMs: 2_000, wallMs: 2 },
    { kind: "power", change: "lost", state: "connectingWifi", offForMs: 30_000, at: T0 + 2_000, elapsedMs: 2_000, wallMs: 2 },
    step("connectingWifi", "connectingWifi", { type: "xstate.init" }, 32_000, { boot: "resumed" }),
    { kind: "power", change: "restored", state: "connectingWifi", at: T0 + 32_000, elapsedMs: 32_000, wallMs: 3 },
    step("connectingWifi", "connectingWifi", { type: "POWER_ON" }, 32_000),
    step("connectingWifi", "connectingWifi", { type: "WIFI_PROGRESS", detail: "Scanning for Lab" }, 32_500),
    step("connectingWifi", "provisioningFailed", { type: "xstate.error.actor.verifyAgent", actorId: "verifyAgent", error: new Error("the package's SHA-256 is X, the payload expects Y") }, 40_000, { context: failed }),
  ];
}

describe("a device's records in words", () => {
  it("render the known timeline: steps that show nothing new left out, a Wi-Fi report once per join", () => {
    const log = new DeviceLog(life());
    expect(log.timeline.map((e) => formatTimelineEntry(e, plain))).toEqual([
      "     0:00.0  welcome                                  power on                 Hi there",
      "     0:00.0  scanningQr                               tap                      Scan the QR code (6 taps opened the scanner)",
      "     0:00.8  checkingPayload                          scanQr done              QR code read (2 bytes); getting ready for work setup...",
      "     0:00.8  connectingWifi                           checkPreconditions done  Connecting to Wi-Fi...",
      "     0:01.3  connectingWifi                           Wi-Fi                    Scanning for Lab",
      "     0:02.0  connectingWifi                           note                     The admin watches",
      "     0:02.0  connectingWifi                           power lost               Power lost (back in 30s)",
      "     0:32.0  connectingWifi                           power on                 Powered on; resuming: Connecting to Wi-Fi...",
      "     0:32.5  connectingWifi                           Wi-Fi                    Scanning for Lab",
      "     0:40.0  provisioningFailed                       verifyAgent failed       Couldn't use the admin app due to a checksum error. For help, contact your IT admin. (checksumError: the package's SHA-256 is X, the payload expects Y)",
    ]);
    expect(log.timeline[0]).toEqual({ at: "2026-01-05T09:00:00.000Z", elapsedMs: 0, state: "welcome", event: "power on", detail: "Hi there", kind: "state" });
    expect(log.logText().split("\n")[1]).toBe("2026-01-05T09:00:00.000Z scanningQr [tap] Scan the QR code (6 taps opened the scanner)");
  });

  it("render the transcript lines: the scan, the state lines with the step as data, power and notes", () => {
    const log = new DeviceLog(life());
    const lines: TranscriptRecord[] = [];
    log.writeTranscript((r) => lines.push(r));
    log.catchUp();
    expect(lines.map((l) => (l.type === "state" ? `state ${l.from} -> ${l.state} ${l.eventType}` : l.type === "power" ? `power ${l.event}` : l.type))).toEqual([
      "state off -> welcome xstate.init",
      "state welcome -> scanningQr TAP",
      "scan",
      "state scanningQr -> checkingPayload xstate.done.actor.scanQr",
      "state checkingPayload -> connectingWifi xstate.done.actor.checkPreconditions",
      "state connectingWifi -> connectingWifi WIFI_PROGRESS",
      "note",
      "power powerLost",
      "state connectingWifi -> connectingWifi xstate.init",
      "power powerRestored",
      "state connectingWifi -> connectingWifi WIFI_PROGRESS",
      "state connectingWifi -> provisioningFailed xstate.error.actor.verifyAgent",
    ]);
    expect(lines[2]).toEqual({ type: "scan", at: "2026-01-05T09:00:00.800Z", text: "{}", decoder: "zxing-wasm" });
    expect(lines[3]).toEqual({
      type: "state",
      at: "2026-01-05T09:00:00.800Z",
      elapsedMs: 800,
      state: "checkingPayload",
      event: "scanQr done",
      detail: "QR code read (2 bytes); getting ready for work setup...",
      from: "scanningQr",
      eventType: "xstate.done.actor.scanQr",
      eventData: { actorId: "scanQr" },
      output: { text: "{}", decoder: "zxing-wasm" },
    });
    // In the state the device was in, with its label, as the timeline has it (before, neither: show printed "-").
    // With its elapsed time, on the clock a clock-skew fault does not move (before, show took the device clock's).
    expect(lines[6]).toEqual({ type: "note", at: "2026-01-05T09:00:02.000Z", elapsedMs: 2_000, state: "connectingWifi", event: "note", text: "The admin watches" });
    // With how long the device stays off, so that show words it as the run did (before, show printed just "Power lost").
    expect(lines[7]).toEqual({ type: "power", at: "2026-01-05T09:00:02.000Z", elapsedMs: 2_000, event: "powerLost", state: "connectingWifi", offForMs: 30_000 });
  });

  it("render only when read, each record once, into one growing timeline", () => {
    const records = life();
    const later = records.splice(6);
    const log = new DeviceLog(records);
    const timeline = log.timeline;
    expect(timeline).toHaveLength(4);
    records.push(...later);
    expect(log.timeline).toBe(timeline);
    expect(timeline).toHaveLength(10);
  });

  it("forget their oldest records and entries, keeping a window, and a report's timeline still maps", () => {
    const records = life();
    const log = new DeviceLog(records);
    const whole = [...log.timeline];
    expect(whole).toHaveLength(10);
    const asOfSix = log.timelineUpTo(6).length;
    // The runtime drops the first five records; the log keeps the last four entries.
    records.splice(0, 5);
    log.forget(5, 4);
    expect(log.timeline).toEqual(whole.slice(-4));
    // A report taken after six records: what the window still holds of its timeline.
    expect(log.timelineUpTo(6)).toEqual(whole.slice(6, asOfSix));
    expect(log.timelineUpTo(3)).toEqual([]);
    // New records render after the window, as before.
    records.push(step("failed", "failed", { type: "SYNC" }, 90_000));
    expect(log.timeline.length).toBeGreaterThanOrEqual(4);
    expect(() => log.forget(records.length + 1, 4)).toThrow(/not rendered/);
  });

  it("render a device's records as the device's own timeline and transcript had them", async () => {
    const world = doubles();
    await world.setPicture();
    const live: TranscriptRecord[] = [];
    const device = await createDevice({ ports: world.ports, seed: 3, user: { userPrincipalName: "alex@contoso.example", password: "pw" }, transcript: (r) => live.push(r) });
    await device.enroll();
    device.note("done");
    device.dispose();
    const again = new DeviceLog(device.records);
    const lines: TranscriptRecord[] = [];
    again.writeTranscript((r) => lines.push(r));
    expect(again.timeline).toEqual(device.timeline);
    expect(lines).toEqual(live.filter((r) => r.type !== "start" && r.type !== "http"));
    expect(device.timeline.map((e) => `${e.state} [${e.event}]`).slice(0, 4)).toEqual([
      "welcome [power on]",
      "scanningQr [tap]",
      "checkingPayload [scanQr done]",
      "checkingPreconditions [checkPayload done]",
    ]);
  });

  it("word nothing for a device nobody reads, and give a report the timeline as it stood when taken", async () => {
    const world = doubles();
    await world.setPicture();
    const entryFor = vi.spyOn(TimelineRenderer.prototype, "entryFor");
    try {
      const device = await createDevice({ ports: world.ports, seed: 3, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
      const report = await device.enroll();
      await device.runFor(3_600_000);
      expect(device.records.length).toBeGreaterThan(20);
      expect(entryFor).not.toHaveBeenCalled();
      // Read after an hour of check-ins, the report's timeline still ends where enrollment did.
      expect(report.timeline.at(-1)).toMatchObject({ state: "enrolled.idle", event: "installApp done" });
      expect(report.timeline.length).toBeLessThan(device.timeline.length);
      expect(device.timeline.slice(0, report.timeline.length)).toEqual(report.timeline);
      expect(device.timeline.at(-1)!.at).toBe(new Date(world.clock.now()).toISOString());
      device.dispose();
    } finally {
      entryFor.mockRestore();
    }
  });
});
