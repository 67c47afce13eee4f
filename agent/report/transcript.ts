/**
 * Transcripts: every state change and every HTTP exchange of a run, one JSON object per line
 * (JSON Lines), in the order they happened. Written by `enroll --transcript FILE` and
 * `run --transcript FILE`, for bug reports and tools. HTTP exchanges appear in the order they
 * happened, between the state records of the steps that made them.
 *
 * Record types (field `type`):
 *   start   the device and its surroundings: identity, faults, clock kind, payload text, seed, and
 *           the packages of its system image (preinstalled) and reset protection, when it has them
 *   state   the machine moved: state path, triggering event, detail line, device clock time; and
 *           as data, the state it left (from), the XState event (eventType, eventData) and the
 *           finished step's output or failure (output), so a replay can re-run and compare
 *   scan    the text the device read from the QR code (what a replay would feed back)
 *   http    one request and its response (or error), with timing; package bodies are summarised
 *           as size and SHA-256, and a logs upload by what is new since the previous one
 *           (transcript-logs.ts); `fault` names an injected fault that shaped it
 *   power   power lost / restored
 *   note    something the driver did (an admin action in a scenario, a user tap), in the
 *           device's state then
 *   end     final state, reason, and the apps installed; and why the run stopped short, if it did
 *           (its --until, its time ran out, or a signal interrupted it)
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { openOwnerOnly } from "../protocol/owner-only.js";
import { InputError } from "../protocol/errors.js";
import { givenValue } from "../protocol/given-value.js";
import { refuseUnwritable, writeFailed } from "../protocol/output-path.js";
import type { HttpRecord } from "../client/http.js";
import { injectedByChaos } from "../protocol/chaos-words.js";
import { parsePackageArchive } from "../protocol/package-archive.js";
import { SecretRedactor } from "./redact.js";
import { LogUploadRecorder } from "./transcript-logs.js";
import type { DeviceIdentity, Failure, InstalledApp } from "../machine/types.js";
import type { Device, DeviceReport } from "../device/device.js";
import { checkPathArgument } from "../protocol/path-argument.js";

export type { HttpPurpose, HttpRecord } from "../client/http.js";

/** Version 2: seeds always recorded, secrets redacted by default. Version 1 transcripts still replay. */
export const TRANSCRIPT_FORMAT = "aosp-sim-transcript/2";

export interface StartRecord {
  type: "start";
  format: typeof TRANSCRIPT_FORMAT;
  at: string;
  identity: DeviceIdentity;
  faults: string[];
  clock: "real" | "simulated";
  payloadText: string | null;
  seed: number | null;
  /**
   * The package archives of the device's system image (`--preinstall`), each with its name and
   * version for a reader and the archive itself (base64) for a replay. Absent when there are none
   * (and in transcripts written before the system image was recorded).
   */
  preinstalled?: PreinstalledRecord[];
  /**
   * True when the device was reset with an account on it (factory reset protection is on): it
   * stops at "Can't set up device". Absent when off (and in transcripts written before it was recorded).
   */
  resetProtection?: true;
  /**
   * False when the device had no mobile data (createDevice's mobileData: false, enroll's
   * --no-mobile-data). Absent when it had (the default, and in transcripts written before it was recorded).
   */
  mobileData?: false;
}

/** One package of the device's system image, as its start record holds it. */
export interface PreinstalledRecord {
  packageName: string;
  versionName: string;
  versionCode: number;
  /** The archive file, base64 (a package archive holds no secret: names, receivers, public certificates). */
  archive: string;
}

/** The start record's entry for a package archive of the system image (one createDevice has checked parses). */
export function preinstalledRecord(archive: Uint8Array): PreinstalledRecord {
  const { packageName, versionName, versionCode } = parsePackageArchive(archive);
  return { packageName, versionName, versionCode, archive: Buffer.from(archive).toString("base64") };
}

export interface StateRecord {
  type: "state";
  at: string;
  elapsedMs: number;
  state: string;
  event: string;
  detail: string;
  /** The state path before this step ("off" at a boot); with `eventType`, `eventData` and `output`, enough to re-run the step and compare. */
  from?: string;
  /** The machine event as XState names it ("TAP", "xstate.done.actor.enroll", "xstate.error.actor.checkIn"). */
  eventType?: string;
  /** The event's own fields (passwords redacted), less its clock reading. */
  eventData?: Record<string, unknown>;
  /** What the finished step returned (a done event), or its failure {code, message, ...} (an error event). */
  output?: unknown;
}

export interface ScanRecord {
  type: "scan";
  at: string;
  text: string;
  decoder: string;
}

export interface PowerRecord {
  type: "power";
  at: string;
  event: "powerLost" | "powerRestored";
  state: string;
  /** For a loss the device comes back from: how long it stays off (absent in transcripts written before it was kept). */
  offForMs?: number;
  /** Since the run began, on the clock a clock-skew fault does not move (absent in transcripts written before power records kept it). */
  elapsedMs?: number;
}

export interface NoteRecord {
  type: "note";
  at: string;
  /** The state the device was in (absent in transcripts written before notes kept it). */
  state?: string;
  /** The note's label in the timeline ("note", "clock"; absent in transcripts written before notes kept it). */
  event?: string;
  /** Since the run began, on the clock a clock-skew fault does not move (absent in transcripts written before notes kept it). */
  elapsedMs?: number;
  text: string;
}

export interface EndRecord {
  type: "end";
  at: string;
  finalState: string;
  finalStatePath: string;
  failure: Failure | null;
  apps: InstalledApp[];
  /** The run stopped on entering this state, as `--until` asked (a replay stops there too). */
  until?: string;
  /** The run's time ran out (`--timeout` on the real clock, or a simulated day past enrollment looking for `--until`). */
  timedOut?: true;
  /** The run was stopped by this signal (Ctrl-C, a CI job cancelled) in finalStatePath, at `at` (a replay stops there too). */
  interrupted?: InterruptSignal;
}

/** The signals that interrupt a run (agent/cli/graceful-stop.ts listens for them). */
export type InterruptSignal = "SIGINT" | "SIGTERM";

/** Why a run stopped short of its end, as its end record says. */
export type EndStop = Pick<EndRecord, "until" | "timedOut" | "interrupted">;

/** The end record of a device's run: the state it stopped in, its failure, the apps it has and why it stopped short, if it did. */
export async function endRecord(
  device: Pick<Device, "clock" | "installedApps">,
  report: Pick<DeviceReport, "finalState" | "finalStatePath" | "failure">,
  stop: EndStop = {},
): Promise<EndRecord> {
  return { type: "end", at: new Date(device.clock.now()).toISOString(), finalState: report.finalState, finalStatePath: report.finalStatePath, failure: report.failure, apps: await device.installedApps(), ...stop };
}

/**
 * What injected an exchange, as its recording says: a device fault (`fault service-5xx`, its
 * `fault` field), or the mock service's `--chaos` (`injected by --chaos`, as the answer's error
 * message says); null for an exchange nothing injected, as far as the recording tells.
 */
export function injectedBy(record: HttpRecord): string | null {
  if (record.fault !== undefined) return record.fault;
  return injectedByChaos(record.response?.body) ? "injected by --chaos" : null;
}

export type TranscriptRecord = StartRecord | StateRecord | ScanRecord | HttpRecord | PowerRecord | NoteRecord | EndRecord;

export type TranscriptSink = (record: TranscriptRecord) => void;

/** What a transcript does with the run's secrets: replace them by placeholders (default), or keep them. */
export type TranscriptSecrets = "redact" | "keep";

/**
 * Appends records to a file as JSON Lines, synchronously, so a crash loses nothing written.
 * Secrets are redacted (agent/report/redact.ts) unless `secrets` is "keep". A run's transcript
 * ends with `finish(device)`, which writes its end record and closes the file:
 *
 *   const transcript = new TranscriptFile("enrollment.jsonl");
 *   const device = await createDevice({ ..., transcript: transcript.write });
 *   await device.enroll();
 *   await transcript.finish(device);    // without it, show and replay call the file truncated
 *
 * A write that fails (a full disk) stops the writing: the first record's failure is thrown by
 * `write` (before the device runs), a later one by `finish()` (or read from `writeFailure`).
 */
export class TranscriptFile {
  private fd: number | null;
  private readonly redactor: SecretRedactor | null;
  private readonly logUploads = new LogUploadRecorder();
  /** Where the records written so far last put the device (a state path, or "off" after a power loss). */
  private lastState: string | null = null;
  private failed: InputError | null = null;

  /** A path that cannot be written (a folder, a missing folder, no permission) is an InputError naming it. */
  constructor(readonly path: string, readonly secrets: TranscriptSecrets = "redact") {
    // Anything else ("redacted", { secrets: "keep" }) was taken as "redact", in silence.
    if (secrets !== "redact" && secrets !== "keep") {
      throw new TypeError(`new TranscriptFile: secrets must be "redact" (the default: placeholders for the run's secrets) or "keep" (got ${givenValue(secrets)})`);
    }
    checkPathArgument("new TranscriptFile", "path", path, "enrollment.jsonl");
    // A folder given as the file, or a folder that does not exist, said in words rather than errno.
    refuseUnwritable(path, "enrollment.jsonl", "cannot be written");
    try {
      // One that keeps the secrets is for its owner alone; a redacted one is made to be shared.
      this.fd = secrets === "keep" ? openOwnerOnly(path) : openSync(path, "w");
    } catch (error) {
      throw new InputError(`cannot be written: ${(error as Error).message}`, { where: path, hint: "check the folder exists and is writable" });
    }
    this.redactor = secrets === "keep" ? null : new SecretRedactor();
  }

  readonly write: TranscriptSink = (record) => {
    if (this.fd === null) return;
    if (record.type === "state") this.lastState = record.state;
    else if (record.type === "power") this.lastState = record.event === "powerLost" ? "off" : this.lastState;
    // Redacted first: a logs upload is then recorded by what is new in the text the file would hold.
    const written = this.logUploads.record(this.redactor ? this.redactor.redact(record) : record);
    try {
      writeSync(this.fd, `${JSON.stringify(written)}\n`);
    } catch (error) {
      // A full disk, a quota, an I/O error: the file keeps what was written, and nothing more is tried.
      this.failed = writeFailed(error, this.path, "cannot be written");
      this.close();
      // The start record is written before the device runs: said at once. A later record is
      // written from inside a step, whose failure the device would take for the step's own (a
      // download "failed" with ENOSPC): the device goes on, and finish() says it.
      if (record.type === "start") throw this.failed;
    }
  };

  /** The error that stopped the writing (a full disk), or null: finish() throws it; a caller that only close()s reads it here. */
  get writeFailure(): InputError | null {
    return this.failed;
  }

  /**
   * Ends the transcript with the device's end record (the state it stopped in, its failure, its
   * apps) and closes the file, so `aosp-sim show` and `replay` read it whole. Before or after
   * `device.dispose()`: the state is the last one this transcript recorded (disposed, a device
   * reads "off"), unless `report` (the one enroll() returned) is given. `stop` says why the run
   * stopped short: `{ until }` after `enroll({ until })` reached it, `{ interrupted }` after a
   * signal stopped it; a replay stops there too.
   */
  async finish(
    device: Pick<Device, "clock" | "installedApps" | "failure">,
    report?: Pick<DeviceReport, "finalState" | "finalStatePath" | "failure">,
    stop: EndStop = {},
  ): Promise<void> {
    if (this.failed !== null) throw this.failed;
    if (this.fd === null) throw new Error(`the transcript ${this.path} is closed already: finish it once, before close()`);
    const path = this.lastState ?? "off";
    const stopped = report ?? { finalState: path.split(".")[0]!, finalStatePath: path, failure: device.failure };
    this.write(await endRecord(device, stopped, stop));
    this.close();
  }

  /** Closes the file; a transcript closed without finish() has no end record (a run killed before it could write one). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
