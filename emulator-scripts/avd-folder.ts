/**
 * An AVD's folder on this computer and the snapshots in it, found as the emulator finds them, so
 * that `start --snapshot NAME` can refuse a snapshot the AVD does not have.
 *
 * The emulator does not refuse one. `-snapshot NAME` becomes `-loadvm NAME` for its qemu
 * (android-qemu2-glue/main.cpp), whose quickboot load fails at once when
 * `snapshots/NAME/snapshot.pb` cannot be opened (Snapshot::preload, FailureReason::NoSnapshotPb),
 * and Quickboot::decideFailureReport then says "Cold boot: missing snapshot files" in the window
 * (which -no-window does not have) and boots cold (aosp-mirror/platform_external_qemu,
 * android/android-emu/android/snapshot). docs/emulator-facts.md §8.
 *
 * Where the emulator looks for AVDs depends on its version when anything but ANDROID_AVD_HOME
 * moves them (ANDROID_PREFS_ROOT, ANDROID_SDK_HOME, ANDROID_EMULATOR_HOME ...: ConfigDirs::
 * getAvdRootDirectory), so then the folder is not guessed: null, and nothing is refused.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";

/** Variables that move the AVDs elsewhere in a way that differs between emulator versions. */
const OTHER_HOMES = ["ANDROID_PREFS_ROOT", "ANDROID_SDK_HOME", "ANDROID_EMULATOR_HOME", "ANDROID_USER_HOME"] as const;

/**
 * The folder the emulator keeps the AVD's state in (NAME.avd, with its snapshots), or null when
 * it cannot be told: the AVDs are moved by a variable other than ANDROID_AVD_HOME, or the AVD's
 * NAME.ini or its folder is not where the emulator would look first.
 */
export function avdFolder(avd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const root = avdRoot(env);
  if (root === null) return null;
  let ini: string;
  try {
    ini = readFileSync(join(root, `${avd}.ini`), "utf8");
  } catch {
    return null;
  }
  // NAME.ini says where the folder is: `path` (absolute), else `path.rel` (from the folder
  // holding the AVD root, ~/.android); avdmanager writes both. Without either, NAME.avd beside it.
  const said = (key: string) => new RegExp(`^${key.replace(".", "\\.")}\\s*=\\s*(.+?)\\s*$`, "m").exec(ini)?.[1];
  const path = said("path");
  const rel = said("path.rel");
  const candidates = [path, rel === undefined ? undefined : isAbsolute(rel) ? rel : join(dirname(root), rel), join(root, `${avd}.avd`)];
  return candidates.find((candidate): candidate is string => candidate !== undefined && isFolder(candidate)) ?? null;
}

/**
 * The AVD's snapshots, by name, sorted: the folders in its `snapshots` folder that hold a
 * `snapshot.pb`, the file the emulator's load opens first (a folder without one it boots cold from).
 */
export function snapshotsOf(folder: string): string[] {
  const base = join(folder, "snapshots");
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  return names.filter((name) => isFile(join(base, name, "snapshot.pb"))).sort();
}

/** The emulator's AVD root: ANDROID_AVD_HOME when it is a folder, else ~/.android/avd unless another variable moves it. */
function avdRoot(env: NodeJS.ProcessEnv): string | null {
  const avdHome = env["ANDROID_AVD_HOME"];
  if (avdHome !== undefined && avdHome !== "" && isFolder(avdHome)) return avdHome;
  if (OTHER_HOMES.some((name) => (env[name] ?? "") !== "")) return null;
  return join(homedir(), ".android", "avd");
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
