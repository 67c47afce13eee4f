/**
 * The virtual device's flash: a key-value store that survives power loss and is erased by a
 * factory reset. In memory for tests and fleets; in a directory for the CLI (one file per key,
 * written atomically: a power cut never leaves half a file).
 */
import { accessSync, constants, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputError, isNotFound } from "../../protocol/errors.js";
import type { StoragePort } from "../ports.js";

export class MemoryStorage implements StoragePort {
  private readonly files = new Map<string, Uint8Array>();

  read(key: string): Uint8Array | null {
    const bytes = this.files.get(key);
    return bytes === undefined ? null : new Uint8Array(bytes);
  }

  write(key: string, bytes: Uint8Array): void {
    this.files.set(key, new Uint8Array(bytes));
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
    writeFileSync(temporary, bytes);
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

  private path(key: string): string {
    return join(this.dir, encodeURIComponent(key).replace(/%2F/gi, "__"));
  }
}

/**
 * `mkdir -p`, one level at a time: Node's recursive mkdirSync never returns for a path under
 * /proc, and reports a file in the way only as EEXIST.
 */
function makeDirectory(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
    throw new InputError("is not a directory", { where: dir, hint: "give a directory for the device's storage (it is created if missing)" });
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (!isNotFound(error)) throw cannotCreate(dir, error);
  }
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw cannotCreate(dir, error);
  }
}

function cannotCreate(dir: string, error: unknown): InputError {
  return new InputError(`cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
    where: dir,
    hint: "give a directory in a place you can write to",
  });
}

export function readJson<T>(storage: StoragePort, key: string): T | null {
  const bytes = storage.read(key);
  if (bytes === null) return null;
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
}

export function writeJson(storage: StoragePort, key: string, value: unknown): void {
  storage.write(key, Buffer.from(JSON.stringify(value), "utf8"));
}
