/**
 * `aosp-sim emulator reset --serial emulator-5554`: a factory reset for wipe tests. adb cannot
 * start one on a production build (the shell lacks MASTER_CLEAR), so the script does what the
 * emulator offers: it asks which AVD this is (`getprop ro.boot.qemu.avd_name`, else the console's
 * `adb emu avd name`), stops it (`adb emu kill`), waits until adb no longer lists it, and starts
 * it again with -wipe-data (and the same QR poster when --qr is given): user data erased, back at
 * the welcome screen.
 */
import { InputError } from "../agent/protocol/errors.js";
import { Adb, listDevices } from "../agent/device/adb/adb.js";
import { avdName, ScriptInterrupted, waitFor, withScreenshotOnFailure, type ScriptIo } from "./common.js";
import { emulatorLogOption, posterOption, startEmulator, type StartResult } from "./start.js";

export interface ResetOptions {
  serial: string;
  qr?: string;
  bootTimeoutMs: number;
  /** How long the old instance may take to go away. */
  stopTimeoutMs: number;
  pollMs?: number;
  /** Aborted by Ctrl-C or SIGTERM: the reset stops where it is, says so, and throws ScriptInterrupted. */
  signal?: AbortSignal;
}

export const RESET_HELP = `
Factory-resets an emulator: finds its AVD (getprop ro.boot.qemu.avd_name, else adb emu avd name),
stops it (adb emu kill), and starts it again with -wipe-data, waiting for the boot as \`start\`
does. Real devices cannot be reset this way.
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
    await adb.requireOnline();
    const name = await avdName(adb);
    if (options.signal?.aborted) throw new ScriptInterrupted(`before ${options.serial} was stopped: it runs as it did`);
    io.progress(`stopping ${options.serial} (AVD ${name})`);
    await adb.emu("kill");
    return name;
  });
  // From here the old instance is going: an interruption leaves the AVD stopped, and says so.
  const stopped = `after ${options.serial} was stopped: it was not started again (\`aosp-sim emulator start --avd ${avd} --wipe-data\` does it)`;
  await waitFor(
    `${options.serial} to stop`,
    async () => {
      if (options.signal?.aborted) throw new ScriptInterrupted(stopped);
      return (await listDevices()).has(options.serial) ? undefined : true;
    },
    { timeoutMs: options.stopTimeoutMs, intervalMs: options.pollMs ?? 1_000, hint: `stop it by hand (close the emulator, or kill its process) and run start with --wipe-data` },
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
  );
}
