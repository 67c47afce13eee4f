/**
 * What `enroll` says when Ctrl-C (SIGINT) or a CI job's cancel (SIGTERM) stops it: one line on
 * stderr naming the state the device was stopped in and the signal, and what became of the
 * device. Its snapshot is saved after every step, so with --device-dir the same command resumes
 * it there; without, the device lived in memory and is gone with the process.
 */
import { printable } from "../protocol/printable.js";
import type { InterruptSignal } from "../report/transcript.js";
import { err } from "./output.js";

export function interruptedNotice(state: string, signal: InterruptSignal, deviceDir: string | undefined): string {
  // Off: stopped during a power cut (the power-loss fault), between two states.
  const where = state === "off" ? "while the device was off (a power cut)" : `at ${state}`;
  const device =
    deviceDir === undefined
      ? "the device's state is lost (no --device-dir): run the command again to start over, with --device-dir DIR to be able to resume"
      : `the device's state is kept in ${printable(deviceDir)}: run the same command to resume`;
  return `${err.yellow("enroll:")} interrupted ${where} (${signal}); ${device}`;
}
