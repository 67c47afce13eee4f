/**
 * The virtual device's flash: a key-value store that survives power loss and is erased by a
 * factory reset. In memory for tests and fleets; in a directory for the CLI (one file per key,
 * written atomically: a power cut never leaves half a file).
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isNotFound } from "../../errors.js";
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
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
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

export function readJson<T>(storage: StoragePort, key: string): T | null {
  const bytes = storage.read(key);
  if (bytes === null) return null;
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
}

export function writeJson(storage: StoragePort, key: string, value: unknown): void {
  storage.write(key, Buffer.from(JSON.stringify(value), "utf8"));
}
