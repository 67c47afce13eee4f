// The package.json that npm packs, without the scripts that run only in a clone of the repository.
//
// `prepare` builds dist/ after `npm ci` in a clone (README "Set up"). npm never runs it when a
// project installs the packed package (it runs `prepare` for git and folder sources only), but
// npm 11 still lists a published `prepare` among the install scripts a project must approve
// (allowScripts), and warns on every install from the tarball. So `npm pack` and `npm publish`
// build first and then strip it (`prepack`), and put package.json back as it was (`postpack`).
// npm reads the manifest it packs after `prepack`, from the file.
//
// Usage: tsx scripts/pack-manifest.ts strip|restore
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Scripts that belong to a clone of the repository, not to an installed package. */
export const CLONE_ONLY_SCRIPTS = ["prepare"];

/** package.json's text without the clone-only scripts, formatted as npm writes it. */
export function packedManifest(text: string): string {
  const manifest = JSON.parse(text) as { scripts?: Record<string, string> };
  for (const name of CLONE_ONLY_SCRIPTS) delete manifest.scripts?.[name];
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const root = resolve(import.meta.dirname, "..");
const manifestFile = join(root, "package.json");
/** package.json as it was before `strip`, until `restore` puts it back (ignored by git; not in `files`, so never packed). */
const savedFile = join(root, "package.json.unpacked");

function restore(): void {
  if (!existsSync(savedFile)) return;
  writeFileSync(manifestFile, readFileSync(savedFile));
  rmSync(savedFile);
}

if (resolve(process.argv[1] ?? "") === resolve(import.meta.filename)) {
  const command = process.argv[2];
  if (command === "strip") {
    // A pack that failed before its postpack left package.json stripped: put it back first.
    restore();
    const text = readFileSync(manifestFile, "utf8");
    writeFileSync(savedFile, text);
    writeFileSync(manifestFile, packedManifest(text));
  } else if (command === "restore") {
    restore();
  } else {
    process.stderr.write(`usage: tsx scripts/pack-manifest.ts strip|restore (got ${command ?? "nothing"})\n`);
    process.exit(2);
  }
}
