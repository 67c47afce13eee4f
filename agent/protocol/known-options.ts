/**
 * Option names a library call knows, and the refusal of any other: a JavaScript caller (or one
 * whose options are typed `any`) who writes `db` for `dbFile` or `sead` for `seed` would
 * otherwise get the default silently (a service that keeps nothing, a random fleet), as the CLI
 * never does with an unknown flag.
 */
import { closestName } from "./closest-name.js";
import { givenValue } from "./given-value.js";

/**
 * The option names of an options type, written as `{ name: true, ... }`: the compiler then holds
 * the list to the type (a name missing or one too many does not compile), so a new option cannot
 * be forgotten here and refused.
 */
export function optionNames<T extends object>(names: Record<keyof Required<T>, true>): readonly string[] {
  return Object.keys(names);
}

/**
 * Throws a TypeError for the first own property of `options` that is not in `known`, naming it,
 * the closest known name and the known ones: `startMockService: unknown option "db" (did you
 * mean dbFile?); it takes port, host, dbFile, ...`.
 */
function refuseUnknownOptions(call: string, options: object, known: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const near = nearestOption(name, known);
    throw new TypeError(`${call}: unknown option ${JSON.stringify(name)}${near === null ? "" : ` (did you mean ${near}?)`}; it takes ${known.join(", ")}`);
  }
}

/**
 * Refuses what a library call cannot take as its options: anything but a plain object (a
 * TypeError saying what it takes, `hint` an example such as `e.g. { port: 0 }`), then any option
 * name it does not know (refuseUnknownOptions).
 */
export function checkOptions(call: string, options: unknown, known: readonly string[], hint: string): asserts options is object {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${call} takes its options as an object, ${hint} (got ${givenValue(options)})`);
  }
  refuseUnknownOptions(call, options, known);
}

/**
 * The known name a mistyped one most likely meant: a near spelling (`sead`, `adminTokn`), or
 * else a name that holds it or that it holds, case ignored (`db` for dbFile, `timeout` for
 * httpTimeoutMs), which edit distance alone finds too far.
 */
function nearestOption(name: string, known: readonly string[]): string | null {
  const near = closestName(name, known, Math.max(2, Math.floor(name.length / 3)));
  if (near !== null || name.length < 2) return near;
  const folded = name.toLowerCase();
  return known.find((k) => k.toLowerCase().includes(folded) || folded.includes(k.toLowerCase())) ?? null;
}
