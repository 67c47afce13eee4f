/**
 * `aosp-sim emulator reset --serial emulator-5554`: a factory reset for wipe tests. adb cannot
 * start one on a production build (the shell lacks MASTER_CLEAR), so the script does what the
 * emulator offers: it asks which AVD this is (`getprop ro.boot.qemu.avd_name`, else the console's
 * `adb emu avd name`, else --avd), checks that `emulator -list-avds` has it (so that what is
 * stopped can be started again), stops it (`adb emu kill`), waits until adb no longer lists it,
 * and starts it again with -wipe-data (and the same QR poster when --qr is given): user data
 * erased, back at the welcome screen.
 *
 * An unauthorised emulator is reset too: its console answers `adb emu` (over TCP, not through
 * adbd), and -wipe-data empties the adb keys it trusts (docs/emulator-facts.md §6).
 */
import { InputError } from "../agent/protocol/errors.js";
import { Adb, listDevices } from "../agent/device/adb/adb.js";
import { asFailure, ScriptFailure, ScriptInterrupted, statedAvdName, unnamedBecause, waitFor, withScreenshotOnFailure, type ScriptIo } from "./common.js";
import { emulatorLogOption, listAvds, posterOption, startEmulator, type StartResult } from "./start.js";
import { takenPorts, whoHolds } from "./ports.js";

export interface ResetOptions {
  serial: string;
  /** The AVD the emulator runs, for when it does not say (checked against what it says when it does). */
  avd?: string;
  qr?: string;
  bootTimeoutMs: number;
  /** How long the old instance may take to go away. */
  stopTimeoutMs: number;
  pollMs?: number;
  /** Aborted by Ctrl-C or SIGTERM: the reset stops where it is, says so, and throws ScriptInterrupted. */
  signal?: AbortSignal;
}

export const RESET_HELP = `
Factory-resets an emulator: finds its AVD (getprop ro.boot.qemu.avd_name, else adb emu avd name,
else --avd), checks that emulator -list-avds has it, stops it (adb emu kill), and starts it again
with -wipe-data, waiting for the boot as \`start\` does. An unauthorised emulator is reset too (its
console names it, or --avd does), and trusts this computer afterwards. Real devices cannot be
reset this way.
Exit: 0 reset and booted, 1 failed (a screenshot is saved when possible), 2 bad options.`;

export async function resetEmulator(options: ResetOptions, io: ScriptIo): Promise<StartResult> {
  const port = /^emulator-(\d+)$/.exec(options.serial)?.[1];
  if (port === undefined) {
    // A bad option, known before adb runs: exit 2, as the help says, not a failed reset.
    throw new InputError(`${options.serial} is not an emulator (emulator-PORT): only emulators can be reset by this script`, {
      where: "--serial",
      hint: "factory reset a real device from its Settings, or with the device owner's wipe",
    });
  }
  // Checked again by start, but that is after the emulator was stopped: a bad --qr or an --output
  // where the log cannot go must not cost the device.
  if (options.qr !== undefined) posterOption(options.qr);
  emulatorLogOption(io.outputDir, Number(port));
  const adb = new Adb(options.serial);
  const avd = await withScreenshotOnFailure(adb, "reset", io, async () => {
    const unauthorized = (await adb.requireOnline({ allowUnauthorized: true })) === "unauthorized";
    if (unauthorized) io.progress(`${options.serial} is unauthorised (it trusts an adb key of an earlier boot): the reset's -wipe-data empties the keys it trusts`);
    const name = await resetAvd(adb, options, unauthorized);
    if (options.signal?.aborted) throw new ScriptInterrupted(`before ${options.serial} was stopped: it runs as it did`);
    io.progress(`stopping ${options.serial} (AVD ${name})`);
    await adb.emu("kill");
    return name;
  });
  // From here the old instance is going: an interruption leaves the AVD stopped, and says so.
  const stopped = `after ${options.serial} was stopped: it was not started again (\`aosp-sim emulator start --avd ${avd} --wipe-data\` does it)`;
  // Gone when adb no longer lists it and its ports are free: adb may drop it while the process
  // still holds them (and the AVD's lock), and a start then would boot an emulator adb cannot reach.
  await waitFor(
    `${options.serial} to stop (adb no longer lists it, and ports ${port} and ${Number(port) + 1} are free)`,
    async () => {
      if (options.signal?.aborted) throw new ScriptInterrupted(stopped);
      if ((await listDevices()).has(options.serial)) return undefined;
      return (await takenPorts(Number(port))).length === 0 ? true : undefined;
    },
    { timeoutMs: options.stopTimeoutMs, intervalMs: options.pollMs ?? 1_000, hint: `stop it by hand (close the emulator, or kill its process: ${whoHolds(Number(port))}) and run start with --wipe-data` },
  );
  if (options.signal?.aborted) throw new ScriptInterrupted(stopped);
  io.progress(`starting ${avd} again with -wipe-data`);
  return startEmulator(
    {
      avd,
      port: Number(port),
      wipeData: true,
      bootTimeoutMs: options.bootTimeoutMs,
      ...(options.qr === undefined ? {} : { qr: options.qr }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
    io,
  ).catch((caught: unknown) => {
    // The start's failure alone reads as if the device were as it was: it was stopped, and is gone.
    const error = asFailure(caught);
    if (!(error instanceof ScriptFailure)) throw caught;
    const gone = `${options.serial} was stopped for the reset and is not running now: \`aosp-sim emulator start --avd ${avd} --wipe-data\` starts it again`;
    throw new ScriptFailure(error.message, error.hint === undefined ? gone : `${error.hint}; ${gone}`, error.screenshot);
  });
}

/**
 * The AVD to start again: the one the emulator names (an --avd that differs is refused), else
 * --avd; and `emulator -list-avds` must have it, checked before anything is stopped: an emulator
 * stopped for a reset that then cannot start (no \`emulator\` on PATH, its AVD in another
 * ANDROID_AVD_HOME) is a device lost.
 */
async function resetAvd(adb: Adb, options: ResetOptions, unauthorized: boolean): Promise<string> {
  const stated = await statedAvdName(adb, { unauthorized });
  if (stated !== null && options.avd !== undefined && stated !== options.avd) {
    throw new InputError(`${adb.serial} runs the AVD "${stated}", not "${options.avd}"`, { where: "--avd", hint: `leave --avd out (the emulator names its AVD), or give the --serial of the emulator that runs ${options.avd} (adb devices)` });
  }
  const name = stated ?? options.avd;
  if (name === undefined) {
    throw new ScriptFailure(
      `${adb.serial} did not name its AVD (${unnamedBecause({ unauthorized })}), so reset would not know what to start again`,
      `name it: \`aosp-sim emulator reset --serial ${adb.serial} --avd NAME\` (\`emulator -list-avds\` lists the names); nothing was stopped`,
    );
  }
  const avds = await listAvds();
  if (avds.includes(name)) return name;
  const listed = avds.length > 0 ? `it lists ${avds.join(", ")}` : "it lists none";
  if (stated === null) throw new InputError(`no AVD named "${name}"`, { where: "--avd", hint: avds.length > 0 ? `use one of: ${avds.join(", ")}` : "`emulator -list-avds` lists none: run reset where the emulator's AVDs are (ANDROID_AVD_HOME)" });
  throw new ScriptFailure(
    `${adb.serial} runs the AVD "${stated}", which \`emulator -list-avds\` does not have (${listed}), so it could be stopped but not started again; nothing was stopped`,
    `run reset with the ANDROID_AVD_HOME of the shell that started the emulator, so that \`emulator -list-avds\` lists ${stated}`,
  );
}
