/**
 * The benchmarks' command-line options: node:util's parseArgs underneath, with numbers checked
 * and every mistake said in one line with the bench's usage, exit 2. Before, an unknown option
 * ended in parseArgs' stack trace, and `--devices abc` ran until runFleet threw on NaN devices.
 *
 *   const args = benchOptions("bench:fleet", { devices: { kind: "count", default: 10000 }, dist: { kind: "text" } });
 *   args.devices   // a number, checked
 *
 * `--help` (`-h`) prints the usage, made from the same table, and exits 0.
 */
import { parseArgs } from "node:util";
import { parseDuration } from "../agent/device/duration.js";

/** A whole number from `min` (default 1) to `max`. */
interface CountOption {
  kind: "count";
  default: number;
  min?: number;
  max?: number;
  /** The value's name in the usage line (default N). */
  arg?: string;
}
/** A finite number greater than `above` (default 0). */
interface NumberOption {
  kind: "number";
  default: number;
  above?: number;
  arg?: string;
}
/** A duration as the CLI writes it (30s, 24h, 0s), read in milliseconds. */
interface DurationOption {
  kind: "duration";
  default: string;
  arg?: string;
}
interface TextOption {
  kind: "text";
  default?: string;
  arg?: string;
}
/** Repeatable: every value given, in order. */
interface ListOption {
  kind: "list";
  arg?: string;
}
interface FlagOption {
  kind: "flag";
}
/** `internal`: set by the bench for its own child process, and left out of the usage. */
export type BenchOption = (CountOption | NumberOption | DurationOption | TextOption | ListOption | FlagOption) & { internal?: boolean };

type ValueOf<O extends BenchOption> = O extends CountOption | NumberOption | DurationOption
  ? number
  : O extends ListOption
    ? string[]
    : O extends FlagOption
      ? boolean
      : O extends { default: string }
        ? string
        : string | undefined;

export type BenchValues<S extends Record<string, BenchOption>> = { [K in keyof S]: ValueOf<S[K]> };

/** A mistake in the options: what is wrong, said for one line. */
export class BenchUsageError extends Error {
  override readonly name = "BenchUsageError";
}

/**
 * `usage: npm run NAME -- [--devices N] [--dist DIR] [--json]` for a bench with an npm script
 * (NAME bench:...), `usage: npx tsx NAME [...]` for one run by its path; from the table.
 */
export function benchUsage(name: string, spec: Record<string, BenchOption>): string {
  const parts = Object.entries(spec)
    .filter(([, o]) => !o.internal)
    .map(([option, o]) => {
      if (o.kind === "flag") return `[--${option}]`;
      const arg = o.arg ?? (o.kind === "count" || o.kind === "number" ? "N" : o.kind === "duration" ? "DURATION" : option.toUpperCase());
      // An arg written "=--FLAG" is a value that must follow "=".
      const given = `--${option}${arg.startsWith("=") ? arg : ` ${arg}`}`;
      return o.kind === "list" ? `[${given}]...` : `[${given}]`;
    });
  const script = name.startsWith("bench:") ? `npm run ${name}` : `npx tsx ${name}`;
  if (parts.length === 0) return `usage: ${script} (it takes no options)`;
  return `usage: ${name.startsWith("bench:") ? `${script} --` : script} ${parts.join(" ")}`;
}

/** Reads `argv` against the table; throws BenchUsageError for anything it cannot take. */
export function parseBenchOptions<S extends Record<string, BenchOption>>(spec: S, argv: string[]): BenchValues<S> & { help: boolean } {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = { help: { type: "boolean", short: "h" } };
  for (const [option, o] of Object.entries(spec)) options[option] = o.kind === "flag" ? { type: "boolean" } : { type: "string", ...(o.kind === "list" ? { multiple: true } : {}) };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, allowPositionals: false, strict: true }));
  } catch (error) {
    // parseArgs names the option and what is wrong with it (unknown; no value; a value that
    // starts with a dash, which needs `--option=-value`), in up to three lines: said as one.
    throw new BenchUsageError((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " "));
  }
  const out: Record<string, unknown> = { help: values["help"] === true };
  for (const [option, o] of Object.entries(spec)) {
    const given = values[option];
    switch (o.kind) {
      case "flag":
        out[option] = given === true;
        break;
      case "list":
        out[option] = (given as string[] | undefined) ?? [];
        break;
      case "text":
        out[option] = (given as string | undefined) ?? o.default;
        break;
      case "count": {
        const min = o.min ?? 1;
        const text = given as string | undefined;
        const value = text === undefined ? o.default : /^\d+$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(value) || value < min || (o.max !== undefined && value > o.max)) {
          const range = o.max === undefined ? `of at least ${min}` : `from ${min} to ${o.max}`;
          throw new BenchUsageError(`--${option} ${text}: not a whole number ${range}`);
        }
        out[option] = value;
        break;
      }
      case "duration": {
        const text = (given as string | undefined) ?? o.default;
        const ms = parseDuration(text);
        if (ms === null || ms < 0) throw new BenchUsageError(`--${option} ${text}: not a duration (e.g. 30s, 24h, 0s)`);
        out[option] = ms;
        break;
      }
      case "number": {
        const above = o.above ?? 0;
        const text = given as string | undefined;
        const value = text === undefined ? o.default : /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isFinite(value) || value <= above) throw new BenchUsageError(`--${option} ${text}: not a number greater than ${above}`);
        out[option] = value;
        break;
      }
    }
  }
  return out as BenchValues<S> & { help: boolean };
}

/**
 * The process's options for bench `name` (its npm script): on a mistake, one line and the usage
 * on stderr, exit 2; with --help, the usage on stdout, exit 0.
 */
export function benchOptions<S extends Record<string, BenchOption>>(name: string, spec: S, argv = process.argv.slice(2)): BenchValues<S> {
  const usage = benchUsage(name, spec);
  try {
    const values = parseBenchOptions(spec, argv);
    if (values.help) {
      console.log(usage);
      process.exit(0);
    }
    return values;
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`${name}: ${error.message}\n${usage}`);
    process.exit(2);
  }
}
