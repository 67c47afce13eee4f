import type { Command } from "commander";

// Placeholder until the command lands; replaced by its real implementation.
export function registerDecode(program: Command): void {
  program.command("decode").description("(in progress)");
}
