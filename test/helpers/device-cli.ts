/**
 * Running `aosp-sim` as a user does: the built CLI (dist/, `npm run build` first) in a child
 * process, with its exit code, stdout and stderr; and a temporary folder per test file.
 */
import { constants as osConstants } from "node:os";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

/** The built CLI's entry point. */
export const MAIN = fileURLToPath(new URL("../../dist/agent/cli/main.js", import.meta.url));

export interface CliResult {
  /** The exit code; for a process a signal ended, 128 + its number, as a shell reports it. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended the process, if one did. */
  signal?: NodeJS.Signals;
}

export interface CliOptions {
  input?: string;
  env?: Record<string, string>;
  /** The folder it runs in (default: this process's). */
  cwd?: string;
  /** Sees stderr as it comes (all of it so far), with a way to signal the process (Ctrl-C, a CI cancelling). */
  onStderr?: (stderr: string, signal: (name: NodeJS.Signals) => void) => void;
  /** Sees stdout as it comes (all of it so far): a signal sent when the device's timeline reaches a step. */
  onStdout?: (stdout: string, signal: (name: NodeJS.Signals) => void) => void;
  /** Called once the process is started, with a way to signal it (for a run that prints nothing until it ends: --json), and its pid. */
  onSpawn?: (signal: (name: NodeJS.Signals) => void, pid: number) => void;
  /** Kills the CLI (SIGKILL) after this long: a test of "never hangs" then fails on its result, leaving no process spinning. */
  killAfterMs?: number;
}

export function aospSim(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const signal = (name: NodeJS.Signals) => child.kill(name);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
      options.onStdout?.(stdout, signal);
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString("utf8");
      options.onStderr?.(stderr, signal);
    });
    const killer = options.killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.killAfterMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve(signal ? { code: 128 + (osConstants.signals[signal] ?? 0), stdout, stderr, signal } : { code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
    options.onSpawn?.(signal, child.pid!);
  });
}

/** A temporary folder removed after the file's tests; `file(name)` is a path inside it. */
export function deviceTempDir(prefix = "aosp-device-cli-"): { file: (name: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { file: (name) => join(dir, name) };
}
