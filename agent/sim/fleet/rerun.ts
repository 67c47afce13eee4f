/**
 * The command that re-runs one device of a fleet alone: written by the fleet for each failed
 * device, and written again by a merge from the summaries' figures, so that a shard file edited
 * by hand cannot put a command of its own in the merged reports.
 */
import { exactDuration } from "../../device/duration.js";
import { shellQuote } from "../../device/adb/shell-quote.js";

/** What a re-run command is made of: the fleet's options that decide what a device does. */
export interface RerunFleet {
  devices: number;
  seed: number;
  /** The faults as given (`service-5xx=5%`), in order: each device draws them in that order. */
  faults: readonly string[];
  lifeMs: number;
  /** A running service's base URL (--service); none for the embedded one. */
  serviceUrl?: string;
}

/**
 * `aosp-sim fleet ... --only INDEX --transcript FILE`, each value quoted for the shell it is pasted
 * into: the device re-run alone records its run, so that one copy-paste gives a recording that
 * `aosp-sim show` and `aosp-sim replay` read (a fleet records no device's transcript itself).
 */
export function fleetRerunCommand(fleet: RerunFleet, index: number): string {
  return [
    `aosp-sim fleet --devices ${fleet.devices} --seed ${fleet.seed} --only ${index} --transcript ${rerunTranscriptFile(fleet.seed, index)}`,
    ...fleet.faults.map((f) => `--fault ${commandQuote(f)}`),
    ...(fleet.lifeMs > 0 ? [`--life ${exactDuration(fleet.lifeMs)}`] : []),
    // A base URL as httpBaseUrl writes it needs no quotes; anything else (a hand-edited file) gets them.
    ...(fleet.serviceUrl === undefined ? [] : [`--service ${/^https?:\/\/[\w.:[\]%@/-]+$/.test(fleet.serviceUrl) ? fleet.serviceUrl : commandQuote(fleet.serviceUrl)} --admin-token ...`]),
  ].join(" ");
}

/** The file a device's re-run command records it to, named for the fleet's seed and the device. */
export function rerunTranscriptFile(seed: number, index: number): string {
  return `fleet-${seed}-device-${index}.jsonl`;
}

/**
 * A value quoted for the shell a re-run command is pasted into: '...' as a rule; with control
 * characters, bash's $'...' with each as \xHH, so that the JUnit XML (which cannot hold them: its
 * writer dropped them, and the command no longer re-ran the fault given) and a terminal carry the
 * command intact.
 */
function commandQuote(value: string): string {
  if (!/[\x00-\x1f\x7f]/.test(value)) return shellQuote(value);
  const escaped = value.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return `$'${escaped}'`;
}
