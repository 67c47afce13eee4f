/**
 * The fake Android SDK for tests: test/emulator/fake-tools/{adb,emulator} first on PATH, a
 * scenario of recorded outputs (test/emulator/fixtures/) per test, and the calls they received.
 *
 *   const android = useFakeAndroid();
 *   android.scenario([...bootedDevice(), shell("wm size", file("wm-size.txt"))]);
 *   await provision(...);
 *   expect(android.calls()).toContainEqual(...)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeEach } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));
export const FAKE_TOOLS = join(HERE, "..", "fake-tools");
export const FIXTURES = join(HERE, "..", "fixtures");
export const SERIAL = "emulator-5554";

export interface Reply {
  stdout?: string;
  stdoutFile?: string;
  stderr?: string;
  exit?: number;
  sleepMs?: number;
  holdMs?: number;
}

export interface Rule {
  tool: "adb" | "emulator";
  args?: string;
  prefix?: string;
  when?: string[];
  unless?: string[];
  sets?: string[];
  clears?: string[];
  replies: Reply[];
}

export const file = (name: string): Reply => ({ stdoutFile: name });
export const text = (stdout: string): Reply => ({ stdout });

/** `adb -s SERIAL <args>` answered with `replies` (the last one repeats). */
export function adb(args: string, ...replies: Reply[]): Rule {
  return { tool: "adb", args: `-s ${SERIAL} ${args}`, replies };
}

/** `adb -s SERIAL shell <command>`. */
export function shell(command: string, ...replies: Reply[]): Rule {
  return adb(`shell ${command}`, ...replies);
}

/** Restricts a rule to when the flags are set (and the `unless` ones are not). */
export function when(flags: string[], rule: Rule, unless: string[] = []): Rule {
  return { ...rule, when: flags, unless };
}

/** The rule sets these flags when it answers. */
export function sets(flags: string[], rule: Rule): Rule {
  return { ...rule, sets: flags };
}

/** A booted emulator: online, boot completed, its identity, a screen to capture. */
export function bootedDevice(): Rule[] {
  return [
    adb("get-state", text("device\n")),
    shell("getprop sys.boot_completed", text("1\n")),
    shell("getprop", file("getprop.txt")),
    shell("date +%z", text("+0000\n")),
    adb("exec-out screencap -p", file("screen-welcome.png")),
  ];
}

/** The agent, Company Portal and Authenticator installed (their dumpsys package outputs). */
export function managedAppsInstalled(): Rule[] {
  return [
    shell("dumpsys package com.microsoft.intune.aospagent", file("package-agent.txt")),
    shell("dumpsys package com.microsoft.windowsintune.companyportal", file("package-company-portal.txt")),
    shell("dumpsys package com.azure.authenticator", file("package-authenticator.txt")),
  ];
}

/** adb's answers for a device that is attached but offline (every command). */
export function offlineDevice(): Rule[] {
  return [{ tool: "adb", prefix: `-s ${SERIAL} `, replies: [{ stderr: "adb: device offline\n", exit: 1 }] }];
}

export interface Call {
  tool: string;
  args: string[];
}

export interface FakeAndroid {
  /** Sets the recorded outputs for this test (counters and flags start afresh). */
  scenario(rules: Rule[]): void;
  /** Every call the fake tools received, in order. */
  calls(): Call[];
  /** The calls as command lines ("adb -s emulator-5554 shell wm size"). */
  lines(): string[];
  /** A folder for the test's outputs (screenshots, logs). */
  dir: string;
}

/**
 * Puts the fake tools first on PATH for this test file (vitest runs each file in its own
 * process) and gives each test a fresh scenario, call log and state.
 */
export function useFakeAndroid(): FakeAndroid {
  const dir = mkdtempSync(join(tmpdir(), "aosp-fake-android-"));
  const scenarioFile = join(dir, "scenario.json");
  const logFile = join(dir, "calls.jsonl");
  const stateFile = join(dir, "state.json");
  // The fake tools are node scripts: node must be on PATH too.
  process.env["PATH"] = [FAKE_TOOLS, dirname(process.execPath), process.env["PATH"] ?? ""].join(delimiter);
  process.env["FAKE_ANDROID_SCENARIO"] = scenarioFile;
  process.env["FAKE_ANDROID_LOG"] = logFile;
  process.env["FAKE_ANDROID_STATE"] = stateFile;
  const fresh = () => {
    writeFileSync(logFile, "");
    rmSync(stateFile, { force: true });
  };
  beforeEach(() => {
    fresh();
    writeFileSync(scenarioFile, JSON.stringify({ fixtures: FIXTURES, rules: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const calls = (): Call[] =>
    existsSync(logFile)
      ? readFileSync(logFile, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Call)
      : [];
  return {
    dir,
    scenario(rules) {
      fresh();
      writeFileSync(scenarioFile, JSON.stringify({ fixtures: FIXTURES, rules }));
    },
    calls,
    lines: () => calls().map((c) => [c.tool, ...c.args].join(" ")),
  };
}


/**
 * The fake emulators of this test file still running, by process id (Linux: read from /proc): those
 * launched with -avd whose environment has this file's call log, whoever launched them (a script
 * in this process, or the CLI in a child).
 */
export function fakeEmulatorsRunning(): number[] {
  const marker = `FAKE_ANDROID_LOG=${process.env["FAKE_ANDROID_LOG"]}\0`;
  const running: number[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
      if (command.includes("-avd\0") && state !== "Z" && readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) running.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return running;
}
