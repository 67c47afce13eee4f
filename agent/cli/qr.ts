import type { Command } from "commander";

// Placeholder until the command lands; replaced by its real implementation.
export function registerQr(program: Command): void {
  program.command("qr").description("(in progress)");
}
