/**
 * `--conventions FILE`, one option for every command that checks with the intune-aosp rules
 * (`validate`, `qr`): the same flag, help text, refusal without `--rules intune-aosp`, and file
 * reading (conventions-file.ts), so the intune-aosp findings' advice ("pass them with
 * --conventions FILE") holds wherever they are printed.
 */
import type { Command } from "commander";
import { InputError } from "../protocol/errors.js";
import type { IntuneConventions } from "../protocol/intune-conventions.js";
import type { RuleSetName } from "../payload/index.js";
import { readConventionsFile } from "./conventions-file.js";

/** Adds `--conventions <file>` to a command, worded the same everywhere. */
export function addConventionsOption(command: Command): Command {
  return command.option(
    "--conventions <file>",
    "with --rules intune-aosp: JSON naming your service's admin component and extras keys (default: the mock service's)",
  );
}

/**
 * The conventions the rules use: those of the file given, or undefined (the mock service's). The
 * file without `--rules intune-aosp` is a usage error: nothing would read it.
 */
export async function conventionsOption(path: string | undefined, ruleSet: RuleSetName): Promise<IntuneConventions | undefined> {
  if (path === undefined) return undefined;
  if (ruleSet !== "intune-aosp") {
    throw new InputError("names what the intune-aosp rules check, and no --rules intune-aosp is given", { where: "--conventions", hint: "add --rules intune-aosp" });
  }
  return readConventionsFile(path);
}
