/**
 * The `aosp-sim` program: the commands wired together (each lives in its own file next to this one
 * and registers itself), commander's usage errors turned into the contract's exit 2 with a fix
 * line, and `main`, which the entry point (main.ts) runs once its signal handlers are in place.
 */
import { packageVersion } from "../protocol/version.js";
import { Command, CommanderError } from "commander";
import { InputError } from "../protocol/errors.js";
import { EXIT_USAGE, outputErrorHandler, printJson, reportError } from "./output.js";

/** What a command's module gives: a function that adds the command to the program. */
type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: the device, the service and the image decoders take
 * hundreds of milliseconds to load, and `aosp-sim validate payload.json` should not pay for them.
 * Listed in the order `--help` shows them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  decode: async () => (await import("./decode.js")).registerDecode,
  validate: async () => (await import("./validate-command.js")).registerValidate,
  qr: async () => (await import("./qr.js")).registerQr,
  serve: async () => (await import("./serve.js")).registerServe,
  enroll: async () => (await import("./enroll.js")).registerEnroll,
  run: async () => (await import("./run.js")).registerRun,
  replay: async () => (await import("./replay.js")).registerReplay,
  show: async () => (await import("./show.js")).registerShow,
  fleet: async () => (await import("./fleet.js")).registerFleet,
  "merge-reports": async () => (await import("./merge-reports.js")).registerMergeReports,
  diagram: async () => (await import("./diagram.js")).registerDiagram,
  compare: async () => (await import("./compare.js")).registerCompare,
  emulator: async () => (await import("./emulator.js")).registerEmulator,
};

/** The commands to register for these arguments: the one named, or all of them (help, typos). */
function commandsFor(argv: string[]): string[] {
  const name = argv[2];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
}

/** The program with the commands `argv` needs (the one it names, or all of them), their modules loaded. */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command("aosp-sim")
    .description(
      "Simulates an Android (AOSP) device enrolling out of the box into an Intune-style\n" +
        "device-management service, and checks the QR codes that start it.",
    )
    .version(packageVersion(), "-V, --version", "Print the version number")
    // Set before the commands are added, which inherit the help option (commander copies it).
    .helpOption("-h, --help", "Print help for the command")
    .helpCommand("help [command]", "Print help for a command")
    // Commander's usage errors are printed by main(), with the fix line every error gets.
    .configureOutput({ outputError: () => {} })
    .exitOverride();

  const registers = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  return program;
}

/**
 * A single-valued option given twice (`--seed 1 --seed 2`, `--junit a.xml --junit b.xml`):
 * commander keeps the last value, silently (a.xml was never written). A usage error, with its fix.
 */
class RepeatedOptionError extends CommanderError {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(EXIT_USAGE, "aosp-sim.repeatedOption", message);
  }
}

/**
 * Refuses a repeated option that takes one value, as a fault given twice is refused. Options meant
 * to repeat collect their values in a list (`--fault`, `--threshold`, `--only`: a list default) and
 * are left alone, as are flags (`--json` twice asks the same).
 */
function refuseRepeatedOptions(command: Command): void {
  const repeatable = command.options.filter((o) => o.variadic || Array.isArray(o.defaultValue)).map((o) => o.long ?? o.short);
  for (const option of command.options) {
    if ((!option.required && !option.optional) || option.variadic || Array.isArray(option.defaultValue)) continue;
    const flag = option.long ?? option.short ?? option.name();
    let first: string | undefined;
    command.on(`option:${option.name()}`, (value: string | undefined) => {
      const given = value === undefined ? flag : `${flag} ${value}`;
      if (first === undefined) {
        first = given;
        return;
      }
      const list = repeatable.length < 2 ? repeatable.join("") : `${repeatable.slice(0, -1).join(", ")} and ${repeatable.at(-1)}`;
      const others = repeatable.length === 0 ? `no option of ${commandPath(command)} repeats` : `only ${list} ${repeatable.length === 1 ? "repeats" : "repeat"}`;
      throw new RepeatedOptionError(`${given}: ${flag} was given before (${first}), and takes one value`, `give ${flag} once (${others})`);
    });
  }
}

/** How to put a commander usage error right, by its code: the README promises a `fix:` line. */
function usageFix(error: CommanderError, program: Command, command: Command | undefined): string {
  if (error instanceof RepeatedOptionError) return error.fix;
  const name = command ? commandPath(command) : program.name();
  const usage = command ? `usage: ${name} ${command.usage()}` : "";
  switch (error.code) {
    case "commander.unknownCommand":
      // The commands of the one that was given the unknown name (`emulator bogus`: emulator's own).
      return commandsFix(command ?? program);
    case "commander.help":
      return `name one: \`${name} --help\` says what each does`;
    case "commander.unknownOption":
      return `check the spelling; \`${name} --help\` lists the options`;
    case "commander.optionMissingArgument":
      return `put the option's value right after it; \`${name} --help\` says what it takes`;
    case "commander.missingArgument":
    case "commander.excessArguments":
      return `${usage} (\`${name} --help\` explains each argument)`;
    default:
      return `\`${name} --help\` shows how to use it`;
  }
}

/** Where to find the commands `command` takes, listing them. */
function commandsFix(command: Command): string {
  return `run \`${commandPath(command)} --help\` for the commands (${command.commands.map((c) => c.name()).join(", ")})`;
}

/**
 * The name `help NAME` was given when `command` has no command of that name (`aosp-sim help
 * bogus`): Commander then shows the help as for no name at all, which said "no command given".
 */
function unknownHelpTopic(argv: string[], command: Command): string | undefined {
  const args = optionArgs(argv).slice(2);
  const at = args.indexOf("help");
  const topic = at === -1 ? undefined : args[at + 1];
  return topic !== undefined && !command.commands.some((c) => c.name() === topic || c.aliases().includes(topic)) ? topic : undefined;
}

/** The usage error for a command run without one of its subcommands. */
function missingCommand(command: Command): string {
  return `no command given: \`${commandPath(command)}\` takes one of ${command.commands.map((c) => c.name()).join(", ")}`;
}

/** A command's full name, its parents' first (`aosp-sim emulator start`). */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Every command under `program`, nested ones (`emulator start`) included. */
function allCommands(program: Command): Command[] {
  return program.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** The command line before any `--`: what may be options (commander may fail before it parses them). */
function optionArgs(argv: string[]): string[] {
  const end = argv.indexOf("--");
  return end === -1 ? argv : argv.slice(0, end);
}

/** validate's `--format FORMAT`; diagram's `--format json` is the diagram's format, not a request for JSON errors. */
function validateFormatRequested(options: string[], format: string): boolean {
  return options.includes("validate") &&
    options.some((arg, i) => arg === `--format=${format}` || (arg === "--format" && options[i + 1] === format));
}

/** `--json` on the command line, or validate's `--format json` (its help: "as --json"). */
function jsonRequested(argv: string[]): boolean {
  const options = optionArgs(argv);
  return options.includes("--json") || validateFormatRequested(options, "json");
}

/** validate's `--format sarif` without `--json`: a usage error is then a SARIF log on stdout too. */
function sarifRequested(argv: string[]): boolean {
  const options = optionArgs(argv);
  return !options.includes("--json") && validateFormatRequested(options, "sarif");
}

/**
 * Runs the command line `argv`, setting process.exitCode. `loaded` is called once the command's
 * modules are loaded, before it runs (the entry point hands its loading-time signal handlers back).
 */
export async function main(argv: string[], loaded: () => void = () => {}): Promise<void> {
  process.stdout.on("error", outputErrorHandler("stdout"));
  process.stderr.on("error", outputErrorHandler("stderr"));
  let program: Command | undefined;
  let failedCommand: Command | undefined;
  try {
    program = await buildProgram(argv);
    loaded();
    for (const command of allCommands(program)) {
      // Commander's own usage errors would exit 1; the contract says 2 for usage errors.
      command.exitOverride();
      // Remember which command failed to parse, so the fix line can show its usage.
      command.configureOutput({
        outputError: () => { failedCommand = command; },
        // Help shown on stderr is help shown for a missing command: remember whose.
        writeErr: (text) => { failedCommand = command; process.stderr.write(text); },
      });
      refuseRepeatedOptions(command);
    }
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // `help()` with an error (exit code 1) is Commander's answer to a missing command: a usage error.
      const benign = ["commander.helpDisplayed", "commander.version"];
      if (benign.includes(error.code) || (error.code === "commander.help" && error.exitCode === 0)) {
        process.exitCode = 0;
        return;
      }
      const topic = error.code === "commander.help" ? unknownHelpTopic(argv, failedCommand ?? program!) : undefined;
      const message =
        topic !== undefined ? `unknown command '${topic}'` : error.code === "commander.help" ? missingCommand(failedCommand ?? program!) : error.message.replace(/^error: /, "");
      const usage = new InputError(message, { hint: topic !== undefined ? commandsFix(failedCommand ?? program!) : usageFix(error, program!, failedCommand) });
      if (sarifRequested(argv)) printJson((await import("./validate-sarif.js")).sarifFailureLog(usage, "usage"));
      reportError(usage, { json: jsonRequested(argv), kind: "usage" });
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.exitCode = reportError(error, { json: jsonRequested(argv) });
  }
}

