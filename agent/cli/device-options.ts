/**
 * Options `enroll`, `run` and `replay` share: a seed, a repeatable option's collector, --transcript-secrets, --until, --device-dir.
 */
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { refuseEmptyName } from "../protocol/output-path.js";
import { randomSeed } from "../device/identity.js";
import { deviceMachine } from "../machine/device-machine.js";
import { requireStatePath } from "../machine/state-paths.js";
import type { TranscriptSecrets } from "../report/transcript.js";

/** Commander collector for a repeatable option (`--fault a --fault b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--seed N`: a whole number the identity generator accepts, in decimal digits (before, Number() read 0x10 as 16, 1e3 as 1000). */
export function parseSeed(text: string, where = "--seed"): number {
  const n = decimalNumber(text);
  if (!(n <= 2 ** 32 - 1)) {
    throw new InputError(`"${text}" is not a seed`, { where, hint: "use a whole number from 0 to 4294967295, in decimal digits" });
  }
  return n;
}

/** The seed asked for, or one picked now: every run prints and records the seed it used. */
export function seedOrRandom(text: string | undefined): number {
  return text === undefined ? randomSeed() : parseSeed(text);
}

/**
 * `--transcript-secrets redact|keep`, checked whether or not there is a transcript (before, a
 * value was only looked at with --transcript). Without --transcript it is refused: it would do
 * nothing. Keeping them is allowed, and said out loud on stderr.
 */
export function transcriptSecrets(options: { transcript?: string; transcriptSecrets?: string }, warn: (line: string) => void): TranscriptSecrets {
  const value = options.transcriptSecrets;
  if (value === undefined) return "redact";
  if (value !== "redact" && value !== "keep") {
    throw new InputError(`unknown value "${value}"`, { where: "--transcript-secrets", hint: "use redact (the default) or keep" });
  }
  if (options.transcript === undefined) {
    throw new InputError("only applies with --transcript: it says what the transcript holds", {
      where: `--transcript-secrets ${value}`,
      hint: "add --transcript FILE, or leave out --transcript-secrets",
    });
  }
  if (value === "keep") {
    warn("warning: --transcript-secrets keep: the transcript holds the enrollment token, download cookie, Wi-Fi key, device credential and password in clear; do not attach it anywhere public");
  }
  return value;
}

export const TRANSCRIPT_SECRETS_HELP = "redact (default: placeholders for the token, cookie, Wi-Fi key, credential and password) or keep (a private transcript for a replay against a live service)";

/** --until STATE: a state of the machine, as written anywhere else (a leaf name or a full path). */
export function untilState(written: string): string {
  return requireStatePath(deviceMachine, written, "--until");
}

/** --device-dir DIR (enroll's, replay's): an empty name is refused (before, it was the current folder). */
export function checkDeviceDir(dir: string): void {
  refuseEmptyName(dir, "--device-dir", "folder", "name the folder that keeps the device's storage (e.g. --device-dir dev)");
}
