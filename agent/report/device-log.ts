/**
 * A device's records (agent/device/step-record.ts) in words: the timeline entries people read
 * (and `--json` lists), the transcript lines, and the device's own log (what "share logs"
 * uploads). The runtime only records; rendering happens here, once per record, and only when a
 * timeline, a log or a transcript is asked for: a device nobody prints costs no words.
 */
import type { DeviceRecord, StepRecord } from "../device/step-record.js";
import { checkDescribeOptions, describeState, eventLabel, type DescribeOptions } from "./describe.js";
import { givenValue } from "../protocol/given-value.js";
import { powerLostDetail, type TimelineEntry } from "./timeline.js";
import type { TranscriptRecord, TranscriptSink } from "./transcript.js";

/**
 * Turns records into timeline entries, in order (it remembers what the Wi-Fi radio already said
 * during a join). Steps that show nothing new are left out: a tap the screen ignores, a boot's
 * POWER_ON re-arming the state it resumed in, a Wi-Fi report already shown, a power restored
 * (the boot's "Powered on; resuming" line says it).
 */
export class TimelineRenderer {
  private readonly wifiDetails = new Set<string>();

  constructor(private readonly describing: DescribeOptions = {}) {
    checkDescribeOptions("new TimelineRenderer", describing);
  }

  /** The record's timeline entry, or null when the timeline leaves it out. */
  entryFor(record: DeviceRecord): TimelineEntry | null {
    checkRecord("TimelineRenderer.entryFor", record);
    switch (record.kind) {
      case "note":
        return entry(record, "note", record.state, record.event, record.text);
      case "power":
        if (record.change === "restored") return null;
        return entry(record, "power", record.state, "power lost", powerLostDetail(record.offForMs));
      case "step":
        return this.stepEntry(record);
    }
  }

  private stepEntry(step: StepRecord): TimelineEntry | null {
    // The event as the screen reads it: its type and fields (a Wi-Fi report's detail, a scanner's reason).
    const event: { type: string; detail?: unknown } = step.eventData ? { type: step.eventType, ...step.eventData } : { type: step.eventType };
    if (step.boot) this.wifiDetails.clear();
    if (step.eventType === "WIFI_PROGRESS") {
      // The radio's reports: one line for each new thing it says during a join.
      if (typeof event.detail !== "string" || !event.detail || this.wifiDetails.has(event.detail)) return null;
      this.wifiDetails.add(event.detail);
      return entry(step, "state", step.to, eventLabel(event), event.detail);
    }
    if (step.boot === "resumed") {
      return entry(step, "state", step.to, "power on", `Powered on; resuming: ${describeState(step.to, step.context, event, step.at, this.describing)}`);
    }
    // The boot re-arming the state it resumed in: the "Powered on; resuming" line said it.
    if (step.eventType === "POWER_ON" && step.to === step.from) return null;
    if (!step.changed || (step.to === step.from && step.eventType === "TAP")) return null;
    // Every other step, including one that ends where it began (the next app of a queue).
    this.wifiDetails.clear();
    return entry(step, "state", step.to, eventLabel(event), describeState(step.to, step.context, event, step.at, this.describing));
  }
}

/** The kinds of record a device makes (agent/device/step-record.ts). */
const RECORD_KINDS: ReadonlySet<unknown> = new Set(["step", "power", "note"]);
/** The farthest a Date reaches from 1970, in milliseconds (ECMA-262 time values). */
const MAX_TIME_VALUE = 8.64e15;

/**
 * A record of the wrong kind is a TypeError naming the call: `transcriptLines(5)` was a
 * RangeError "Invalid time value" from deep inside, and one of an unknown kind rendered nothing.
 */
function checkRecord(call: string, record: unknown): void {
  const r = record as { kind?: unknown; at?: unknown } | null;
  if (r === null || typeof r !== "object" || !RECORD_KINDS.has(r.kind) || typeof r.at !== "number" || !(Math.abs(r.at) <= MAX_TIME_VALUE)) {
    throw new TypeError(`${call}: record must be one of a device's records, such as device.records[0] (a step, power or note record with its time in milliseconds) (got ${givenValue(record)})`);
  }
}

function entry(record: DeviceRecord, kind: TimelineEntry["kind"], state: string, event: string, detail: string): TimelineEntry {
  return { at: new Date(record.at).toISOString(), elapsedMs: record.elapsedMs, state, event, detail, kind };
}

/**
 * The transcript lines of one record (agent/report/transcript.ts), given its timeline entry:
 * a step's scan (the text read) and state line, a power line, a note line. HTTP lines are the
 * transport's own, written as each exchange completes.
 */
export function transcriptLines(record: DeviceRecord, entry: TimelineEntry | null): TranscriptRecord[] {
  checkRecord("transcriptLines", record);
  if (entry !== null && (typeof entry !== "object" || typeof entry.at !== "string")) {
    throw new TypeError(`transcriptLines: entry must be the record's timeline entry (new TimelineRenderer().entryFor(record)) or null (got ${givenValue(entry)})`);
  }
  const at = entry?.at ?? new Date(record.at).toISOString();
  switch (record.kind) {
    case "note":
      return [{ type: "note", at, elapsedMs: record.elapsedMs, state: record.state, event: record.event, text: record.text }];
    case "power":
      if (record.change === "restored") return [{ type: "power", at, elapsedMs: record.elapsedMs, event: "powerRestored", state: record.state }];
      return [{ type: "power", at, elapsedMs: record.elapsedMs, event: "powerLost", state: record.state, ...(record.offForMs === undefined ? {} : { offForMs: record.offForMs }) }];
    case "step": {
      const lines: TranscriptRecord[] = [];
      if (record.eventType === "xstate.done.actor.scanQr") {
        const read = record.output as { text: string; decoder: string };
        lines.push({ type: "scan", at, text: read.text, decoder: read.decoder });
      }
      if (entry) {
        lines.push({
          type: "state",
          at: entry.at,
          elapsedMs: entry.elapsedMs,
          state: record.to,
          event: entry.event,
          detail: entry.detail,
          from: record.from,
          eventType: record.eventType,
          ...(record.eventData ? { eventData: record.eventData } : {}),
          ...(record.output === undefined ? {} : { output: record.output }),
        });
      }
      return lines;
    }
  }
}

/**
 * A device's records, rendered as far as someone asked: the timeline grows when it is read
 * (or as records come, while a transcript follows), each record worded once.
 */
export class DeviceLog {
  private readonly entries: TimelineEntry[] = [];
  /** How many entries there were once each record was rendered (for a timeline as of an earlier record). */
  private readonly entriesAfter: number[] = [];
  /** Records rendered, counted in the records array as it is now (see forget). */
  private rendered = 0;
  /** Records and entries dropped from the front by forget. */
  private forgottenRecords = 0;
  private readonly renderer: TimelineRenderer;
  private readonly followers: ((record: DeviceRecord, entry: TimelineEntry | null) => void)[] = [];

  constructor(
    private readonly records: readonly DeviceRecord[],
    describing: DescribeOptions = {},
  ) {
    // A number or an object for the records rendered nothing, and said nothing.
    if (!Array.isArray(records)) throw new TypeError(`new DeviceLog: records must be a device's records, a list such as device.records (got ${givenValue(records)})`);
    checkDescribeOptions("new DeviceLog", describing);
    this.renderer = new TimelineRenderer(describing);
  }

  /** The timeline so far (one array, growing as the device goes on). */
  get timeline(): TimelineEntry[] {
    this.catchUp();
    return this.entries;
  }

  /**
   * The timeline as it stood after the first `records` records the device made (a report taken
   * then, read later). Of a bounded log (forget), only the entries it still holds.
   */
  timelineUpTo(records: number): TimelineEntry[] {
    const held = records - this.forgottenRecords;
    this.catchUp(Math.max(0, held));
    return this.entries.slice(0, held <= 0 ? 0 : this.entriesAfter[held - 1]);
  }

  /**
   * Forgets the oldest `records` records, which the caller has just removed from the front of the
   * records array (DeviceRuntime.forgetRecords), and all but the last `keepEntries` entries: a
   * device whose log must not grow with its life keeps a window, as a phone's log buffer does.
   * Call only once those records are rendered.
   */
  forget(records: number, keepEntries: number): void {
    if (records > this.rendered) throw new Error("DeviceLog.forget: records not rendered yet");
    this.rendered -= records;
    this.forgottenRecords += records;
    this.entriesAfter.splice(0, records);
    const dropped = Math.max(0, this.entries.length - keepEntries);
    if (dropped === 0) return;
    this.entries.splice(0, dropped);
    for (let i = 0; i < this.entriesAfter.length; i++) this.entriesAfter[i] = Math.max(0, this.entriesAfter[i]! - dropped);
  }

  /** The device's own log, as "share logs" uploads it: one line per timeline entry. */
  logText(): string {
    return this.timeline.map((e) => `${e.at} ${e.state} [${e.event}] ${e.detail}`).join("\n");
  }

  /** Renders the records made since the last call, up to `limit` (call it as each record comes to follow live). */
  catchUp(limit = this.records.length): void {
    while (this.rendered < limit) {
      const record = this.records[this.rendered++]!;
      const entry = this.renderer.entryFor(record);
      if (entry) this.entries.push(entry);
      this.entriesAfter.push(this.entries.length);
      for (const follower of this.followers) follower(record, entry);
    }
  }

  /** Writes each record's transcript lines to `sink` as it is rendered (attach before the device runs). */
  writeTranscript(sink: TranscriptSink): void {
    this.onRendered((record, entry) => {
      for (const line of transcriptLines(record, entry)) sink(line);
    });
  }

  /**
   * Calls `follower` with each record (and its timeline entry, or null) once it is rendered, in
   * order, after the followers attached before it (attach before the device runs).
   */
  onRendered(follower: (record: DeviceRecord, entry: TimelineEntry | null) => void): void {
    this.followers.push(follower);
  }
}
