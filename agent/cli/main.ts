#!/usr/bin/env node
/**
 * `aosp-sim`: the command-line entry point. This file only wires commands together; each
 * command lives in its own file next to it and registers itself on the program.
 */
import { packageVersion } from "../protocol/version.js";
import { Command, CommanderError } from "commander";
import { EXIT_USAGE, err, reportError } from "./output.js";

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: the device, the service and the image decoders take
 * hundreds of milliseconds to load, and `aosp-sim validate payload.json` should not pay for them.
 * Listed in the order `--help` shows them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  decode: async () => (await import("./decode.js")).registerDecode,
  validate: async () => (await import("./validate.js")).registerValidate,
  qr: async () => (await import("./qr.js")).registerQr,
  serve: async () => (await import("./serve.js")).registerServe,
  enroll: async () => (await import("./enroll.js")).registerEnroll,
  run: async () => (await import("./run.js")).registerRun,
  fleet: async () => (await import("./fleet.js")).registerFleet,
  "merge-reports": async () => (await import("./merge-reports.js")).registerMergeReports,
  diagram: async () => (await import("./diagram.js")).registerDiagram,
};

/** The commands to register for these arguments: the one named, or all of them (help, typos). */
function commandsFor(argv: string[]): string[] {
  const name = argv[2];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command("aosp-sim")
    .description(
      "Simulates an Android (AOSP) device enrolling out of the box into an Intune-style\n" +
        "device-management service, and checks the QR codes that start it.",
    )
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      outputError: (text, write) => write(err.red(text)),
    })
    .exitOverride();

  const registers = await Promise.all(commandsFor(argv).map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  return program;
}

/**
 * When the reader of our output goes away (`aosp-sim diagram | head -1`), stop quietly, as Unix
 * tools do, instead of dying on an unhandled EPIPE with a stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  try {
    const program = await buildProgram(argv);
    // Commander's own usage errors would exit 1; the contract says 2 for usage errors.
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ["commander.helpDisplayed", "commander.version", "commander.help"];
      process.exitCode = benign.includes(error.code) ? 0 : EXIT_USAGE;
      return;
    }
    process.exitCode = reportError(error);
  }
}

await main(process.argv);
