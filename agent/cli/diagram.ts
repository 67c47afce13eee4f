/**
 * `aosp-sim diagram [--format mermaid|json]`: the device machine, read from its definition.
 */
import type { Command } from "commander";
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { deviceMachine } from "../machine/device-machine.js";
import { machineDiagram, machineMermaid } from "../machine/diagram.js";
import { action, printJson } from "./output.js";

export function registerDiagram(program: Command): void {
  program
    .command("diagram")
    .description("Print the device's state machine: Mermaid (for docs) or JSON (for visualizers and tools).")
    .option("--format <format>", "mermaid or json", "mermaid")
    .option("--depth <n>", "Mermaid: only states this many levels deep (1 = the top-level flow)")
    .addHelpText(
      "after",
      "\nJSON: {id, initial, states: [{path, type, initial, description, screen, tags, invokes,\n" +
        "transitions: [{event, targets, guard}]}]}. State paths are what --fault power-loss@STATE takes.",
    )
    .action(
      action(async (options: { format: string; depth?: string }) => {
        if (options.format !== "mermaid" && options.format !== "json") {
          throw new InputError(`unknown format "${options.format}"`, { where: "--format", hint: "use mermaid or json" });
        }
        const depth = options.depth === undefined ? undefined : parseDepth(options.depth);
        if (options.format === "json") {
          if (depth !== undefined) {
            throw new InputError("shapes the Mermaid drawing only", { where: "--depth", hint: "the JSON always lists every state (filter it by path); drop --depth or use --format mermaid" });
          }
          printJson(machineDiagram(deviceMachine));
          return;
        }
        process.stdout.write(machineMermaid(deviceMachine, depth === undefined ? {} : { depth }));
      }),
    );
}

/** Decimal digits only (before, Number() read 0x2 as 2, 1e0 as 1). */
function parseDepth(text: string): number {
  const depth = decimalNumber(text);
  if (!(depth >= 1)) {
    throw new InputError(`"${text}" is not a depth`, { where: "--depth", hint: "use a whole number, 1 or more, in decimal digits" });
  }
  return depth;
}
