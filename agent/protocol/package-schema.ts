/**
 * The JSON Schemas the package ships in schemas/ (published with it: package.json "files"), read
 * by the code that checks files against them as well as by people and other tools.
 */
import { readFileSync } from "node:fs";

/** A schema file of schemas/, parsed: from the source tree (agent/protocol/) or the build (dist/agent/protocol/). */
export function packageSchema(file: string): object {
  for (const relative of [`../../schemas/${file}`, `../../../schemas/${file}`]) {
    try {
      return JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as object;
    } catch {
      // try the next location
    }
  }
  throw new Error(`schemas/${file} is missing from the installation`);
}
