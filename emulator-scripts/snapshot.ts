/**
 * `aosp-sim emulator snapshot save|load|list [NAME] --serial emulator-5554`: the emulator
 * console's snapshots (`adb emu avd snapshot save NAME`, `... load NAME`, `... list`), e.g. a
 * device saved at the welcome screen and loaded before each enrollment, instead of a cold boot
 * with -wipe-data. After a load the script waits until the device answers again.
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
    await adb.emu(`avd snapshot ${options.action} ${name}`, timeout);
    if (options.action === "load") {
      await waitFor(`${options.serial} to answer after loading "${name}"`, async () => {
        try {
          await requireBooted(adb);
          return true;
        } catch {
          return undefined;
        }
      }, { timeoutMs: options.timeoutMs, intervalMs: options.pollMs ?? 1_000, hint: timeout.timeoutFix });
    }
    return `${options.action === "save" ? "saved" : "loaded"} snapshot "${name}" on ${options.serial}`;
  });
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
  const avd = await avdName(adb).catch(() => "AVD");
  throw new ScriptFailure(
    `${adb.serial}'s console answered nothing to \`avd snapshot list\`, not even OK (adb 36 prints no console answer when the console asks no authentication)`,
    `the snapshots are the folders in ~/.android/avd/${avd}.avd/snapshots (under $ANDROID_AVD_HOME when it is set): list them there`,
  );
}
