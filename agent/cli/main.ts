#!/usr/bin/env node
/**
 * `aosp-sim`: the command-line entry point. This file only wires commands together; each
 * command lives in its own file next to it and registers itself on the program.
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import { EXIT_USAGE, err, printError } from "./output.js";
import { registerDecode } from "./decode.js";
import { registerValidate } from "./validate.js";
import { registerQr } from "./qr.js";
import { registerEnroll } from "./enroll.js";
import { registerRun } from "./run.js";
import { registerDiagram } from "./diagram.js";
import { registerServe } from "./serve.js";

function packageVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  try {
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

export function buildProgram(): Command {
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

  registerDecode(program);
  registerValidate(program);
  registerQr(program);
  registerEnroll(program);
  registerRun(program);
  registerDiagram(program);
  registerServe(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // Commander's own usage errors would exit 1; the contract says 2 for usage errors.
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ["commander.helpDisplayed", "commander.version", "commander.help"];
      process.exitCode = benign.includes(error.code) ? 0 : EXIT_USAGE;
      return;
    }
    printError(`aosp-sim: internal error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = EXIT_USAGE;
  }
}

await main(process.argv);
