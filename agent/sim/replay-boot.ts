/**
 * Where the recorded device started. A replay's device starts out of the box, at the welcome
 * screen, so a recording is replayed as one that started there: a device that booted out of the
 * box, or one resumed from a --device-dir at the welcome screen (stopped there by `enroll --until
 * welcome`, or back there after a factory reset), which holds nothing a new device lacks: the
 * reset erased its storage but for its seed, its clock and its system image, which the start
 * record holds. Such a recording opens with the power coming back before the boot (the resumed
 * device's `powerRestored`), which a new device does not write: it is left out of the records a
 * replay compares with. A device resumed anywhere else is refused: the recording starts mid-way.
 */
import type { Fault } from "../device/faults.js";
import { isWithin } from "../machine/state-paths.js";
import { InputError } from "../protocol/errors.js";
import type { Transcript } from "../report/read-transcript.js";
import type { StateRecord } from "../report/transcript.js";

/** The replay whose device `enroll --device-dir` can continue: one against a live service. */
const CONTINUABLE_REPLAY = "`aosp-sim replay FIRST.jsonl --service URL --device-dir DIR`, a recording made with --transcript-secrets keep";

/** What a state record's `from` says of a boot: the device was off (transcript.ts). */
const BOOT = "off";

/** The transcript as a device out of the box would have recorded it; refused (InputError) when it starts mid-way. */
export function startedOutOfTheBox(transcript: Transcript, where: string): Transcript {
  const boot = transcript.records.findIndex((r) => r.type === "state");
  const first = transcript.records[boot] as StateRecord | undefined;
  if (first === undefined || first.from !== BOOT) return transcript;
  if (first.state !== "welcome") {
    throw new InputError(`starts mid-way: the recorded device resumed from a --device-dir in ${first.state}, so the recording cannot be replayed alone`, {
      where,
      // An offline replay's device holds the token and download cookie of the replay's own
      // service, which ends with the replay: only one replayed against a live service goes on.
      hint: `replay the recording of the run that brought it there against a live service (${CONTINUABLE_REPLAY}), then continue it with \`aosp-sim enroll QR --device-dir DIR\` (QR: the code it scanned); or record the whole enrollment in one transcript`,
    });
  }
  const resumed = resumedPower(transcript, boot);
  if (resumed < 0) return transcript;
  return {
    ...transcript,
    records: transcript.records.filter((_, i) => i !== resumed),
    lines: transcript.lines.filter((_, i) => i !== resumed),
  };
}

/**
 * Where the power's return a resumed device records before its boot is (after it, in recordings
 * made before that order), with no power cut before it; -1 for a device that booted out of the box.
 */
function resumedPower(transcript: Transcript, boot: number): number {
  const before = transcript.records.slice(0, boot).findIndex((r) => r.type === "power");
  const after = transcript.records[boot + 1];
  const resumed = before >= 0 ? before : after?.type === "power" && after.event === "powerRestored" ? boot + 1 : -1;
  return resumed >= 0 && (transcript.records[resumed] as { event?: unknown }).event === "powerRestored" ? resumed : -1;
}

/**
 * The recorded faults a replay's device is given. A device resumed at the welcome screen whose
 * `power-loss@welcome` cut came in an earlier run (it was cut, and its process ended while it was
 * off) keeps that cut in its storage, and so leaves the welcome screen uncut (inject-faults.ts:
 * once in a device's life). Its recording shows just that: the fault in its start record, and no
 * cut before the device leaves the welcome screen. The replay's device, out of the box, is given
 * the fault as taken, as the recorded one had it: given it again, it took the cut and diverged at
 * its second step, a divergence no change in the device or the service made.
 */
export function faultsToReplay(given: Transcript, faults: readonly Fault[]): Fault[] {
  const boot = given.records.findIndex((r) => r.type === "state");
  const first = given.records[boot] as StateRecord | undefined;
  if (first === undefined || first.from !== BOOT || first.state !== "welcome" || resumedPower(given, boot) < 0) return [...faults];
  let cutThere = false;
  let left = false;
  for (const record of given.records.slice(boot + 1)) {
    if (record.type === "power" && record.event === "powerLost" && isWithin(record.state, "welcome")) cutThere = true;
    if (record.type === "state" && !isWithin(record.state, "welcome")) {
      left = true;
      break;
    }
  }
  // Still at the welcome screen at the recording's end (stopped there), or cut there on the recording: the fault is the replay's too.
  if (cutThere || !left) return [...faults];
  return faults.filter((f) => !(f.name === "power-loss" && f.state === "welcome"));
}
