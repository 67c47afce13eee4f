/**
 * Runs one command in the test's own process, as the CLI would (commander, the command's
 * `action` wrapper, process.exitCode), with its stdout and stderr captured: for what needs this
 * process's state faked (a terminal stdin) or should not pay for a child process.
 */
import { Command } from "commander";
import { vi } from "vitest";

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCommand(register: (program: Command) => void, args: string[]): Promise<InProcessResult> {
  const written = { stdout: "", stderr: "" };
  const out = vi.spyOn(process.stdout, "write").mockImplementation((text) => ((written.stdout += String(text)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((text) => ((written.stderr += String(text)), true));
  const exitCode = process.exitCode;
  try {
    const program = new Command("aosp-sim").exitOverride();
    register(program);
    await program.parseAsync(["node", "aosp-sim", ...args]);
    return { code: Number(process.exitCode ?? 0), ...written };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = exitCode;
  }
}
