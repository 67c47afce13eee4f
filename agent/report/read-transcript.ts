/**
 * Reading a transcript back (`replay`, `show`): every line must be a JSON record, the first a
 * `start` record of a format this version reads, the last an `end` record. Anything else is an
 * InputError (exit 2) saying which: wrong format, truncated, recorded by a newer or older
 * version. `show` reads a recording cut off before its end record too (readRecordedPart): what
 * was recorded can be shown, though not replayed. A run stopped by Ctrl-C or SIGTERM is not cut
 * off: it writes an end record that says it was interrupted, and replays up to there. The format is documented in
 * schemas/transcript.schema.json; each record is checked against it (transcript-schema.ts).
 */
import { parseFaultsAt, type Fault } from "../device/faults.js";
import { identityProblem } from "../device/identity.js";
import { InputError } from "../protocol/errors.js";
import { checkedText, readTextFile, readTextFileSync, readTextStream, sizeWords, type TextFileKind } from "../protocol/text-file.js";
import { shellQuote } from "../device/adb/shell-quote.js";
import { TRANSCRIPT_FORMAT, type EndRecord, type StartRecord, type StateRecord, type TranscriptRecord } from "./transcript.js";
import { WRONG_WIFI_KEY_PLACEHOLDER } from "./redact.js";
import { isRecordType, RECORD_TYPES, recordProblem } from "./transcript-schema.js";
import { powerLostDetail, type TimelineEntry } from "./timeline.js";

const FORMAT_PREFIX = "aosp-sim-transcript/";
const CURRENT_VERSION = Number(TRANSCRIPT_FORMAT.slice(FORMAT_PREFIX.length));
/**
 * A bound far above a run's transcript (an enrollment's is tens of KB; a simulated year of `run`,
 * sharing its log every day, about 3 MB): read no further (a FIFO or a device has no size to
 * check first) and refuse, rather than fill memory.
 */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;
const TRANSCRIPT_HINT = "give a file written by `aosp-sim enroll --transcript FILE` (or `run --transcript FILE`)";
/** How much of an oversized transcript the refusal's fix keeps to show: under the limit, in whole megabytes. */
const SHOWN_START_BYTES = 60_000_000;
const TRANSCRIPT_FILE: TextFileKind = {
  noun: "a transcript",
  expected: "a transcript file",
  maxBytes: MAX_TRANSCRIPT_BYTES,
  farMoreThan: "a run's transcript",
  hint: TRANSCRIPT_HINT,
  binary: "is not an aosp-sim transcript: it is binary data, not JSON lines",
  // A transcript of a long run may pass the limit: named as too large to read, not as no
  // transcript, with a fix that works (show reads a recording cut off, so its start can be shown).
  overLimit: (where) =>
    new InputError(
      `is more than ${sizeWords(MAX_TRANSCRIPT_BYTES)}, the most show and replay read of a transcript (an enrollment's is tens of KB, a simulated year of \`aosp-sim run\` a few MB)`,
      {
        where,
        hint: `record a shorter run (an earlier "until", fewer steps) to show or replay it whole; to show how this one starts: head -c ${SHOWN_START_BYTES} ${shellQuote(where)} > start.jsonl && aosp-sim show start.jsonl`,
      },
    ),
};

export interface Transcript {
  start: StartRecord;
  records: TranscriptRecord[];
  end: EndRecord;
  /** The payload text the device read (the start record's, or the first scan's). */
  payloadText: string | null;
  /** Where it was read from (the file), for messages. */
  source?: string;
  /** The file's line the start record stands on (blank lines before it are skipped), for messages. */
  startLine: number;
  /** The file's line each record stands on (records[i] on lines[i]), for messages. */
  lines: readonly number[];
}

/** A transcript whose recording may stop short of its end record (a run stopped by Ctrl-C, a kill). */
export interface RecordedPart extends Omit<Transcript, "end"> {
  end: EndRecord | null;
  /** How the recording stops short ("it has no end record", "its last line (12) is cut off"), or null when it is whole. */
  cutOff: string | null;
}

/** A whole transcript (replay): one cut off is refused as truncated. */
export function readTranscript(path: string): Transcript {
  return whole(readRecordedPart(path, { cutOff: "refuse" }), path);
}

/**
 * readTranscript, read off the main thread: for the CLI, whose Ctrl-C and SIGTERM handlers are
 * JavaScript and so wait for the main thread. A synchronous read of a FIFO no one writes to, or of
 * a pipe whose writer stalls, held it for ever, and the signals with it (only kill -9 ended replay).
 */
export async function readTranscriptFile(path: string): Promise<Transcript> {
  return whole(parseRecordedPart(await readTextFile(path, TRANSCRIPT_FILE), path, { cutOff: "refuse" }), path);
}

/**
 * A transcript piped in (`aosp-sim show -`, `replay -`: an attachment fetched with curl), read as
 * a file is; `where` names it in errors (`<stdin>`). Its text, for parseTranscript or parseRecordedPart.
 */
export async function readTranscriptStream(stream: NodeJS.ReadableStream & { destroy(): void }, where: string): Promise<string> {
  return readTextStream(stream, where, TRANSCRIPT_FILE);
}

export function parseTranscript(text: string, where: string): Transcript {
  return whole(parseRecordedPart(text, where, { cutOff: "refuse" }), where);
}

/** `refuse`: a line cut off mid-write is refused as it is met, before anything else is checked. */
interface PartOptions {
  cutOff: "refuse" | "allow";
}

function whole(part: RecordedPart, where: string): Transcript {
  if (part.end === null) {
    const why = part.cutOff ?? "it has no end record";
    throw new InputError(`is truncated: ${why}${why.includes("end record") ? " (was the run killed before it could write one?)" : ""}`, { where, hint: "record the run again and let it finish" });
  }
  checkStepsAsData(part, where);
  return { ...part, end: part.end };
}

/**
 * Version 1 transcripts replay when their state lines carry the steps as data (written since the
 * steps were recorded as data); earlier ones cannot be re-run, though show still prints them.
 */
function checkStepsAsData({ start, records }: RecordedPart, where: string): void {
  const states = records.filter((r): r is StateRecord => r.type === "state");
  if (states.some((s) => s.from === undefined || s.eventType === undefined)) {
    throw new InputError(`was recorded by an older version (${start.format}, without the steps as data): re-record it`, {
      where,
      hint: "run the enrollment again with this version's `aosp-sim enroll --transcript FILE`",
    });
  }
}

/** How a recording without its end record stops: in the last state it recorded. */
export function cutOffLine(part: RecordedPart): string {
  const last = part.records.findLast((r) => r.type === "state");
  // Before, "Cut off in no state yet" for a recording of its start record alone.
  const where = last?.type === "state" ? `in ${last.state}` : "before the device's first state";
  return `Cut off ${where}: ${part.cutOff ?? "it has no end record"}; the run was stopped before it finished`;
}

/**
 * How a recording ends, as `show` and its page say it: in its final state (and failure); or, for
 * a run stopped short, why and where (its --until, its time running out, a signal) and at what
 * time of the device's clock; or cut off.
 */
export function endingLine(part: RecordedPart): string {
  const { end } = part;
  if (end === null) return cutOffLine(part);
  const failure = end.failure ? `: ${end.failure.code}: ${end.failure.message}` : "";
  const when = `at ${end.at} (device clock)`;
  if (end.interrupted !== undefined) return `Interrupted in ${end.finalStatePath} by ${end.interrupted} ${when}: the run was stopped before it finished`;
  if (end.until !== undefined) return `Stopped in ${end.finalStatePath} by --until ${end.until} ${when}: the run stopped where it was asked to${failure}`;
  if (end.timedOut) return `Timed out in ${end.finalStatePath} ${when}: the run's time ran out before it finished${failure}`;
  return `Ended in ${end.finalStatePath}${failure}`;
}

/** What a transcript file recorded, whole or cut off (show). */
export function readRecordedPart(path: string, options: PartOptions = { cutOff: "allow" }): RecordedPart {
  return parseRecordedPart(readTextFileSync(path, TRANSCRIPT_FILE), path, options);
}

export function parseRecordedPart(given: string, where: string, options: PartOptions = { cutOff: "allow" }): RecordedPart {
  const text = checkedText(given, where, TRANSCRIPT_FILE);
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const records: TranscriptRecord[] = [];
  // The file's line number of each record: blank lines are skipped (NDJSON lets a reader skip them;
  // an attachment pasted with a trailing empty line has one), and messages still name the file's lines.
  const lineNumbers: number[] = [];
  let cutOff: string | null = null;
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Only a transcript's unfinished last line (after its start record, with no newline after
      // it: the recording stopped mid-write) is a cut-off run; elsewhere the file is damaged or
      // not a transcript.
      if (records[0]?.type === "start" && index === lines.length - 1 && !text.endsWith("\n")) {
        cutOff = `its last line (${index + 1}) is cut off`;
        if (options.cutOff === "refuse") throw new InputError(`is truncated: ${cutOff}`, { where, hint: "record the run again and let it finish" });
        break;
      }
      throw unreadableLine(index, records, where, line, text);
    }
    if (typeof value !== "object" || value === null || typeof (value as { type?: unknown }).type !== "string") {
      throw new InputError(`line ${index + 1} is not a transcript record (no "type")`, { where, hint: TRANSCRIPT_HINT });
    }
    records.push(value as TranscriptRecord);
    lineNumbers.push(index + 1);
  }
  const start = records[0];
  if (start?.type === "start" && (start as { format?: unknown }).format === undefined) {
    // A start record edited or cut: named by its line and field, as any other damaged record is
    // (it was said to be no start record at all).
    throw damagedRecord(start, 0, lineNumbers[0]!, '"format" is missing', where);
  }
  if (start?.type !== "start" || typeof start.format !== "string" || !start.format.startsWith(FORMAT_PREFIX)) {
    throw new InputError("is not an aosp-sim transcript (its first line is not a start record)", {
      where,
      hint: TRANSCRIPT_HINT,
    });
  }
  const versionText = start.format.slice(FORMAT_PREFIX.length);
  if (!/^[1-9]\d*$/.test(versionText)) {
    throw new InputError(`is not an aosp-sim transcript: its format "${start.format}" is not a known one (this version reads aosp-sim-transcript/1 to ${TRANSCRIPT_FORMAT})`, {
      where,
      hint: `${TRANSCRIPT_HINT}, with its first line as written`,
    });
  }
  const version = Number(versionText);
  if (version > CURRENT_VERSION) {
    throw new InputError(`was recorded by a newer version of aosp-sim (${start.format}; this one reads ${TRANSCRIPT_FORMAT})`, {
      where,
      hint: "upgrade aosp-sim to show or replay it",
    });
  }
  const startLine = lineNumbers[0]!;
  checkStart(start, startLine, where);
  checkRecords(records, lineNumbers, version, where);
  const last = records.at(-1);
  const end = last?.type === "end" ? last : null;
  if (end === null) cutOff ??= "it has no end record";
  const scan = records.find((r) => r.type === "scan");
  return { start, records, end, cutOff, payloadText: start.payloadText ?? (scan?.type === "scan" ? scan.text : null), source: where, startLine, lines: lineNumbers };
}

/**
 * The start record's fields a replay runs the device with, and `show` prints: an edited one is
 * named, not replayed as something else (nor shown raw on the terminal).
 */
function checkStart(start: StartRecord, line: number, where: string): void {
  const problem = (what: string) => damagedRecord(start, 0, line, what, where);
  const seed: unknown = start.seed;
  if (seed !== null && seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 2 ** 32 - 1)) {
    throw problem(`"seed" is ${JSON.stringify(seed)}, not a seed (a whole number from 0 to 4294967295, or null)`);
  }
  const clock: unknown = start.clock;
  if (clock !== "real" && clock !== "simulated") throw problem(`"clock" is ${JSON.stringify(clock)}, not real or simulated`);
  const identity = identityProblem(start.identity);
  if (identity !== null) throw problem(identity);
  const faults: unknown = start.faults;
  if (!Array.isArray(faults) || faults.some((f) => typeof f !== "string")) throw problem(`"faults" is ${JSON.stringify(faults)}, not a list of faults as --fault takes them`);
  recordedFaults(start, line, where);
}

/**
 * The faults the recorded device ran with, as a replay injects them; one a run cannot have (an
 * unknown name, a space in it, a state the device does not have) is named by its place in the
 * start record, not as a --fault nobody gave.
 */
export function recordedFaults(start: StartRecord, line: number, where: string): Fault[] {
  // A redacted wrong Wi-Fi key stands for some key that is not the payload's: the fault without a
  // KEY gives the network one (the placeholder itself would do too, but is no usable WEP key).
  const asRun = start.faults.map((f) => (f === `wrong-wifi-key=${WRONG_WIFI_KEY_PLACEHOLDER}` ? "wrong-wifi-key" : f));
  return parseFaultsAt(asRun, (i) => `${where}: ${startRecordAt(line)}, faults[${i}]`);
}

/** How messages name the start record: by the file's line it stands on ("line 1 (the start record)"). */
export function startRecordAt(line: number): string {
  return `line ${line} (the start record)`;
}

/** What a version 2 state line holds besides the schema's fields: the step as data, for a replay. */
const STEP_AS_DATA = ["from", "eventType"];

/**
 * Every record as the schema describes its type (the start record's fields checked above, its
 * others here), in the order a run writes them: one start record, first; at most one end record,
 * last; no type the format does not have (a newer version writes a newer format, refused above).
 * A record with a field missing or of the wrong type, or out of place (an edited, joined or
 * damaged file), is named by its line, before show prints or replay compares it.
 */
function checkRecords(records: readonly TranscriptRecord[], lineNumbers: readonly number[], version: number, where: string): void {
  const lastLine = lineNumbers.at(-1) ?? 0;
  for (const [index, record] of records.entries()) {
    const type: string = record.type;
    const line = lineNumbers[index]!;
    if (!isRecordType(type)) {
      throw new InputError(`line ${line}: "type" is ${JSON.stringify(type)}, which no transcript record has (they are ${RECORD_TYPES.join(", ")})`, {
        where,
        hint: `record the run again, or put back line ${line} as it was written`,
      });
    }
    if (record.type === "start" && index > 0) throw damagedRecord(record, index, line, "a second start record: a transcript has one, on its first line", where, true);
    if (record.type === "end" && index + 1 < records.length) {
      throw damagedRecord(record, index, line, `comes before the last line (${lastLine}): a transcript's end record is its last line`, where, true);
    }
    // Version 1 transcripts written before the steps were recorded as data lack these (checkStepsAsData).
    const problem = recordProblem(record, version >= 2 && record.type === "state" ? STEP_AS_DATA : []);
    if (problem !== null) throw damagedRecord(record, index, line, problem, where);
  }
}

/**
 * A record that is not as its run wrote it: `line 5 (a state record): "state" is missing`. `out`:
 * the record is out of place (a second start record, an end record before the last line).
 */
function damagedRecord(record: TranscriptRecord, index: number, line: number, problem: string, where: string, out = false): InputError {
  const name = index === 0 ? "the start record" : record.type === "end" && !out ? "the end record" : `${/^(end|http)$/.test(record.type) ? "an" : "a"} ${record.type} record`;
  return new InputError(`line ${line} (${name}): ${problem}`, {
    where,
    hint: out
      ? "record the run again, or put the transcript back as it was written: one run, its start record on the first line and its end record on the last (two transcripts joined are two files)"
      : `record the run again, or put back ${index === 0 ? "the start record" : `line ${line}`} as it was written`,
  });
}

/**
 * A line that is not JSON, and not a cut-off last line: in a transcript (after its start record)
 * it is damaged; in any other file (a text file, a pretty-printed JSON summary) the file is not a
 * transcript. A first line that opens as a run writes its start record (`{"type":"start","format":
 * "aosp-sim-transcript/...`) is that record damaged, by a hand edit say, not another kind of file.
 */
function unreadableLine(index: number, before: readonly TranscriptRecord[], where: string, text: string, file: string): InputError {
  const line = index + 1;
  const reformatted = index === 0 ? reformattedAs(text, file, where) : null;
  if (reformatted !== null) {
    return new InputError(`holds a transcript's records ${reformatted.as}: a transcript has one record per line, as the run wrote it`, {
      where,
      hint: `put each record back on a line of its own (${reformatted.fix}), or record the run again`,
    });
  }
  if (before.length === 0 && STARTS_AS_START_RECORD.test(text)) {
    return new InputError(`line ${line} (the start record) is not JSON: the transcript is damaged`, { where, hint: "record the run again, or put back the start record as it was written" });
  }
  const transcript = before[0]?.type === "start";
  if (transcript) return new InputError(`line ${line} is not JSON: the transcript is damaged`, { where, hint: `record the run again, or put back line ${line} as it was written` });
  return new InputError(`line ${line} is not JSON: not a transcript`, { where, hint: TRANSCRIPT_HINT });
}

/**
 * A transcript a JSON tool rewrote, for reading by eye (`jq .`) or as one document: its start
 * record spread over several lines, or the records in a JSON array. Said so, with the way back,
 * rather than as a file that is not a transcript; null for anything else.
 */
function reformattedAs(firstLine: string, file: string, where: string): { as: string; fix: string } | null {
  const path = shellQuote(where);
  if (/^\s*\[/.test(file) && STARTS_AS_START_RECORD.test(file.trimStart().slice(1))) {
    return { as: "as one JSON array", fix: `with jq: jq -c '.[]' ${path} > fixed.jsonl` };
  }
  if (!STARTS_AS_START_RECORD.test(firstLine) && STARTS_AS_START_RECORD.test(file)) {
    return { as: "spread over several lines (pretty-printed JSON)", fix: `with jq: jq -c . ${path} > fixed.jsonl` };
  }
  return null;
}

/** How a run writes its start record's first two fields (agent/report/transcript.ts). */
const STARTS_AS_START_RECORD = /^\s*\{\s*"type"\s*:\s*"start"\s*,\s*"format"\s*:\s*"aosp-sim-transcript\//;

/** The timeline as `enroll` printed it, rebuilt from the transcript's state, power and note records. */
export function timelineOf(records: readonly TranscriptRecord[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const elapsed = elapsedReader(records);
  records.forEach((r, i) => {
    if (r.type === "state") entries.push({ at: r.at, elapsedMs: r.elapsedMs, state: r.state, event: r.event, detail: r.detail, kind: "state" });
    // A restored power has no line of its own, as the run printed none (TimelineRenderer).
    if (r.type === "power" && r.event === "powerLost") {
      entries.push({ at: r.at, elapsedMs: r.elapsedMs ?? elapsed(i), state: r.state, event: "power lost", detail: powerLostDetail(r.offForMs ?? offForOf(records, i)), kind: "power" });
    }
    // The device's state and the note's label, as the run printed them ("-" and "note" in recordings made before notes kept them).
    if (r.type === "note") entries.push({ at: r.at, elapsedMs: r.elapsedMs ?? elapsed(i), state: r.state ?? "-", event: r.event ?? "note", detail: r.text, kind: "note" });
  });
  return entries;
}

/**
 * The elapsed time of the power or note record at an index, in a transcript written before those
 * records kept it: its device-clock time less the clock's lead then, which a clock-skew fault
 * moves. The lead is the last state record's (its `at` less its `elapsedMs`); a clock jump's own
 * note (label "clock") is written after the jump, so from it on the lead is the next state
 * record's. Without a state record around, the start record's time.
 */
function elapsedReader(records: readonly TranscriptRecord[]): (index: number) => number {
  const startedAt = records[0]?.type === "start" ? Date.parse(records[0].at) : 0;
  const leadOf = (r: TranscriptRecord | undefined) => (r?.type === "state" ? Date.parse(r.at) - r.elapsedMs : null);
  const lead: number[] = [];
  let current = startedAt;
  records.forEach((r, i) => {
    if (r.type === "state") current = leadOf(r)!;
    if (r.type === "note" && r.event === "clock") current = leadOf(records.slice(i + 1).find((n) => n.type === "state")) ?? current;
    lead.push(current);
  });
  return (index) => Date.parse(records[index]!.at) - lead[index]!;
}

/**
 * How long the device was off after the power loss at `index`, in a transcript written before
 * power records kept it: until the next power restored, on the same device clock; undefined when
 * the recording holds none (the device did not come back by itself).
 */
function offForOf(records: readonly TranscriptRecord[], index: number): number | undefined {
  const lostAt = Date.parse(records[index]!.at);
  for (let i = index + 1; i < records.length; i++) {
    const r = records[i]!;
    if (r.type === "power") return r.event === "powerRestored" ? Date.parse(r.at) - lostAt : undefined;
  }
  return undefined;
}
