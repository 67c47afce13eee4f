/**
 * The virtual device's flash: a key-value store that survives power loss and is erased by a
 * factory reset. In memory for tests and fleets; in a directory for the CLI (one file per key,
 * written atomically: a power cut never leaves half a file).
 */
import { accessSync, constants, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError, isNotFound } from "../../protocol/errors.js";
import { makeFolder } from "../../protocol/make-folder.js";
import { OWNER_ONLY_FILE, OWNER_ONLY_FOLDER } from "../../protocol/owner-only.js";
import type { StoragePort } from "../ports.js";
import { utf8Text } from "../../protocol/utf8.js";
import { deepFreeze } from "../../protocol/deep-freeze.js";
import { checkPathArgument } from "../../protocol/path-argument.js";

export class MemoryStorage implements StoragePort {
  private readonly files = new Map<string, Uint8Array>();
  /** Every array this storage holds (and so hands out): see write. */
  private readonly stored = new WeakSet<Uint8Array>();

  /**
   * The stored bytes themselves, not a copy (see StoragePort.read): a device reads the same
   * package file to verify, install and enable it, and its parsed manifest is kept by the bytes
   * object (readPackageManifest), so it is parsed once.
   */
  read(key: string): Uint8Array | null {
    return this.files.get(key) ?? null;
  }

  /**
   * Stores a copy, except of bytes this storage handed out (which nobody modifies, see read):
   * installing a package stores its staged file again under its installed name, and the same
   * object keeps its parsed manifest (readPackageManifest) instead of being copied and parsed again.
   */
  write(key: string, bytes: Uint8Array): void {
    const stored = this.stored.has(bytes) ? bytes : new Uint8Array(bytes);
    this.stored.add(stored);
    this.files.set(key, stored);
  }

  remove(key: string): void {
    this.files.delete(key);
  }

  keys(prefix = ""): string[] {
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  eraseAll(): void {
    this.files.clear();
  }
}

/** Keys map to file names with "/" turned into "__" so every key is one file in one folder. */
export class DirectoryStorage implements StoragePort {
  /** Creates the directory if needed; an unusable one is an InputError naming it. */
  constructor(readonly dir: string) {
    checkPathArgument("new DirectoryStorage", "dir", dir, "device-1");
    makeDirectory(dir);
    try {
      accessSync(dir, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw new InputError(`cannot be used for the device's storage (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
        where: dir,
        hint: "use a directory you can read and write",
      });
    }
  }

  read(key: string): Uint8Array | null {
    try {
      return new Uint8Array(readFileSync(this.path(key)));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  write(key: string, bytes: Uint8Array): void {
    const target = this.path(key);
    const temporary = `${target}.tmp`;
    // The device's files hold its enrollment token, Wi-Fi key and credential: its owner's alone.
    writeFileSync(temporary, bytes, { mode: OWNER_ONLY_FILE });
    renameSync(temporary, target);
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true });
  }

  keys(prefix = ""): string[] {
    return readdirSync(this.dir)
      .filter((name) => !name.endsWith(".tmp"))
      .map((name) => decodeURIComponent(name.replace(/__/g, "/")))
      .filter((k) => k.startsWith(prefix))
      .sort();
  }

  eraseAll(): void {
    for (const name of readdirSync(this.dir)) rmSync(join(this.dir, name), { force: true, recursive: true });
  }

  /** The file a key is kept in, for messages. */
  locate(key: string): string {
    return this.path(key);
  }

  private path(key: string): string {
    return join(this.dir, encodeURIComponent(key).replace(/%2F/gi, "__"));
  }
}

/** The storage folder, made if missing; one that cannot be is an InputError naming where it fails. */
function makeDirectory(dir: string): void {
  const problem = makeFolder(dir, OWNER_ONLY_FOLDER);
  if (problem === null) return;
  if (problem.code === "ENOTDIR") {
    throw new InputError("is not a directory", { where: problem.at, hint: "give a directory for the device's storage (it is created if missing)" });
  }
  throw new InputError(`cannot be created (${problem.reason})`, { where: dir, hint: "give a directory in a place you can write to" });
}

/** A JSON file the device keeps: its key, what it should hold (for messages) and a check of that. */
export interface StoredJson<T> {
  key: string;
  /** "a list of installed packages": completes "should hold ...". */
  holds: string;
  is(value: unknown): value is T;
}

const DAMAGED_HINT = "delete the file to let the device forget what it held, or delete the directory's contents to start over";

/**
 * A stored JSON file, or null when the device has none. A `--device-dir` may hold anything, so
 * the value is checked: a file that is not JSON or not of its shape is an InputError naming the
 * file, as a damaged snapshot is (stored-snapshot.ts), never a crash deep inside a step.
 */
export function readJson<T>(storage: StoragePort, file: StoredJson<T>): Readonly<T> | null {
  const bytes = storage.read(file.key);
  if (bytes === null) return null;
  const known = parsedFiles.get(bytes);
  if (known !== undefined) return known as T;
  const where = storage.locate?.(file.key) ?? file.key;
  let value: unknown;
  try {
    value = JSON.parse(utf8Text(bytes));
  } catch (error) {
    throw new InputError(`is not JSON (${(error as Error).message}); it should hold ${file.holds}`, { where, hint: DAMAGED_HINT });
  }
  if (!file.is(value)) throw new InputError(`does not hold ${file.holds}`, { where, hint: DAMAGED_HINT });
  parsedFiles.set(bytes, deepFreeze(value));
  return value;
}

/**
 * Stored files already parsed, by the bytes object read (MemoryStorage hands out the same one
 * until the file is written again): the package manager reads its list of installed packages a
 * dozen times while a device enrolls. The values are frozen, as they are shared.
 */
const parsedFiles = new WeakMap<Uint8Array, unknown>();

export function writeJson(storage: StoragePort, key: string, value: unknown): void {
  storage.write(key, Buffer.from(JSON.stringify(value), "utf8"));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An object whose `fields` are all non-empty strings. */
export function hasStrings(value: unknown, fields: readonly string[]): value is Record<string, string> {
  return isRecord(value) && fields.every((f) => typeof value[f] === "string" && value[f] !== "");
}

/**
 * The flash as the device's parts write it: with the power cut (`powered` false), what they write
 * or remove does not reach it. A step under way when the battery is pulled lives on in this
 * process until its actor is stopped (an install with no time to take finished first: it recorded
 * the app and removed its download from staging after the cut, while the snapshot kept
 * installingAgent, and a later process resumed into "the downloaded file is gone"). Reads are the
 * flash's own. The runtime writes its snapshot to the flash itself, as power goes.
 */
export class PoweredStorage implements StoragePort {
  constructor(
    private readonly flash: StoragePort,
    private readonly gate: { readonly powered: boolean },
  ) {}

  read(key: string): Uint8Array | null {
    return this.flash.read(key);
  }

  write(key: string, bytes: Uint8Array): void {
    if (this.gate.powered) this.flash.write(key, bytes);
  }

  remove(key: string): void {
    if (this.gate.powered) this.flash.remove(key);
  }

  keys(prefix?: string): string[] {
    return this.flash.keys(prefix);
  }

  locate(key: string): string {
    return this.flash.locate?.(key) ?? key;
  }

  eraseAll(): void {
    if (this.gate.powered) this.flash.eraseAll();
  }
}
