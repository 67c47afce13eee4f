/**
 * Running the Android SDK's command-line tools (`adb`, `emulator`) found on PATH, with a timeout
 * on every call, and turning their failures into errors that say what is missing.
 *
 * The tools are spawned rather than driven through an adb client library (such as
 * @devicefarmer/adbkit, which speaks to the adb server on port 5037): spawning keeps the whole
 * stack testable with a fake `adb` first on PATH, and every command here is one a person could
 * type to reproduce what the simulator did.
 */
import { spawn } from "node:child_process";
import { parseDevices } from "./parse.js";

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** What went wrong, for callers that act on it (an offline device, a tool not installed). */
export type AdbFailure = "notInstalled" | "noServer" | "offline" | "noDevice" | "unauthorized" | "timeout" | "failed";

export class AdbError extends Error {
  override readonly name = "AdbError";
  constructor(
    readonly kind: AdbFailure,
    message: string,
    /** How to put it right, one sentence. */
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes for the tool's stdin. */
  input?: Uint8Array;
  /**
   * The fix to give when this call times out, from a caller whose user can allow it longer
   * ("allow longer with --install-timeout"). Without it the fix names no option: most calls
   * have a fixed limit, and a fix pointing at an option the command does not have misleads.
   */
  timeoutFix?: string;
}

const INSTALL_HINTS: Record<string, string> = {
  adb: "install the Android SDK platform-tools and put the folder holding adb on PATH (e.g. $ANDROID_HOME/platform-tools)",
  emulator: "install the Android SDK emulator package and put $ANDROID_HOME/emulator on PATH",
};

/** Runs `tool args...`; resolves with its output whatever its exit code, rejects only if it cannot run or times out. */
export function runTool(tool: string, args: readonly string[], options: RunOptions): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(() =>
        reject(
          new AdbError(
            "timeout",
            `\`${tool} ${args.join(" ")}\` gave no answer within ${formatSeconds(options.timeoutMs)}`,
            options.timeoutFix ?? fixedTimeoutFix(tool, args),
          ),
        ),
      );
    }, options.timeoutMs);
    const onAbort = () => {
      child.kill("SIGKILL");
      finish(() => reject(options.signal?.reason ?? new Error("aborted")));
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", (error: NodeJS.ErrnoException) => {
      finish(() =>
        reject(
          error.code === "ENOENT"
            ? new AdbError("notInstalled", `\`${tool}\` was not found on PATH`, INSTALL_HINTS[tool] ?? `put ${tool} on PATH`)
            : new AdbError("failed", `\`${tool}\` could not be run: ${error.message}`, `check that ${tool} is executable`),
        ),
      );
    });
    child.on("close", (code) =>
      finish(() => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8"), code: code ?? 1 })),
    );
    child.stdin.on("error", () => {}); // the tool may exit before reading its input
    child.stdin.end(options.input ?? "");
  });
}

/**
 * What to do about a call whose time limit no option changes (a `getprop`, a `dumpsys`: they
 * answer in a second when the device and adb are well), so waiting longer is not the fix.
 */
function fixedTimeoutFix(tool: string, args: readonly string[]): string {
  if (tool === "adb") {
    return "check that the device is running and answers (`adb devices` lists it as \"device\"); if adb itself hangs, restart its server (`adb kill-server`) and try again";
  }
  return `run \`${tool} ${args.join(" ")}\` by hand to see why it does not answer`;
}

export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * adb's words when its server is not running and could not be started: the client prints
 * "* daemon not running; starting now at tcp:5037", then "* failed to start daemon", and fails with
 * "cannot connect to daemon" (platform/system/core adb/adb_client.cpp, adb_connect; "adb:" or
 * "error:" before it by version). Said on one line with what to try, rather than those lines.
 */
export function serverProblem(stderr: string): AdbError | null {
  if (!/\bcannot connect to daemon\b|\bfailed to start daemon\b/.test(stderr)) return null;
  return new AdbError(
    "noServer",
    "adb's server is not running and could not be started (adb: cannot connect to daemon)",
    "run `adb kill-server`, then `adb start-server`, which says why it does not start (another adb version's server, or port 5037 taken by another program)",
  );
}

/**
 * adb's own words for a device it cannot reach, as adb 34-36 print them ("adb: device offline",
 * "adb: device 'emulator-5556' not found"; older versions say "error:" instead of "adb:").
 */
export function deviceProblem(serial: string, stderr: string): AdbError | null {
  const server = serverProblem(stderr);
  if (server) return server;
  if (/\bdevice offline\b/.test(stderr)) {
    return new AdbError(
      "offline",
      `${serial} is offline (adb sees it but it does not answer)`,
      `wait for it to finish booting, or restart it: \`adb -s ${serial} reconnect\`, or \`adb kill-server\` and try again`,
    );
  }
  if (/\bdevice unauthorized\b/.test(stderr)) {
    return new AdbError("unauthorized", `${serial} has not authorised this computer for USB debugging`, unauthorizedFix(serial));
  }
  if (/device '.*' not found|no devices\/emulators found|device not found/.test(stderr)) {
    return new AdbError("noDevice", `no device ${serial} is attached`, "start it (`aosp-sim emulator start`) and check `adb devices` lists it");
  }
  return null;
}

/**
 * `adb devices`: serial -> state. An AdbError when adb does not answer with a list (its server
 * would not start): an empty list read from a failed call would say every device is gone.
 */
export async function listDevices(): Promise<Map<string, string>> {
  const result = await runTool("adb", ["devices"], { timeoutMs: 30_000 });
  if (result.code !== 0) {
    const said = result.stderr.trim().split("\n").pop() ?? "";
    throw serverProblem(result.stderr) ?? new AdbError("failed", `\`adb devices\` failed (exit ${result.code}): ${said}`, "run `adb devices` by hand to see why");
  }
  return parseDevices(result.stdout.toString("utf8"));
}

/**
 * The fix for an unauthorised device. A person accepts the prompt on a phone; an emulator started
 * headless (-no-window) shows its prompt to no one, and it trusts the key it was given at its first
 * boot after a wipe: the emulator hands the host's adb key to the system image as the property
 * ro.boot.qemu.adb.pubkey, which the image copies to /data/misc/adb/adb_keys only when that file
 * does not exist yet (device/generic/goldfish init/init.adb-setup.ranchu.sh). docs/emulator-facts.md §6.
 */
function unauthorizedFix(serial: string): string {
  if (!/^emulator-\d+$/.test(serial)) return "accept the \"Allow USB debugging?\" prompt on the device";
  return `${EMULATOR_TRUSTS}: reset it (\`aosp-sim emulator reset --serial ${serial}\`), which starts its AVD again with -wipe-data`;
}

/** Why an emulator is unauthorised, for a fix that then says what to do (unauthorizedFix, start's own). */
export const EMULATOR_TRUSTS = "the emulator trusts the adb key it was given at its first boot after a wipe, not this computer's now (~/.android/adbkey.pub)";

/** One device, addressed by serial: `adb -s SERIAL ...`. */
export class Adb {
  constructor(
    readonly serial: string,
    /** Default timeout of one adb command. */
    readonly timeoutMs = 30_000,
  ) {}

  /** `adb -s SERIAL args...`; throws AdbError when the device cannot be reached or the command times out. */
  async run(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ToolResult> {
    const result = await runTool("adb", ["-s", this.serial, ...args], { timeoutMs: options.timeoutMs ?? this.timeoutMs, ...options });
    if (result.code !== 0) {
      const problem = deviceProblem(this.serial, result.stderr);
      if (problem) throw problem;
    }
    return result;
  }

  /**
   * `adb -s SERIAL shell COMMAND`, its stdout as text. A non-zero exit is an AdbError naming the
   * command, unless the output matches `options.accept`: adb returns the remote exit status
   * (shell protocol v2, Android 7+), and some commands exit non-zero with an answer to read.
   */
  async shell(command: string, options: Partial<RunOptions> & { accept?: RegExp } = {}): Promise<string> {
    const { accept, ...run } = options;
    const result = await this.run(["shell", command], run);
    const text = result.stdout.toString("utf8");
    if (result.code !== 0 && !(accept?.test(`${text}\n${result.stderr}`) ?? false)) {
      const said = (result.stderr || text).trim().split("\n").slice(-2).join(" ");
      throw new AdbError("failed", `\`adb shell ${command}\` failed (exit ${result.code}): ${said}`, "run the same command by hand to see why");
    }
    return text;
  }

  /**
   * `adb -s SERIAL shell COMMAND` for a command whose refusal is read rather than thrown: its
   * stdout and stderr as one text, and its exit. `dpm` prints its refusal's exception (with the
   * reason Android gives) on stderr and exits 255; `shell` would keep only the stack's last lines.
   */
  async shellOutput(command: string, options: Partial<RunOptions> = {}): Promise<{ text: string; code: number }> {
    const result = await this.run(["shell", command], options);
    return { text: `${result.stdout.toString("utf8")}\n${result.stderr}`, code: result.code };
  }

  /** `adb -s SERIAL emu COMMAND`: the emulator console (emulators only). Throws when it answers KO. */
  async emu(command: string, options: Partial<RunOptions> = {}): Promise<string> {
    const result = await this.run(["emu", ...command.split(" ")], options);
    const text = result.stdout.toString("utf8").replace(/\r/g, "");
    const ko = /^KO:?\s*(.*)$/m.exec(text);
    if (result.code !== 0 || ko) {
      const said = ko?.[1] ?? (result.stderr.trim() || text.trim());
      throw new AdbError("failed", `the emulator console refused \`${command}\`: ${said}`, `is ${this.serial} an emulator? \`adb -s ${this.serial} emu help\` lists what it accepts`);
    }
    return text;
  }

  /** A PNG of the screen (`adb exec-out screencap -p`: raw bytes, no line-ending translation). */
  async screenshot(options: Partial<RunOptions> = {}): Promise<Buffer> {
    const result = await this.run(["exec-out", "screencap", "-p"], options);
    if (result.code !== 0 || !isPng(result.stdout)) {
      throw new AdbError("failed", `no screenshot from ${this.serial}: ${result.stderr.trim() || "screencap printed no PNG"}`, "check the device is booted (`adb shell getprop sys.boot_completed` prints 1)");
    }
    return result.stdout;
  }

  /** `adb -s SERIAL get-state`: "device", "offline", "bootloader", ... */
  async state(): Promise<string> {
    const result = await runTool("adb", ["-s", this.serial, "get-state"], { timeoutMs: this.timeoutMs });
    if (result.code === 0) return result.stdout.toString("utf8").trim();
    const problem = deviceProblem(this.serial, result.stderr);
    if (problem) throw problem;
    throw new AdbError("failed", `adb get-state failed: ${result.stderr.trim()}`, "run `adb devices` to see what adb sees");
  }

  /**
   * Throws AdbError unless the device is attached and online. With `allowUnauthorized`, an
   * unauthorised device passes too, and the answer says which it is: an emulator's console still
   * answers `adb emu` then (reset restarts such an emulator with -wipe-data).
   */
  async requireOnline(options: { allowUnauthorized?: boolean } = {}): Promise<"device" | "unauthorized"> {
    const state = await this.state().catch((error: unknown) => {
      if (options.allowUnauthorized && error instanceof AdbError && error.kind === "unauthorized") return "unauthorized";
      throw error;
    });
    if (state === "device" || (state === "unauthorized" && options.allowUnauthorized)) return state;
    throw deviceProblem(this.serial, `device ${state}`) ??
      new AdbError("offline", `${this.serial} is in state "${state}", not ready`, "wait for it to boot, or restart it");
  }
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}
