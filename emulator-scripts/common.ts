/**
 * What every emulator script shares: waiting with a deadline, failing with a screenshot saved,
 * and option checks that name what is wrong.
 *
 * A script fails by throwing ScriptFailure (the CLI prints it and exits 1); bad options are
 * InputError (exit 2). Every wait has a deadline; before a ScriptFailure leaves a script, the
 * screen is saved as a PNG (`adb exec-out screencap -p`) when the device can still give one.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../agent/protocol/errors.js";
import { parseDuration } from "../agent/device/duration.js";
import { folderProblem, makeFolder, type FolderProblem } from "../agent/protocol/make-folder.js";
import { refuseEmptyName } from "../agent/protocol/output-path.js";
import { Adb, AdbError, formatSeconds } from "../agent/device/adb/adb.js";
import { parseComponent, type ComponentName } from "../agent/device/adb/parse.js";

export class ScriptFailure extends Error {
  override readonly name = "ScriptFailure";
  constructor(
    message: string,
    /** How to put it right, one sentence. */
    readonly hint?: string,
    /** Where the screen at the moment of failure was saved. */
    public screenshot?: string,
  ) {
    super(message);
  }
}

/**
 * A script stopped by Ctrl-C or SIGTERM (its options' signal). The message says where it was
 * stopped and what it put right ("while emulator-5554 was starting: stopped the emulator it
 * launched (pid 4242)"); the CLI prints it on one line and exits by the signal (130, 143).
 */
export class ScriptInterrupted extends Error {
  override readonly name = "ScriptInterrupted";
}

/** Where the scripts write what they leave behind (screenshots, the emulator's log). */
export interface ScriptIo {
  /** Folder for failure screenshots and logs (created when needed). */
  outputDir: string;
  /** Progress lines for people (stderr in the CLI, so --json stays clean). */
  progress: (line: string) => void;
}

/**
 * The longest wait an option may ask for. A day is far more than a cold boot or a provisioning
 * takes, and it keeps every limit within setTimeout's (2^31 - 1 ms, 24.8 days): past that Node
 * fires the timer at once, and a "30d" timeout would end a wait before it began.
 */
const MAX_WAIT_MS = 24 * 3_600_000;

/** A duration option ("90s", "5m"), positive and at most a day, or an InputError naming the option. */
export function durationOption(text: string, option: string): number {
  const ms = parseDuration(text);
  const hint = "e.g. 90s, 5m, 1h (24h at most)";
  if (ms === null || ms <= 0) throw new InputError(`"${text}" is not a duration`, { where: option, hint });
  if (ms > MAX_WAIT_MS) throw new InputError(`"${text}" is longer than a day, which no wait here needs`, { where: option, hint });
  return ms;
}

/** A component option (package/class, or package/.Class, which means package/package.Class); an InputError naming the option. */
export function componentOption(text: string, option: string): ComponentName {
  const component = parseComponent(text);
  if (!component) throw new InputError(`"${text}" is not a component`, { where: option, hint: "write it as package/class, e.g. com.example.agent/.AdminReceiver" });
  return component;
}

/**
 * The --output folder, checked before any work without creating it (a script that succeeds
 * leaves no empty folder behind): a folder that could not be made or written later, when a
 * screenshot is due, is a bad option (exit 2) now rather than a lost screenshot then.
 */
export function outputDirOption(dir: string): string {
  // resolve("") is the current folder: an empty name is a slip (an unset variable), not a choice.
  refuseEmptyName(dir, "--output", "folder", "name the folder for failure screenshots and the emulator's log, e.g. --output emulator-out (or leave --output out for the current folder)");
  const problem = folderProblem(dir);
  if (problem) throw outputDirError(dir, problem);
  return dir;
}

/** Makes the --output folder (and its missing parents); one that cannot be made is a bad option. */
export function makeOutputDir(dir: string): void {
  const problem = makeFolder(dir);
  if (problem) throw outputDirError(dir, problem);
}

function outputDirError(dir: string, problem: FolderProblem): InputError {
  return new InputError(`cannot be made a folder: ${problem.reason}`, { where: `--output ${dir}`, hint: "give a folder that exists or can be made, e.g. --output emulator-out" });
}

/**
 * A snapshot name (`snapshot save NAME`, `start --snapshot NAME`), or an InputError naming `where`.
 * `adb emu` sends its words to the console joined by spaces, and the console splits them again:
 * a name with a space would be saved as its first word, the rest taken as another argument; and
 * the emulator's -snapshot takes the name as a file name in the AVD's snapshots folder.
 */
export function snapshotNameOption(name: string, where: string): string {
  const hint = 'use letters, digits, ".", "_" and "-", e.g. welcome';
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) throw new InputError(`"${name}" is not a snapshot name`, { where, hint });
  // The emulator keeps a snapshot in snapshots/NAME and, when a save fails, deletes that folder
  // (Snapshotter::deleteSnapshot, path_delete_dir): "." is every snapshot, ".." the AVD itself.
  if (name === "." || name === "..") {
    throw new InputError(`"${name}" is not a snapshot name: it names a folder, not a snapshot of its own, in the AVD's snapshots folder`, { where, hint });
  }
  return name;
}

/** A device serial option: what adb -s takes. */
export function serialOption(text: string): string {
  if (!/^[\x21-\x7e]{1,64}$/.test(text)) {
    throw new InputError(`"${text}" is not a device serial`, { where: "--serial", hint: "use the name `adb devices` lists, e.g. emulator-5554" });
  }
  return text;
}

/** The time waitFor reads and sleeps on: the real one, or a fake one in tests. */
export interface WaitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: WaitClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** A last check may end this long after the deadline and the message still name the limit alone. */
const OVERRUN_SAID_MS = 1_000;

/**
 * Polls `check` every `intervalMs` until it returns a value (not undefined), or fails with
 * ScriptFailure saying what was awaited and for how long. `check` may throw to stop early.
 *
 * The deadline is exact: the wait never gives up before it, and the sleep before the last check
 * is shortened so that check runs on the deadline (a boot that completes in its last second is
 * seen). The message names the limit; when the last check ran on well past it (an adb call that
 * hung), the time really waited too.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    hint?: string;
    /** When a wait shares its budget (timeoutMs) with earlier ones: when that budget ends, on `clock`. */
    deadline?: number;
    clock?: WaitClock;
  },
): Promise<T> {
  const clock = options.clock ?? REAL_CLOCK;
  const deadline = options.deadline ?? clock.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 1_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    const now = clock.now();
    if (now >= deadline) throw new ScriptFailure(timedOutMessage(what, options.timeoutMs, now - (deadline - options.timeoutMs)), options.hint);
    await clock.sleep(Math.min(interval, deadline - now));
  }
}

function timedOutMessage(what: string, timeoutMs: number, waitedMs: number): string {
  if (waitedMs - timeoutMs < OVERRUN_SAID_MS) return `timed out after ${formatSeconds(timeoutMs)} waiting for ${what}`;
  return `timed out after ${formatSeconds(Math.round(waitedMs / 100) * 100)} waiting for ${what} (${formatSeconds(timeoutMs)} allowed; its last check, begun in time, ran past it)`;
}

/** adb's errors as script failures, keeping their hint (a missing adb, an offline device). */
export function asFailure(error: unknown): unknown {
  return error instanceof AdbError ? new ScriptFailure(error.message, error.hint) : error;
}

/**
 * Runs a script's body against a device; on failure saves a screenshot into io.outputDir (when
 * the device can still give one) and names it in the error.
 */
export async function withScreenshotOnFailure<T>(adb: Adb, script: string, io: ScriptIo, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (caught) {
    const error = asFailure(caught);
    if (error instanceof ScriptFailure && error.screenshot === undefined) {
      error.screenshot = await saveScreenshot(adb, script, io);
    }
    throw error;
  }
}

/** Saves the device's screen as OUTPUT/SERIAL-SCRIPT-failure.png; returns the path, or a sentence saying why none was saved. */
export async function saveScreenshot(adb: Adb, script: string, io: ScriptIo): Promise<string> {
  try {
    const png = await adb.screenshot({ timeoutMs: 15_000 });
    const dir = resolve(io.outputDir);
    const problem = makeFolder(dir);
    if (problem) return `none (${problem.reason})`;
    const file = join(dir, `${adb.serial.replace(/[^\w.-]/g, "_")}-${script}-failure.png`);
    writeFileSync(file, png);
    return file;
  } catch (error) {
    return `none (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * The AVD an emulator runs, as the emulator states it. First the system property the emulator sets
 * (`ro.boot.qemu.avd_name`; `ro.kernel.qemu.avd_name` on older images), then the console's
 * `avd name`: with adb 36 that console command prints nothing and exits 0 (adb's console client
 * skips the answer's lines when the console asks no authentication), so it is the last resort.
 * See docs/emulator-facts.md §2.
 *
 * An unauthorised emulator refuses `adb shell`, so only its console is asked: `adb emu` reaches the
 * console over TCP on the port in the serial, not through adbd (docs/emulator-facts.md §6).
 */
export async function avdName(adb: Adb, options: { unauthorized?: boolean } = {}): Promise<string> {
  const name = await statedAvdName(adb, options);
  if (name !== null) return name;
  throw new ScriptFailure(`${adb.serial} did not name its AVD (${unnamedBecause(options)})`, `name it: \`aosp-sim emulator reset --serial ${adb.serial} --avd NAME\` (\`emulator -list-avds\` lists the names)`);
}

/** What avdName asked, for a message saying that nothing named the AVD. */
export function unnamedBecause(options: { unauthorized?: boolean }): string {
  return options.unauthorized
    ? "it is unauthorised, so its system properties cannot be read, and the console's `avd name` answered nothing"
    : "getprop ro.boot.qemu.avd_name and ro.kernel.qemu.avd_name are empty, and the console's `avd name` answered nothing";
}

/** avdName's answer, or null when nothing named the AVD. */
export async function statedAvdName(adb: Adb, options: { unauthorized?: boolean } = {}): Promise<string | null> {
  return (options.unauthorized ? null : await avdNameFromProperties(adb)) ?? (await avdNameFromConsole(adb));
}

async function avdNameFromProperties(adb: Adb): Promise<string | null> {
  for (const property of ["ro.boot.qemu.avd_name", "ro.kernel.qemu.avd_name"]) {
    const name = (await adb.shell(`getprop ${property}`)).trim();
    if (name !== "") return name;
  }
  return null;
}

async function avdNameFromConsole(adb: Adb): Promise<string | null> {
  const said = (await adb.emu("avd name")).split("\n")[0]!.trim();
  return said !== "" && said !== "OK" ? said : null;
}

/** Throws ScriptFailure unless the device is attached, online and booted. */
export async function requireBooted(adb: Adb): Promise<void> {
  await adb.requireOnline();
  const booted = (await adb.shell("getprop sys.boot_completed")).trim();
  if (booted !== "1") {
    throw new ScriptFailure(`${adb.serial} has not finished booting (sys.boot_completed is "${booted}")`, "wait for it: `aosp-sim emulator start` waits for the boot");
  }
}
