/**
 * The files a folder given to `validate` holds, for a print run: every regular file under it,
 * whatever its name, since an input is told apart by content (a PNG saved without an extension,
 * a `.jpe`, a WebP the decoder cannot read are all checked, the last reported unreadable). What is
 * not checked is named, never dropped in silence: hidden entries (a name starting with "."), which
 * are the system's and tools' own files (.DS_Store, .git, AppleDouble `._` files) and would fail
 * every run made on a Mac, and entries that are no regular file (a FIFO would block the read).
 * A symbolic link to a file is followed; one to a folder is followed only into a folder not yet
 * walked, so a link back up the tree cannot loop or check a file twice.
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative } from "node:path";

/** A folder's files to check (sorted by path) and what it held that is not checked, with why. */
export interface FolderContents {
  files: string[];
  skipped: { path: string; why: "hidden" | "not a regular file" | "a folder that cannot be read" }[];
}

/** The real path of a folder, or null when it cannot be resolved (then it is not walked). */
async function realFolder(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}

/** What an entry is, a symbolic link taken as what it points at ("missing" for a broken one). */
async function kindOf(path: string, entry: Dirent): Promise<"file" | "folder" | "other" | "missing"> {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "folder";
  if (!entry.isSymbolicLink()) return "other";
  try {
    const target = await stat(path);
    return target.isFile() ? "file" : target.isDirectory() ? "folder" : "other";
  } catch {
    return "missing";
  }
}

/** Walks `folder` as the module comment says. */
export async function folderContents(folder: string): Promise<FolderContents> {
  const found: FolderContents = { files: [], skipped: [] };
  const walked = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realFolder(dir);
    if (real === null || walked.has(real)) return;
    walked.add(real);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      found.skipped.push({ path: dir, why: "a folder that cannot be read" });
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith(".")) {
        found.skipped.push({ path, why: "hidden" });
        continue;
      }
      const kind = await kindOf(path, entry);
      if (kind === "folder") await walk(path);
      // A broken link is listed: reading it says "no such file", and the run says so.
      else if (kind === "file" || kind === "missing") found.files.push(path);
      else found.skipped.push({ path, why: "not a regular file" });
    }
  };
  await walk(folder);
  const byPath = (a: string, b: string) => (relative(folder, a) < relative(folder, b) ? -1 : 1);
  found.files.sort(byPath);
  found.skipped.sort((a, b) => byPath(a.path, b.path));
  return found;
}
