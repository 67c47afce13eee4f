/**
 * `aosp-sim emulator start --avd NAME [--qr qr.png]`: starts an AVD headless with the back
 * camera on the virtual scene and the enrollment QR code hung in it, and waits for the boot.
 *
 *   emulator -avd NAME -port 5554 -no-window -no-audio -no-boot-anim -camera-back virtualscene
 *            -virtualscene-poster wall=/abs/qr.png [-wipe-data] [-snapshot NAME | -no-snapshot-load]
 *   adb -s emulator-5554 wait-for-device
 *   adb -s emulator-5554 shell getprop sys.boot_completed      (until it prints 1)
 *
 * The poster is given at launch and confirmed after the boot (checkPoster): by the emulator's
 * log when it says anything of it, else by hanging it again through the console.
 *
 * The emulator runs in its own process group (detached, so that it outlives this command), which a
 * terminal's Ctrl-C does not reach: a start that fails, times out or is interrupted (options.signal)
 * stops that group itself.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError, fileReadError } from "../agent/protocol/errors.js";
import { readFileBoundedSync } from "../agent/protocol/bounded-read.js";
import { unwritableReason } from "../agent/protocol/output-path.js";
import { removeAtExit } from "../agent/protocol/leftovers.js";
import { Adb, AdbError, EMULATOR_TRUSTS, formatSeconds, listDevices, runTool } from "../agent/device/adb/adb.js";
import { sniffImageFormat } from "../agent/qr/image-format.js";
import { describeTaken, nextFreePort, takenPorts, whoHolds } from "./ports.js";
import { avdFolder, snapshotsOf } from "./avd-folder.js";
import { asFailure, makeOutputDir, saveScreenshot, ScriptFailure, ScriptInterrupted, snapshotNameOption, waitFor, type ScriptIo, type WaitClock } from "./common.js";

export interface StartOptions {
  avd: string;
  /** Console port (even, 5554-5682); the device is then emulator-PORT. */
  port: number;
  /** The enrollment QR code (PNG or JPEG) to hang in the virtual scene. */
  qr?: string;
  wipeData: boolean;
  /** Boot from this snapshot instead of a cold boot. */
  snapshot?: string;
  bootTimeoutMs: number;
  /** How often sys.boot_completed is asked. */
  pollMs?: number;
  /** The time the boot's budget is read and slept on: the real one unless a test gives a fake one. */
  clock?: WaitClock;
  /** Aborted by Ctrl-C or SIGTERM: the start stops what it launched and throws ScriptInterrupted. */
  signal?: AbortSignal;
}

export interface StartResult {
  serial: string;
  /** The emulator process (it keeps running; stop it with `adb -s SERIAL emu kill`). */
  pid: number;
  log: string;
  poster: string | null;
  /** How the poster was hung (PosterVia), or null without --qr. */
  posterVia: PosterVia | null;
}

/**
 * How the poster came to hang. "launch": given with -virtualscene-poster, and the emulator's log
 * says it loaded it. "launch+console": given at launch, of which the log says nothing either way,
 * and hung again through the console, which took it. "launch-unconfirmed": the same, but the
 * console refused; the poster given at launch stays. "console": the emulator refused it at launch
 * (its log says so) and the console hung it.
 */
export type PosterVia = "launch" | "launch+console" | "launch-unconfirmed" | "console";

export const START_HELP = `
Starts an AVD headless (-no-window -no-audio) with the back camera on the virtual scene and the
QR code hung on its wall (-virtualscene-poster wall=FILE), then waits for adb (wait-for-device)
and for the boot (getprop sys.boot_completed = 1). The emulator keeps running afterwards; stop it
with \`adb -s emulator-PORT emu kill\`. Its log is OUTPUT/emulator-PORT.log.
Exit: 0 booted, 1 failed (a screenshot is saved when the device can give one), 2 bad options.`;

/** The system image the README's step 1 installs: a "Google Play" one. */
const PLAY_IMAGE = "system-images;android-34;google_apis_playstore;x86_64";

/**
 * How to make an AVD when there is none: from a "Google Play" image, whose setup wizard has the
 * QR reader `emulator provision` needs; a "Google APIs" or AOSP image finishes setup at once
 * with no reader, so provision would fail on it next.
 */
const CREATE_AVD_HINT = `create one from a "Google Play" image, whose setup wizard has the QR reader \`emulator provision\` needs: sdkmanager "${PLAY_IMAGE}", then avdmanager create avd -n Pixel_6_API_34 -k "${PLAY_IMAGE}" -d pixel_6`;

export async function startEmulator(options: StartOptions, io: ScriptIo): Promise<StartResult> {
  const serial = `emulator-${options.port}`;
  const log = emulatorLogOption(io.outputDir, options.port);
  // Checked now; copied (when it must be) only as the emulator is launched, so that a start
  // refused before then leaves nothing behind.
  const qr = options.qr === undefined ? null : posterSource(options.qr);
  if (options.snapshot !== undefined) snapshotNameOption(options.snapshot, "--snapshot");
  const avds = await listAvds();
  if (!avds.includes(options.avd)) {
    throw new InputError(`no AVD named "${options.avd}"`, {
      where: "--avd",
      hint: avds.length > 0 ? `use one of: ${avds.join(", ")}` : CREATE_AVD_HINT,
    });
  }
  if (options.snapshot !== undefined) refuseMissingSnapshot(options.avd, options.snapshot, options.port, io);
  const attached = await listDevices();
  if (attached.has(serial)) {
    throw new ScriptFailure(`${serial} is already running`, `stop it (\`adb -s ${serial} emu kill\`) or pick another --port`);
  }
  await refuseTakenPorts(options.port, attached);
  makeOutputDir(io.outputDir);
  // Stopped before anything was launched: nothing to put right.
  if (options.signal?.aborted) throw new ScriptInterrupted(`before ${serial} was launched: nothing was started`);
  const hung = qr === null ? null : posterForEmulator(qr);
  const poster = hung?.path ?? null;
  const args = emulatorArgs(options, poster);
  io.progress(`starting: emulator ${args.join(" ")}`);
  let child: ChildProcess;
  try {
    child = launch(args, log);
  } catch (error) {
    hung?.discard();
    throw error;
  }
  const adb = new Adb(serial);
  let posterVia: StartResult["posterVia"] = null;
  try {
    await bootWait(adb, child, log, options, io);
    if (poster !== null) posterVia = await checkPoster(adb, poster, log, io, options.signal);
  } catch (caught) {
    // A start that fails or is interrupted, booting or hanging the poster, stops the emulator it
    // started; the emulator that would have read the poster's copy is then gone, and so is the copy.
    if (options.signal?.aborted) {
      await stopEmulator(child);
      hung?.discard();
      const copy = hung?.copied ? " and removed the poster's copy" : "";
      throw new ScriptInterrupted(`while ${serial} was starting: stopped the emulator it launched (pid ${child.pid})${copy}`);
    }
    const error = asFailure(caught);
    if (error instanceof ScriptFailure) error.screenshot = await saveScreenshot(adb, "start", io);
    await stopEmulator(child);
    hung?.discard();
    throw error;
  }
  hung?.keep();
  child.unref();
  return { serial, pid: child.pid!, log, poster, posterVia };
}

/**
 * Refuses a --snapshot the AVD does not have: the emulator would not refuse it, but say "Cold
 * boot: missing snapshot files" in a window -no-window does not show and boot cold, and the start
 * would report a device booted from a snapshot it never loaded (avd-folder.ts). When the AVD's
 * folder cannot be found, the emulator is left to it, and the progress says so.
 */
function refuseMissingSnapshot(avd: string, snapshot: string, port: number, io: ScriptIo): void {
  const folder = avdFolder(avd);
  if (folder === null) {
    io.progress(`cannot check that the AVD ${avd} has the snapshot "${snapshot}" (its folder is not under $ANDROID_AVD_HOME or ~/.android/avd): an emulator given a snapshot its AVD lacks boots cold`);
    return;
  }
  const snapshots = snapshotsOf(folder);
  if (snapshots.includes(snapshot)) return;
  const has = snapshots.length > 0 ? `use one of: ${snapshots.join(", ")}` : `it has none yet: start it without --snapshot, bring it to the state to keep, and save it with \`aosp-sim emulator snapshot save ${snapshot} --serial emulator-${port}\``;
  throw new InputError(`the AVD ${avd} has no snapshot "${snapshot}" (no ${join(folder, "snapshots", snapshot, "snapshot.pb")}): the emulator would boot cold instead`, {
    where: "--snapshot",
    hint: `${has}; or leave --snapshot out for a cold boot`,
  });
}

/**
 * Refuses a --port whose console or adb port another program holds (one adb does not list as
 * that emulator): the emulator would boot without them, unreachable, and the start would wait
 * out --boot-timeout for adb to see it (ports.ts).
 */
async function refuseTakenPorts(port: number, attached: { has(serial: string): boolean }): Promise<void> {
  const taken = await takenPorts(port);
  if (taken.length === 0) return;
  const next = await nextFreePort(port, attached);
  const instead = next === null ? "pick another --port" : `pick another --port (--port ${next} is free)`;
  throw new ScriptFailure(
    `${describeTaken(port, taken)} taken by another program, which adb does not list as emulator-${port}: the emulator would start without ${taken.length === 1 ? "it" : "them"} (its log says at most "bind: Address already in use") and adb would never reach it`,
    `${instead}, or stop the program that holds ${taken[0]}: ${whoHolds(taken[0]!)}`,
  );
}

/**
 * What the emulator's log says of the wall poster given at launch. It always writes why it will
 * not take one (`Poster parameter ignored, virtual scene is not enabled`, `Path '...' does not
 * exist`, as warnings and errors), but `Found poster wall at PATH` only as a debug line, which
 * most emulator versions print only with -verbose or -debug virtualscene (docs/emulator-facts.md
 * §3). Those flags are not passed: they turn on the virtual scene's renderer debug output too.
 */
function posterInLog(text: string, poster: string): "loaded" | "refused" | "silent" {
  if (/Found poster wall\b/.test(text)) return "loaded";
  const refused = text.split("\n").some((line) => /Poster parameter ignored/.test(line) || (line.includes(poster) && /does not exist|Invalid command line parameter/.test(line)));
  return refused ? "refused" : "silent";
}

/**
 * Confirms the poster after the boot: the log's word when it has one, else the console's
 * `virtualscene-image wall PATH`. A refusal by the console is a failed start only when the log
 * says the emulator refused the poster at launch too; when the log is silent, the emulator took
 * -virtualscene-poster without complaint, and a refusal (a console without that command, its
 * authentication failing) must not cost an emulator that booted.
 */
async function checkPoster(adb: Adb, poster: string, log: string, io: ScriptIo, signal?: AbortSignal): Promise<PosterVia> {
  const said = posterInLog(readLog(log), poster);
  if (said === "loaded") return "launch";
  io.progress(
    said === "refused"
      ? "the emulator's log says it did not take the poster at launch: hanging it with `adb emu virtualscene-image wall`"
      : "the emulator's log neither confirms nor refuses the poster (it names one it loaded only in verbose mode): hanging it again with `adb emu virtualscene-image wall`",
  );
  try {
    await adb.emu(`virtualscene-image wall ${poster}`, signal === undefined ? {} : { signal });
    return said === "refused" ? "console" : "launch+console";
  } catch (error) {
    if (!(error instanceof AdbError) || error.kind !== "failed") throw error;
    if (said === "refused") {
      throw new ScriptFailure(
        `the emulator did not take the poster at launch (see ${log}), and ${error.message.replace(/^the emulator/, "its")}`,
        `read the emulator's log for why; check that ${poster} opens as a PNG or JPEG, and \`adb -s ${adb.serial} emu help\` lists the console's commands`,
      );
    }
    io.progress(`${error.message}: keeping the poster given at launch (-virtualscene-poster), which the emulator took without complaint`);
    return "launch-unconfirmed";
  }
}

export function emulatorArgs(options: StartOptions, poster: string | null): string[] {
  const args = ["-avd", options.avd, "-port", String(options.port), "-no-window", "-no-audio", "-no-boot-anim", "-camera-back", "virtualscene"];
  if (poster !== null) args.push("-virtualscene-poster", `wall=${poster}`);
  if (options.wipeData) args.push("-wipe-data");
  if (options.snapshot !== undefined) args.push("-snapshot", options.snapshot);
  else args.push("-no-snapshot-load");
  return args;
}

/** `emulator -list-avds`: the AVD names, one a line. */
export async function listAvds(): Promise<string[]> {
  const result = await runTool("emulator", ["-list-avds"], { timeoutMs: 30_000 });
  return result.stdout
    .toString("utf8")
    .split(/\r?\n/)
    .map((line) => line.trim())
    // Newer emulators print INFO lines before the list.
    .filter((line) => line !== "" && !/^(INFO|WARNING|ERROR)\b/.test(line));
}

/**
 * The emulator's log, OUTPUT/emulator-PORT.log, checked before anything is touched: a folder by
 * that name, or a file there that cannot be written, is a bad --output (exit 2), not an error as
 * the emulator is launched. Every script that starts the emulator checks it with this first.
 */
export function emulatorLogOption(outputDir: string, port: number): string {
  const log = resolve(outputDir, `emulator-${port}.log`);
  // An --output yet to be made holds no log: outputDirOption found that it can be made.
  if (!existsSync(outputDir)) return log;
  const unwritable = unwritableReason(log, `emulator-${port}.log`);
  if (unwritable === null) return log;
  const where = `--output ${outputDir}`;
  if (isFolder(log)) throw new InputError(`${log} is a folder, where the emulator's log is written`, { where, hint: "move that folder out of the way, or give another --output" });
  throw new InputError(`the emulator's log ${log} cannot be written: ${unwritable.problem}`, { where, hint: "give another --output, or make the log writable" });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

interface PosterSource {
  /** The --qr image's absolute path. */
  path: string;
  format: "png" | "jpeg";
}

/** The --qr image, checked (posterOption) before the emulator is touched. */
function posterSource(path: string): PosterSource {
  return { path: resolve(path), format: posterOption(path) };
}

/**
 * The path the emulator is given: the --qr image itself, or, when its path has spaces, a copy in
 * a new private folder under the temporary folder. A fresh folder, not a fixed name: whatever is
 * left at a fixed name (a folder, another user's file, a link) would stop the start (before, as an
 * internal error) or be written through.
 *
 * The copy outlives this command: the emulator records the poster's path at launch (and so does
 * the console's `virtualscene-image`) but reads the file only when its virtual scene camera opens,
 * which is when the setup wizard's QR reader starts, long after the boot. So it is removed only
 * when the start fails and the emulator is stopped (`discard`), or as the process ends before the
 * start succeeded; after a start it stays with the emulator (`keep`), one small image in
 * aosp-sim-poster-XXXXXX under the temporary folder.
 */
function posterForEmulator(source: PosterSource): PosterForEmulator {
  if (!/\s/.test(source.path)) return { path: source.path, copied: false, discard: () => {}, keep: () => {} };
  let folder: string;
  const temp = posterCopyParent();
  try {
    folder = mkdtempSync(join(temp, "aosp-sim-poster-"));
  } catch (error) {
    throw posterCopyError(source.path, `no folder can be made in the temporary folder ${temp} (${errorCode(error)})`);
  }
  const copy = join(folder, `qr.${source.format === "png" ? "png" : "jpg"}`);
  // Removed at exit too, synchronously, until the start succeeds: a second Ctrl-C ends the CLI at
  // once (graceful-stop.ts removes what removeAtExit holds before the signal ends it), before the
  // interrupted start's own discard has run.
  let kept = false;
  const discard = removeAtExit(() => {
    if (!kept) rmSync(folder, { recursive: true, force: true });
  });
  try {
    copyFileSync(source.path, copy);
  } catch (error) {
    discard();
    throw posterCopyError(source.path, `it cannot be copied to ${copy} (${errorCode(error)})`);
  }
  return {
    path: copy,
    copied: true,
    discard,
    keep: () => {
      kept = true;
      discard();
    },
  };
}

/** The poster as the emulator is given it (posterForEmulator). */
interface PosterForEmulator {
  path: string;
  /** Whether `path` is a copy in a folder of its own under the temporary folder. */
  copied: boolean;
  /** Removes the copy now (a failed start). */
  discard(): void;
  /** Keeps the copy after this command ends (a start that succeeded: the emulator reads it later). */
  keep(): void;
}

function posterCopyError(path: string, problem: string): InputError {
  return new InputError(`has a space in its path, which the emulator's -virtualscene-poster option cannot hold, and ${problem}`, {
    where: path,
    hint: "move the QR code to a path without spaces (it is then not copied), or set TMPDIR to a writable folder without spaces",
  });
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * A --qr poster, checked without waiting on it and without the device: a PNG or JPEG file, or an
 * InputError naming the path (missing, a folder, a pipe or a device, not an image, a path with
 * spaces that cannot be copied to one without). Every script that takes --qr checks it with this
 * before it touches the emulator.
 */
export function posterOption(path: string): "png" | "jpeg" {
  let head: Buffer;
  try {
    // The emulator opens the poster by its path: a pipe or a device will not do, and reading one
    // here would wait for a writer (a FIFO) or never end (/dev/zero). stat first, which does neither.
    const stats = statSync(path);
    if (!stats.isFile() && !stats.isDirectory()) {
      throw new InputError(`is not a regular file (a ${stats.isFIFO() ? "pipe" : stats.isSocket() ? "socket" : "device"}); the emulator reads its poster from a file`, {
        where: path,
        hint: "save the QR code as a PNG file first, e.g. aosp-sim qr payload.json -o qr.png",
      });
    }
    // The format is in the first bytes; the image itself is the emulator's to read.
    head = readFileBoundedSync(path, { limit: 64 }).bytes;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw fileReadError(error, path, "a PNG or JPEG image of the QR code");
  }
  const format = sniffImageFormat(head);
  if (format !== "png" && format !== "jpeg") {
    throw new InputError(`is ${format ?? "not an image"}; the virtual scene shows PNG and JPEG posters only`, {
      where: path,
      hint: "render the payload as a PNG: aosp-sim qr payload.json -o qr.png",
    });
  }
  // The emulator splits its -virtualscene-poster option at spaces: such a path is copied to the
  // temporary folder (posterForEmulator), which will not do when it has spaces too or cannot take
  // a folder (reset checks this before it stops the emulator).
  if (/\s/.test(resolve(path))) {
    const temp = posterCopyParent();
    if (/\s/.test(temp)) {
      throw new InputError(`has a space in its path, which the emulator's -virtualscene-poster option cannot hold, and so has the temporary folder ${temp} it would be copied to`, {
        where: path,
        hint: "move the QR code to a path without spaces, or set TMPDIR to a folder without spaces",
      });
    }
    const problem = folderUnusable(temp);
    if (problem !== null) throw posterCopyError(path, `no folder can be made in the temporary folder ${temp} (${problem})`);
  }
  return format;
}

/**
 * Where a poster's copy goes: the temporary folder, as an absolute path (a relative TMPDIR would
 * give the emulator a path it reads later, from its own working folder).
 */
function posterCopyParent(): string {
  return resolve(tmpdir());
}

/** Why no folder can be made in `folder` (missing, not a folder, not writable), or null. */
function folderUnusable(folder: string): string | null {
  try {
    if (!statSync(folder).isDirectory()) return "ENOTDIR";
    accessSync(folder, constants.W_OK | constants.X_OK);
    return null;
  } catch (error) {
    return errorCode(error);
  }
}

/**
 * Stops the emulator start launched, and waits (briefly) until it is gone: SIGKILL to its process
 * group, as the emulator may run its qemu binary as a child, then to the process itself should the
 * group be gone already. SIGKILL, not SIGTERM: an emulator told to quit saves its Quickboot
 * snapshot, and a half-booted one is not worth keeping.
 */
async function stopEmulator(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
  await Promise.race([exited, sleep(2_000)]);
}

function launch(args: string[], log: string): ChildProcess {
  const fd = openSync(log, "w");
  try {
    const child = spawn("emulator", args, { detached: true, stdio: ["ignore", fd, fd] });
    child.on("error", () => {}); // reported by bootWait through `exited`
    return child;
  } finally {
    closeSync(fd);
  }
}

/** Waits for adb to see the device and for sys.boot_completed, failing early if the emulator exits. */
async function bootWait(adb: Adb, child: ChildProcess, log: string, options: StartOptions, io: ScriptIo): Promise<void> {
  const clock = options.clock ?? { now: () => Date.now(), sleep: (ms: number) => sleep(ms) };
  const deadline = clock.now() + options.bootTimeoutMs;
  const exited = new Promise<never>((_, reject) => {
    const fail = (how: string) => reject(new ScriptFailure(`the emulator ${how} before it booted:\n${tail(log)}`, exitFix(readLog(log), options.avd)));
    child.once("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
    child.once("error", (error) => fail(`could not be started (${error.message})`));
  });
  exited.catch(() => {});
  // Ctrl-C or SIGTERM ends the wait at once (the caller then stops the emulator).
  const interrupted = new Promise<never>((_, reject) => {
    const stopped = () => reject(new Error("interrupted"));
    if (options.signal?.aborted) stopped();
    else options.signal?.addEventListener("abort", stopped, { once: true });
  });
  interrupted.catch(() => {});
  const ended = [exited, interrupted];
  const hint = "allow longer with --boot-timeout, or start from a snapshot (--snapshot); a cold boot without hardware acceleration can take many minutes";
  // An emulator that dies leaves wait-for-device waiting: stop it then, not at its timeout.
  const stopWaiting = new AbortController();
  exited.catch(() => stopWaiting.abort());
  const signal = options.signal === undefined ? stopWaiting.signal : AbortSignal.any([stopWaiting.signal, options.signal]);
  // wait-for-device spends the boot's budget, so running out there is the boot's timeout, said as such.
  const attached = adb.run(["wait-for-device"], { timeoutMs: Math.max(1, deadline - clock.now()), signal }).catch(async (error: unknown) => {
    if (!(error instanceof AdbError && error.kind === "timeout")) throw error;
    // wait-for-device waits for the state "device" (adb's help: wait-for-STATE), so an emulator adb
    // lists as unauthorized is waited for until the timeout: said as what it is, with its fix.
    const state = (await listDevices().catch(() => new Map<string, string>())).get(adb.serial);
    if (state === "unauthorized") throw unauthorizedAtStart(adb.serial, options);
    const listed = state === undefined ? "" : ` (adb lists it as "${state}")`;
    throw new ScriptFailure(`timed out after ${formatSeconds(options.bootTimeoutMs)} waiting for adb to see ${adb.serial}${listed}`, hint);
  });
  attached.catch(() => {}); // when the emulator exits or a signal comes first, the race below has said so
  await Promise.race([...ended, attached]);
  io.progress(`${adb.serial} is attached; waiting for the boot to complete`);
  const booted = waitFor(
    `${adb.serial} to finish booting (sys.boot_completed = 1)`,
    async () => {
      // A wait already given up (the emulator exited, a signal) polls no more.
      if (signal.aborted) throw new Error("no longer waited for");
      try {
        return (await adb.shell("getprop sys.boot_completed")).trim() === "1" ? true : undefined;
      } catch (error) {
        // adbd can drop the connection once early in a cold boot, after wait-for-device has
        // returned: an offline device is asked again, within the boot's budget.
        if (error instanceof AdbError && error.kind === "offline") return undefined;
        throw error;
      }
    },
    { timeoutMs: options.bootTimeoutMs, deadline, intervalMs: options.pollMs ?? 2_000, hint, clock },
  );
  booted.catch(() => {});
  await Promise.race([...ended, booted]);
}

/**
 * An emulator start launched that adb lists as unauthorised. It was launched by this start and is
 * stopped as the start fails, so the fix is another start: with -wipe-data, which empties the keys
 * it trusts; after a -wipe-data boot, the key it was handed (~/.android/adbkey.pub, which the
 * emulator replaces with a key pair of its own when the file is missing) is not adb's.
 * docs/emulator-facts.md §6.
 */
function unauthorizedAtStart(serial: string, options: StartOptions): AdbError {
  const fix = options.wipeData
    ? "it was started with -wipe-data, so it trusts the key in ~/.android/adbkey.pub when it booted: check that the file exists and is the key of the adb server you use (`adb kill-server` and `adb start-server` make one when it is missing), then start it again"
    : `${EMULATOR_TRUSTS}: start it again with -wipe-data (\`aosp-sim emulator start --avd ${options.avd} --wipe-data\`)`;
  return new AdbError("unauthorized", `${serial} has not authorised this computer for USB debugging`, fix);
}

/**
 * The fix for an emulator that exited before it booted, by what its log says. It refuses an AVD
 * another emulator runs ("Running multiple emulators with the same AVD is an experimental
 * feature", when it cannot lock the AVD's hardware-qemu.ini: android-qemu2-glue/main.cpp), locks
 * a crashed emulator leaves behind too (hardware-qemu.ini.lock, multiinstance.lock); else the usual cause is no hardware acceleration.
 */
function exitFix(said: string, avd: string): string {
  if (/Running multiple emulators with the same AVD/.test(said)) {
    return `another emulator runs the AVD ${avd} (\`adb devices\` lists it under its own port): stop it (\`adb -s emulator-PORT emu kill\`) or use it; when none runs it, an emulator that crashed left its locks: remove hardware-qemu.ini.lock and multiinstance.lock from the AVD's folder (~/.android/avd/${avd}.avd, or ${avd}.avd under ANDROID_AVD_HOME)`;
  }
  return "read its log; on Linux the emulator needs /dev/kvm (hardware acceleration)";
}

function readLog(log: string): string {
  return existsSync(log) ? readFileSync(log, "utf8") : "";
}

/** The last lines of the emulator's log, indented, for a failure message. */
function tail(log: string): string {
  const lines = readLog(log).trim().split("\n").filter(Boolean).slice(-8);
  return lines.length > 0 ? lines.map((l) => `    ${l}`).join("\n") : "    (its log is empty)";
}
