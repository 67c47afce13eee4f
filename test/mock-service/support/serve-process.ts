/**
 * `aosp-sim serve` as a separate process, the way users and CI run it: started from the built
 * CLI, ready once its first stdout line arrives, stopped with a signal.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { CLI, ROOT } from "../../payload/support/cli.js";

export const FIRST_LINE = /^aosp-sim mock service listening on (http:\/\/\S+) admin token (\S+)$/;

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  firstLine: string;
  url: string;
  adminToken: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Starts `aosp-sim serve <args>` and waits for its first line (or its exit). */
export function startServe(args: string[], timeoutMs = 20_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on("close", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve printed no first line within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const newline = out.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      const firstLine = out.slice(0, newline);
      const match = FIRST_LINE.exec(firstLine);
      resolve({
        child,
        firstLine,
        url: match?.[1] ?? "",
        adminToken: match?.[2] ?? "",
        stdout: () => out,
        stderr: () => err,
        exited,
      });
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString("utf8");
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ServeExited(code, out, err));
    });
  });
}

/** serve ended before printing its first line (e.g. a usage error). */
export class ServeExited extends Error {
  constructor(
    readonly code: number | NodeJS.Signals,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`serve exited with ${code} before its first line: ${stderr}`);
  }
}

/** Sends a signal and waits for the exit, failing after a timeout rather than hanging. */
export async function stop(serve: ServeProcess, signal: NodeJS.Signals = "SIGTERM", timeoutMs = 10_000): Promise<number | NodeJS.Signals> {
  serve.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      serve.child.kill("SIGKILL");
      reject(new Error(`serve did not exit within ${timeoutMs} ms of ${signal}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([serve.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
