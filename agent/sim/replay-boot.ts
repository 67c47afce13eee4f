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
  // The power's return a resumed device records before its boot (after it, in recordings made
  // before that order), with no power cut before it.
  const before = transcript.records.slice(0, boot).findIndex((r) => r.type === "power");
  const after = transcript.records[boot + 1];
  const resumed =
    before >= 0
      ? before
      : after?.type === "power" && after.event === "powerRestored"
        ? boot + 1
        : -1;
  if (resumed < 0 || (transcript.records[resumed] as { event?: unknown }).event !== "powerRestored") return transcript;
  return {
    ...transcript,
    records: transcript.records.filter((_, i) => i !== resumed),
    lines: transcript.lines.filter((_, i) => i !== resumed),
  };
}
