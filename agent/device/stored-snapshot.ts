/**
 * The machine snapshot a device keeps on its flash (saved after every step), read back when the
 * device boots. A directory given with `--device-dir` may hold anything, so the snapshot is
 * checked before XState sees it: a file that is not JSON, a state this machine does not have (a
 * snapshot from another version), or a step whose running actor is missing would otherwise crash
 * the restore or leave the device stuck. A problem is an InputError naming the storage.
 */
import type { AnyStateNode, Snapshot } from "xstate";
import { InputError } from "../protocol/errors.js";
import { initialContext } from "../machine/context-updates.js";
import { deviceMachine } from "../machine/device-machine.js";
import { activePaths, statePaths } from "../machine/state-paths.js";
import type { DeviceIdentity } from "../machine/types.js";
import type { StoragePort } from "./ports.js";
import { utf8Text } from "../protocol/utf8.js";

export const SNAPSHOT_KEY = "system/machine-snapshot.json";

/**
 * The field of the stored snapshot that holds the time it was taken: the device's base clock
 * (its clock before any skew or time set on it), ms since the epoch. A simulated clock starts at
 * each process's real time, and a device resumed in another process must not read a time before
 * the one it had lived to (its check-in alarm was set on that clock): create-device.ts moves a
 * simulated clock on to it.
 */
export const CLOCK_AT = "clockAt";

export interface StoredDevice {
  /** What XState restores the device machine from. */
  snapshot: Snapshot<unknown>;
  /** Who the stored device is (its serial number is the hardware's, whatever the caller asked). */
  identity: DeviceIdentity;
  /** The base clock's reading when the snapshot was taken (CLOCK_AT); null in a snapshot stored before it was kept. */
  clockAt: number | null;
}

const HINT = "use an empty directory for a new device, or delete this one's contents to start over";

/** The stored device, or null when the storage holds none (a device fresh out of the box). */
export function readStoredSnapshot(storage: StoragePort, where: string): StoredDevice | null {
  const bytes = storage.read(SNAPSHOT_KEY);
  if (bytes === null) return null;
  const problem = (what: string) => new InputError(`holds a device snapshot that ${what}`, { where, hint: HINT });
  let value: unknown;
  try {
    value = JSON.parse(utf8Text(bytes));
  } catch (error) {
    throw problem(`is not JSON (${(error as Error).message})`);
  }
  if (!isObject(value) || value["status"] !== "active" || !isObject(value["context"]) || !isObject(value["children"])) {
    throw problem("is not one this simulator saved (no active state, context and children)");
  }
  const identity = value["context"]["identity"];
  if (!isIdentity(identity)) throw problem("has no device identity (serial number, model, manufacturer, Android version)");
  if (!isObject(value["context"]["settings"])) throw problem("has no device settings");

  const known = new Set(statePaths(deviceMachine));
  const paths = activePaths(value["value"]);
  if (paths.length === 0) throw problem("names no state");
  for (const path of paths) {
    if (!known.has(path)) throw problem(`is in state "${path}", which this device does not have (saved by another version?)`);
  }
  const children = value["children"];
  for (const path of paths) {
    const node = stateNode(path);
    if (node.type === "compound" && !paths.some((p) => p.startsWith(`${path}.`))) {
      throw problem(`is in "${path}" without saying which of its steps`);
    }
    for (const invoke of node.invoke) {
      if (!isObject(children[invoke.id])) throw problem(`is in "${path}" but lost its running step "${invoke.id}"`);
    }
  }
  const { [CLOCK_AT]: clockAt, ...machineSnapshot } = value;
  if (clockAt !== undefined && !Number.isSafeInteger(clockAt)) throw problem(`has a "${CLOCK_AT}" that is not a time in milliseconds (${JSON.stringify(clockAt)})`);
  // Fields a newer simulator added take their out-of-the-box values.
  const context = { ...initialContext({ identity }), ...value["context"] };
  return { snapshot: { ...machineSnapshot, context } as unknown as Snapshot<unknown>, identity, clockAt: (clockAt as number | undefined) ?? null };
}

function stateNode(path: string): AnyStateNode {
  let node: AnyStateNode = deviceMachine.root;
  for (const key of path.split(".")) node = node.states[key]!;
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIdentity(value: unknown): value is DeviceIdentity {
  return (
    isObject(value) &&
    ["serialNumber", "model", "manufacturer", "osVersion"].every((k) => typeof value[k] === "string" && value[k] !== "")
  );
}
