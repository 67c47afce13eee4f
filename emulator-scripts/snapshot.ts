/**
 * `aosp-sim emulator snapshot save|load|list [NAME] --serial emulator-5554`: the emulator
 * console's snapshots (`adb emu avd snapshot save NAME`, `... load NAME`, `... list`), e.g. a
 * device saved at the welcome screen and loaded before each enrollment, instead of a cold boot
 * with -wipe-data. After a load the script waits until the device answers again.
 *
 * adb 36 can print no console answer at all (docs/emulator-facts.md §2), and a refusal is lost with
 * it: then a save is confirmed by the console's snapshot list, and a load by a file written on the
 * device just before it (a state loaded from a snapshot does not have it). What cannot be confirmed
 * is a failure that says how to check by hand, never a success.
 */
import { Adb } from "../agent/device/adb/adb.js";
import { avdName, requireBooted, ScriptFailure, waitFor, withScreenshotOnFailure, type ScriptIo } from "./common.js";

export type SnapshotAction = "save" | "load" | "list";

export interface SnapshotOptions {
  serial: string;
  action: SnapshotAction;
  name?: string;
  timeoutMs: number;
  pollMs?: number;
}

export const SNAPSHOT_HELP = `
save NAME: saves the running emulator's state; load NAME: returns to it (and waits until the device
answers); list: the snapshots the AVD has. Emulators only (the console's \`avd snapshot\`).
Exit: 0 done, 1 failed (a screenshot is saved when possible), 2 bad options.`;

export async function snapshot(options: SnapshotOptions, io: ScriptIo): Promise<string> {
  const adb = new Adb(options.serial);
  return withScreenshotOnFailure(adb, `snapshot-${options.action}`, io, async () => {
    await adb.requireOnline();
    if (options.action === "list") return listSnapshots(adb);
    const name = options.name;
    if (name === undefined) throw new ScriptFailure(`snapshot ${options.action} needs a NAME`);
    const timeout = { timeoutMs: options.timeoutMs, timeoutFix: "allow longer with --timeout" };
    if (options.action === "save") return saveSnapshot(adb, name, timeout);
    // Written before the load, so that a load can be confirmed when adb loses the console's answer.
    await adb.shell(`touch ${LOAD_MARKER}`, timeout);
    const said = await adb.emu(`avd snapshot load ${name}`, timeout).catch(async (error: unknown) => {
      await adb.shell(`rm -f ${LOAD_MARKER}`, timeout).catch(() => {});
      throw error;
    });
    await waitFor(`${options.serial} to answer after loading "${name}"`, async () => {
      try {
        await requireBooted(adb);
        return true;
      } catch {
        return undefined;
      }
    }, { timeoutMs: options.timeoutMs, intervalMs: options.pollMs ?? 1_000, hint: timeout.timeoutFix });
    const kept = (await adb.shellOutput(`ls ${LOAD_MARKER}`, timeout)).code === 0;
    if (kept) await adb.shell(`rm -f ${LOAD_MARKER}`, timeout);
    if (said.trim() !== "") return `loaded snapshot "${name}" on ${options.serial}`;
    if (kept) {
      throw new ScriptFailure(
        `${options.serial} did not load snapshot "${name}": ${LOST} to \`avd snapshot load ${name}\`, and a file written on the device just before the load is still there, so the device's state is not the snapshot's (a console refusal, e.g. no snapshot by that name, is lost with the answer)`,
        `check the name with \`aosp-sim emulator snapshot list --serial ${options.serial}\` (or the folders in ${await snapshotsFolder(adb)})`,
      );
    }
    return `loaded snapshot "${name}" on ${options.serial} (${LOST}; confirmed: a file written on the device just before the load is gone, as the snapshot's state has no such file)`;
  });
}

/** Where loadSnapshot leaves a file before the load: a state loaded from a snapshot does not have it. */
const LOAD_MARKER = "/data/local/tmp/aosp-sim-snapshot-load-marker";

/** What adb 36 does to a console answer where the console asks no authentication (docs/emulator-facts.md §2). */
const LOST = "adb printed no console answer, not even OK (adb 36 loses the console's answer when the console asks no authentication)";

/**
 * `avd snapshot save NAME`. When adb loses the console's answer (an empty text, not even OK), a
 * refusal is lost with it: the console's snapshot list is asked whether NAME is there, and when
 * that answer is lost too the save is said to be unconfirmed, with where to look on the host.
 */
async function saveSnapshot(adb: Adb, name: string, timeout: { timeoutMs: number; timeoutFix: string }): Promise<string> {
  const said = await adb.emu(`avd snapshot save ${name}`, timeout);
  if (said.trim() !== "") return `saved snapshot "${name}" on ${adb.serial}`;
  const list = await adb.emu("avd snapshot list", timeout);
  if (list.trim() === "") {
    throw new ScriptFailure(
      `could not confirm that ${adb.serial} saved snapshot "${name}": ${LOST} to \`avd snapshot save ${name}\`, nor to \`avd snapshot list\``,
      `look for the folder ${name} in ${await snapshotsFolder(adb)}: it is there when the save was done`,
    );
  }
  if (!listHas(list, name)) {
    throw new ScriptFailure(
      `${adb.serial} did not save snapshot "${name}": ${LOST} to \`avd snapshot save ${name}\`, and the console's \`avd snapshot list\` does not have it (a refusal is lost with the answer)`,
      `try again, and look for why in the emulator's log (aosp-sim emulator start writes it to OUTPUT/${adb.serial}.log)`,
    );
  }
  return `saved snapshot "${name}" on ${adb.serial} (${LOST}; confirmed: the console's snapshot list has it)`;
}

/** Whether the console's `avd snapshot list` names `name` as a snapshot's tag (a word of its own on a line). */
function listHas(list: string, name: string): boolean {
  return list.split("\n").some((line) => line.trim().split(/\s+/).includes(name));
}

/** The AVD's snapshots folder on the host, as a user would find it (docs/emulator-facts.md §2). */
async function snapshotsFolder(adb: Adb): Promise<string> {
  const avd = await avdName(adb).catch(() => "AVD");
  return `~/.android/avd/${avd}.avd/snapshots (under $ANDROID_AVD_HOME when it is set)`;
}

/**
 * The console's `avd snapshot list`, its closing OK taken off. An answer with nothing at all, not
 * even the OK every console answer ends with, is adb 36's console client losing the answer (it
 * prints nothing for `adb emu` where the console asks no authentication; docs/emulator-facts.md
 * §2): that is said, with where the snapshots are on the host, rather than printed as no snapshots.
 */
async function listSnapshots(adb: Adb): Promise<string> {
  const said = await adb.emu("avd snapshot list");
  if (said.trim() !== "") return said.replace(/\nOK\s*$/, "").trim();
  throw new ScriptFailure(
    `${adb.serial}'s console answered nothing to \`avd snapshot list\`, not even OK (adb 36 prints no console answer when the console asks no authentication)`,
    `the snapshots are the folders in ${await snapshotsFolder(adb)}: list them there`,
  );
}
