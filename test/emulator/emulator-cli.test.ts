/**
 * `aosp-sim emulator ...` and `aosp-sim compare` as a user runs them (the built CLI in a child
 * process, the fake adb first on PATH): exit codes, one JSON document with --json, failures that
 * say what is missing and where the screenshot is, and a simulated enrollment compared with what
 * the emulator reports.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockService, type MockService } from "../../mock-service/index.js";
import { deviceProblem } from "../../agent/device/adb/adb.js";
import { aospSim } from "../helpers/device-cli.js";
import { adb, bootedDevice, fakeEmulatorsRunning, file, offlineDevice, shell, text, useFakeAndroid, type Rule, managedAppsInstalled } from "./support/fake-android.js";

const android = useFakeAndroid();
const path = (name: string) => `${android.dir}/${name}`;
const USER = { upn: "alex@contoso.example", password: "Enroll-Me-2025!" };

const enrolledEmulator = (overrides: Rule[] = []): Rule[] => [
  ...overrides,
  ...bootedDevice(),
  ...managedAppsInstalled(),
  shell("dumpsys device_policy", file("device-policy-intune.txt")),
  shell("dumpsys window", file("window-welcome.txt")),
  shell("cmd wifi status", file("wifi-status-staging.txt")),
];

let service: MockService;
let simulated: string;

beforeAll(async () => {
  service = await startMockService();
  await service.admin.createLicensedUser({ displayName: "Alex Wilber", userPrincipalName: USER.upn, password: USER.password });
  const profile = await service.admin.createProfile({ displayName: "Lab", enrollmentMode: "corporateOwnedAOSPUserAssociatedDevice", configureWifi: true, wifiSsid: "Contoso-Staging", wifiSecurityType: "wpa", wifiPassword: "staging-passphrase" });
  writeFileSync(path("qr.png"), Buffer.from(profile.qrCodeImage.value, "base64"));
  const result = await aospSim(["enroll", path("qr.png"), "--user", USER.upn, "--password", USER.password, "--clock", "simulated", "--seed", "3", "--json"]);
  expect(result.code).toBe(0);
  simulated = path("simulated.json");
  writeFileSync(simulated, result.stdout);
}, 120_000);
afterAll(() => service.close());

describe("aosp-sim emulator and compare, as a user runs them", { timeout: 120_000 }, () => {
  it("finds a simulated enrollment and the emulator's in agreement (exit 0)", async () => {
    android.scenario(enrolledEmulator());
    const verified = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--json", "--output", android.dir]);
    expect(verified.code).toBe(0);
    const summary = JSON.parse(verified.stdout) as { finalState: string; deviceOwner: string };
    expect(summary.finalState).toBe("enrolled");
    writeFileSync(path("emulator.json"), verified.stdout);
    const compared = await aospSim(["compare", simulated, path("emulator.json")]);
    expect(compared.stdout).toMatch(/^same: final state, failure, device owner, apps and step order agree$/m);
    expect(compared.stdout).toMatch(/^ {2}steps a +connectingWifi > downloadingAgent > verifyingAgent > installingAgent > settingDeviceOwner > enrolling > signingIn > installingApps > enrolled$/m);
    expect(compared.code).toBe(0);
  });

  it("exits 1 and names the difference when the emulator lacks an app the simulator installed", async () => {
    android.scenario(enrolledEmulator([shell("dumpsys package com.azure.authenticator", file("package-missing-authenticator.txt"))]));
    const verified = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--json", "--output", android.dir]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toMatch(/^screenshot: .*emulator-5554-verify-failure\.png$/m);
    writeFileSync(path("missing.json"), verified.stdout);
    const compared = await aospSim(["compare", simulated, path("missing.json"), "--json"]);
    expect(compared.code).toBe(1);
    const doc = JSON.parse(compared.stdout) as { same: boolean; differences: { field: string; a: string; b: string; matters: boolean }[] };
    expect(doc.same).toBe(false);
    expect(doc.differences).toContainEqual({ field: "apps/com.azure.authenticator", a: "6.2410.6530", b: "not installed", matters: true });
    expect(doc.differences).toContainEqual({ field: "finalState", a: "enrolled", b: "installingApps", matters: true });
  });

  it("refuses a file that is not a summary (exit 2, with a fix)", async () => {
    writeFileSync(path("not-summary.json"), JSON.stringify({ hello: "world" }));
    const result = await aospSim(["compare", simulated, path("not-summary.json")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not-summary\.json: is not an enrollment summary: no finalState string/);
    expect(result.stderr).toMatch(/fix: give the output of `aosp-sim enroll --json`/);
  });

  it("says the device is offline, how to fix it, and that no screenshot could be taken (exit 1)", async () => {
    android.scenario(offlineDevice());
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--output", android.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aosp-sim emulator: emulator-5554 is offline \(adb sees it but it does not answer\)$/m);
    expect(result.stderr).toMatch(/fix: wait for it to finish booting/);
    expect(result.stderr).toMatch(/screenshot: none \(/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // adb's own lines when its server will not start (adb/adb_client.cpp, adb_connect). Before, the
  // five lines were the message (and again in the screenshot's line), with a fix, `adb devices`,
  // that fails the same way; and `start` read the failed `adb devices` as no device attached.
  const NO_SERVER: Rule[] = [
    {
      tool: "adb",
      prefix: "",
      replies: [{ stderr: "* daemon not running; starting now at tcp:5037\nADB server didn't ACK\nFull server startup log: /tmp/adb.1000.log\n* failed to start daemon\nadb: cannot connect to daemon\n", exit: 1 }],
    },
  ];

  it("says adb's server would not start, on one line, and what to try (exit 1)", async () => {
    android.scenario(NO_SERVER);
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--output", android.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aosp-sim emulator: adb's server is not running and could not be started \(adb: cannot connect to daemon\)$/m);
    expect(result.stderr).toMatch(/^ {2}fix: run `adb kill-server`, then `adb start-server`, which says why it does not start/m);
    expect(result.stderr).not.toMatch(/ADB server didn't ACK|daemon not running/);
  });

  it("start stops at a failed `adb devices` rather than launching the emulator (exit 1)", async () => {
    android.scenario([{ tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] }, ...NO_SERVER]);
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--boot-timeout", "5s", "--output", android.dir], { killAfterMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aosp-sim emulator: adb's server is not running and could not be started/m);
    expect(android.lines().filter((line) => line.startsWith("emulator -avd"))).toEqual([]);
  });

  // Before, the fix was to accept the "Allow USB debugging?" prompt, which a headless emulator shows
  // to no one; the emulator trusts the key of its first boot after a wipe.
  it("says an unauthorised emulator needs a wipe, as no one sees a headless emulator's prompt (exit 1)", async () => {
    android.scenario([adb("get-state", text("unauthorized\n"))]);
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--output", android.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aosp-sim emulator: emulator-5554 has not authorised this computer for USB debugging$/m);
    expect(result.stderr).toMatch(/^ {2}fix: the emulator trusts the adb key it was given at its first boot after a wipe, .*: reset it \(`aosp-sim emulator reset --serial emulator-5554`\), which starts its AVD again with -wipe-data$/m);
    expect(result.stderr).not.toMatch(/Allow USB debugging/);
    expect(deviceProblem("R58M123ABC", "adb: device unauthorized.\n")?.hint).toBe('accept the "Allow USB debugging?" prompt on the device');
  });

  it("says adb is not on PATH (exit 1)", async () => {
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554"], { env: { PATH: android.dir } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/`adb` was not found on PATH/);
    expect(result.stderr).toMatch(/fix: install the Android SDK platform-tools/);
  });

  // Before, stdout was empty: `verify --json > emulator.json` left an empty file for compare to read.
  it("with --json, also prints the error document on stdout when adb is not on PATH (exit 1)", async () => {
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--json"], { env: { PATH: android.dir } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        kind: "input",
        message: expect.stringMatching(/`adb` was not found on PATH/),
        where: null,
        fix: expect.stringMatching(/^install the Android SDK platform-tools/),
      },
    });
    expect(result.stderr).toMatch(/`adb` was not found on PATH/);
  });

  it("with --json, prints the error document for an offline device too, and nothing else on stdout", async () => {
    android.scenario(offlineDevice());
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--json", "--output", android.dir]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { error: { message: string } }).error.message).toBe("emulator-5554 is offline (adb sees it but it does not answer)");
    expect(result.stderr).toMatch(/screenshot: none \(/);
  });

  it("names the option that allows a command longer, as the subcommand spells it (exit 1)", async () => {
    android.scenario([...bootedDevice(), { tool: "adb", args: "-s emulator-5554 emu avd snapshot save welcome", replies: [{ stdout: "OK\r\n", sleepMs: 30_000 }] }]);
    const result = await aospSim(["emulator", "snapshot", "save", "welcome", "--serial", "emulator-5554", "--timeout", "1s", "--output", android.dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aosp-sim emulator: `adb -s emulator-5554 emu avd snapshot save welcome` gave no answer within 1 s$/m);
    expect(result.stderr).toMatch(/^ {2}fix: allow longer with --timeout$/m);
  });

  it("refuses a console port the emulator cannot use (exit 2) and documents each script", async () => {
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--port", "5555"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port: "5555" is not an emulator console port/);
    const help = await aospSim(["emulator", "provision", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/aosp-sim emulator set-owner/);
  });

  // Before, every script's --output said it held "the emulator's log"; only start and reset write one.
  it("says in each script's --help what its --output holds", async () => {
    for (const [name, log] of [["start", true], ["reset", true], ["provision", false], ["verify", false], ["snapshot", false], ["set-owner", false]] as const) {
      const help = await aospSim(["emulator", name, "--help"]);
      expect(help.code).toBe(0);
      const line = /--output <dir>\s+(.*?)\(default/s.exec(help.stdout)?.[1]?.replace(/\s+/g, " ").trim();
      expect(line, name).toBe(log ? "where failure screenshots and the emulator's log go" : "where failure screenshots go");
    }
  });
});

describe("aosp-sim emulator start stopped by a signal while the emulator boots", { timeout: 120_000 }, () => {
  /**
   * A start with a --qr whose path has spaces (so it is copied into TMPDIR, a folder of its own per
   * test) against an AVD the fake emulator boots with `rules`: the start's arguments and TMPDIR.
   */
  const posterStart = (tag: string, rules: Rule[]): { temp: string; args: string[] } => {
    const temp = path(`tmp-${tag}`);
    mkdirSync(temp);
    mkdirSync(path(`qr dir ${tag}`));
    copyFileSync(path("qr.png"), path(`qr dir ${tag}/qr.png`));
    android.scenario([
      { tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] },
      { tool: "adb", args: "devices", replies: [text("List of devices attached\n\n")] },
      { tool: "emulator", prefix: "-avd Pixel_6_API_34", replies: [{ stdoutFile: "emulator-log.txt", holdMs: 60_000 }] },
      adb("wait-for-device", text("")),
      ...rules,
    ]);
    return { temp, args: ["emulator", "start", "--avd", "Pixel_6_API_34", "--qr", path(`qr dir ${tag}/qr.png`), "--output", android.dir, "--boot-timeout", "1m"] };
  };
  const neverBoots = [shell("getprop sys.boot_completed", text("\n"))];
  /** Runs the start with TMPDIR, sending `signals` (in that order, at once) when it waits for the boot. */
  const startSignalled = (start: { temp: string; args: string[] }, ...signals: NodeJS.Signals[]) => {
    let sent = false;
    return aospSim(start.args, {
      env: { TMPDIR: start.temp },
      killAfterMs: 60_000,
      onStderr: (stderr, signal) => {
        if (sent || !stderr.includes("waiting for the boot to complete")) return;
        sent = true;
        for (const name of signals) signal(name);
      },
    });
  };
  // Before, the CLI ended by Node's default, saying nothing (exit 130 from the signal itself): the
  // emulator, in its own process group out of the terminal's Ctrl-C, kept booting headless, and the
  // poster's copy stayed in the temporary folder.
  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("%s stops the emulator it launched, removes the poster's copy and says so on one line (exit %i)", async (name, code) => {
    const start = posterStart(name, neverBoots);
    try {
      const result = await startSignalled(start, name);
      expect(result.signal).toBeUndefined();
      expect(result.code).toBe(code);
      expect(result.stderr.trim().split("\n").at(-1)).toMatch(
        new RegExp(`^aosp-sim emulator start: interrupted \\(${name}\\) while emulator-5554 was starting: stopped the emulator it launched \\(pid \\d+\\) and removed the poster's copy$`),
      );
      expect(fakeEmulatorsRunning()).toEqual([]);
      expect(readdirSync(start.temp)).toEqual([]);
    } finally {
      // Stop by process id what a failed run left.
      for (const pid of fakeEmulatorsRunning()) process.kill(pid, "SIGKILL");
    }
  });

  // Before, a second signal ended the CLI while the first was still stopping the emulator, before
  // the poster's copy was removed: the copy stayed in the temporary folder.
  it("a second signal, right after the first, ends the CLI at once and still leaves no poster's copy", async () => {
    const start = posterStart("second-signal", neverBoots);
    try {
      // Two different signals, so that the kernel cannot merge them into one.
      const result = await startSignalled(start, "SIGINT", "SIGTERM");
      // Ended by the second signal itself, as a second Ctrl-C ends the CLI (which of the two comes
      // second is the kernel's choice: any of the process's threads may take a signal).
      expect(["SIGINT", "SIGTERM"]).toContain(result.signal);
      expect(readdirSync(start.temp)).toEqual([]);
    } finally {
      for (const pid of fakeEmulatorsRunning()) process.kill(pid, "SIGKILL");
    }
  });

  // The copy's removal at exit is dropped once the start succeeds: the emulator reads the poster
  // only when its camera opens, long after the CLI has ended.
  it("keeps the poster's copy after a start that succeeded", async () => {
    const { temp, args } = posterStart("kept", [{ tool: "adb", prefix: "-s emulator-5554 emu virtualscene-image wall ", replies: [text("OK\r\n")] }, ...bootedDevice()]);
    try {
      const result = await aospSim(args, { env: { TMPDIR: temp }, killAfterMs: 60_000 });
      expect(result.code).toBe(0);
      expect(readdirSync(temp)).toEqual([expect.stringMatching(/^aosp-sim-poster-/)]);
    } finally {
      for (const pid of fakeEmulatorsRunning()) process.kill(pid, "SIGKILL");
    }
  });
});

/** The scripts that work on a running device, each with the arguments it needs. */
const DEVICE_SCRIPTS = [
  ["verify", ["--serial", "emulator-5554"]],
  ["provision", ["--serial", "emulator-5554"]],
  ["reset", ["--serial", "emulator-5554"]],
  ["snapshot", ["list", "--serial", "emulator-5554"]],
  ["set-owner", ["--serial", "emulator-5554"]],
] as const;

/** A bad option ends at once: exit 2, what is wrong and where on one line, a fix line, no stack trace, no device touched. */
function expectBadOption(result: { code: number | null; stderr: string }, line: RegExp, fix: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(line);
  expect(result.stderr).toMatch(fix);
  expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(android.calls()).toEqual([]);
}

describe("aosp-sim emulator refuses a bad --output at once (exit 2)", { timeout: 60_000 }, () => {
  const listAvdsAndNoDevices: Rule[] = [
    { tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] },
    { tool: "adb", args: "devices", replies: [{ stdout: "List of devices attached\n\n" }] },
  ];

  // Before, `start` spun for ever inside Node's recursive mkdir (procfs answers ENOENT to a mkdir of /proc/x).
  it.skipIf(process.platform !== "linux")("an --output under /proc, where no folder can be made", async () => {
    android.scenario(listAvdsAndNoDevices);
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--output", "/proc/aosp-sim-out/shots"], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: --output \/proc\/aosp-sim-out\/shots: cannot be made a folder: \/proc is on procfs, the kernel's own filesystem, where no folder or file can be made$/m, /^ {2}fix: give a folder that exists or can be made, e\.g\. --output emulator-out$/m);
  });

  // Before, verify and the other scripts read the device first and hung (or, under a file, said "screenshot: none") when saving a screenshot.
  it.skipIf(process.platform !== "linux").each(DEVICE_SCRIPTS)("%s with an --output under /proc, before adb runs", async (script, args) => {
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", script, ...args, "--output", "/proc/aosp-sim-out"], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: --output \/proc\/aosp-sim-out: cannot be made a folder: \/proc is on procfs/m, /fix: give a folder/);
  });

  it("an --output under a file, naming the file", async () => {
    writeFileSync(path("plain-file"), "");
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--output", path("plain-file/shots")], { killAfterMs: 20_000 });
    expectBadOption(result, new RegExp(`^aosp-sim: --output .*plain-file/shots: cannot be made a folder: .*plain-file is a file, not a folder$`, "m"), /fix: give a folder/);
  });

  it("an --output that exists but is not writable", async () => {
    // root may write anywhere: only a non-root user sees the permission bits.
    if (process.getuid?.() === 0) return;
    const locked = path("locked");
    mkdirSync(locked, { mode: 0o555 });
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", "verify", "--serial", "emulator-5554", "--output", `${locked}/shots`], { killAfterMs: 20_000 });
    expectBadOption(result, /cannot be made a folder: .*locked is not writable \(EACCES\)$/m, /fix: give a folder/);
  });
});

describe("aosp-sim emulator refuses other bad options at once (exit 2)", { timeout: 60_000 }, () => {
  const serial = ["--serial", "emulator-5554", "--output", android.dir];

  // Before, a limit past setTimeout's 24.8 days fired at once: "gave no answer within 2592000 s", and a Node warning.
  it("a duration longer than a day", async () => {
    android.scenario(bootedDevice());
    const result = await aospSim(["emulator", "snapshot", "save", "welcome", ...serial, "--timeout", "30d"], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: --timeout: "30d" is longer than a day, which no wait here needs$/m, /fix: e\.g\. 90s, 5m, 1h \(24h at most\)/);
  });

  // Before, "my snap" went to the console as two words: save "my", and a stray "snap".
  it("a snapshot name the console would split", async () => {
    android.scenario(bootedDevice());
    const result = await aospSim(["emulator", "snapshot", "save", "my snap", ...serial], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: snapshot NAME: "my snap" is not a snapshot name$/m, /fix: use letters, digits, "\.", "_" and "-", e\.g\. welcome/);
  });

  // Before, "." and ".." went to the console and the emulator: it keeps a snapshot in
  // snapshots/NAME and deletes that folder when a save fails, which for ".." is the AVD's own folder.
  it.each([
    [["snapshot", "save", ".."], "snapshot NAME"],
    [["snapshot", "load", "."], "snapshot NAME"],
    [["start", "--avd", "Pixel_6_API_34", "--snapshot", ".."], "--snapshot"],
  ])("a snapshot name that is no folder of its own: %j", async (args, where) => {
    android.scenario(bootedDevice());
    const name = args.includes("--snapshot") ? args.at(-1)! : args[2]!;
    const result = await aospSim(["emulator", ...args, ...(args[0] === "start" ? ["--output", android.dir] : serial)], { killAfterMs: 20_000 });
    expectBadOption(result, new RegExp(`^aosp-sim: ${where}: "${name.replace(/\./g, "\\.")}" is not a snapshot name: it names a folder, not a snapshot of its own, in the AVD's snapshots folder$`, "m"), /fix: use letters, digits, "\.", "_" and "-", e\.g\. welcome/);
    expect(android.lines()).toEqual([]);
  });

  // Before, provision failed (exit 1, after reading the device) and verify took it as the owner to expect.
  it.each([
    ["provision", "--admin"],
    ["verify", "--expect-owner"],
  ])("%s with a component that is not package/class", async (script, option) => {
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", script, ...serial, option, "not-a-component"], { killAfterMs: 20_000 });
    expectBadOption(result, new RegExp(`^aosp-sim: ${option}: "not-a-component" is not a component$`, "m"), /fix: write it as package\/class/);
  });

  it("verify with the owner in its short form (package/.Class), as dumpsys would name it in full", async () => {
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", "verify", ...serial, "--expect-owner", "com.microsoft.intune.aospagent/.AospDeviceAdminReceiver"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  // Before, start waited for ever for a writer to the pipe (or read /dev/zero without end).
  it.skipIf(process.platform === "win32")("a --qr that is a pipe or a device, not an image file", async () => {
    const fifo = path("qr-fifo");
    execFileSync("mkfifo", [fifo]);
    for (const qr of [fifo, "/dev/zero"]) {
      android.scenario([]);
      const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--qr", qr, "--output", android.dir], { killAfterMs: 20_000 });
      expectBadOption(result, new RegExp(`^aosp-sim: ${qr}: is not a regular file \\(a (pipe|device)\\); the emulator reads its poster from a file$`, "m"), /fix: save the QR code as a PNG file/);
    }
  });

  // Before, 0x15b2 (5554), 5.554e3 and 05554 were taken as ports.
  it.each(["0x15b2", "5.554e3", "5554.0", "+5554"])("start with --port %s, a port not in plain decimal digits", async (port) => {
    android.scenario([]);
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--port", port, ...serial.slice(2)], { killAfterMs: 20_000 });
    expectBadOption(result, new RegExp(`^aosp-sim: --port: "${port.replace(/[.+]/g, "\\$&")}" is not an emulator console port$`, "m"), /^ {2}fix: use an even number from 5554 to 5682, in decimal digits$/m);
  });

  // Before, an internal error (EISDIR) once the AVD was found and the emulator about to start.
  it.each([
    ["start", ["--avd", "Pixel_6_API_34"], "emulator-5554.log"],
    ["start", ["--avd", "Pixel_6_API_34", "--port", "5556"], "emulator-5556.log"],
    ["reset", ["--serial", "emulator-5554"], "emulator-5554.log"],
  ] as const)("%s %j when the emulator's log would be a folder that is there", async (script, args, log) => {
    const output = path(`log-folder-${script}-${log}`);
    mkdirSync(`${output}/${log}`, { recursive: true });
    android.scenario([{ tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] }, { tool: "adb", args: "devices", replies: [{ stdout: "List of devices attached\n\n" }] }, ...bootedDevice()]);
    const result = await aospSim(["emulator", script, ...args, "--output", output], { killAfterMs: 20_000 });
    expectBadOption(
      result,
      new RegExp(`^aosp-sim: --output .*log-folder-${script}-${log.replace(/\./g, "\\.")}: .*/${log.replace(/\./g, "\\.")} is a folder, where the emulator's log is written$`, "m"),
      /^ {2}fix: move that folder out of the way, or give another --output$/m,
    );
  });

  it("an --apk that is a folder, named as such", async () => {
    android.scenario([]);
    const result = await aospSim(["emulator", "set-owner", ...serial, "--apk", android.dir]);
    expectBadOption(result, /--apk .*: is a folder, not an APK file$/m, /fix: give the path of an \.apk file/);
  });
});


describe("aosp-sim emulator checks every option before the device is touched (exit 2)", { timeout: 120_000 }, () => {
  const out = ["--output", android.dir];

  // Before, reset ran get-state, emu avd name, emu kill and adb devices (it stopped the emulator) and only then refused the --qr.
  it.skipIf(process.platform === "win32")("reset with a --qr that is not an image file: missing, a device, a pipe, a text file", async () => {
    const fifo = path("reset-qr-fifo");
    execFileSync("mkfifo", [fifo]);
    writeFileSync(path("not-an-image.txt"), "hello\n");
    const cases: [string, RegExp, RegExp][] = [
      [path("no-such-qr.png"), /no-such-qr\.png: .*(not found|does not exist|no such file)/im, /fix: /],
      ["/dev/zero", /^aosp-sim: \/dev\/zero: is not a regular file \(a device\); the emulator reads its poster from a file$/m, /fix: save the QR code as a PNG file/],
      [fifo, /reset-qr-fifo: is not a regular file \(a pipe\)/m, /fix: save the QR code as a PNG file/],
      [path("not-an-image.txt"), /not-an-image\.txt: is not an image; the virtual scene shows PNG and JPEG posters only$/m, /fix: render the payload as a PNG/],
    ];
    for (const [qr, line, fix] of cases) {
      android.scenario(bootedDevice());
      const result = await aospSim(["emulator", "reset", "--serial", "emulator-5554", "--qr", qr, ...out], { killAfterMs: 20_000 });
      expectBadOption(result, line, fix);
    }
  });

  // Before, without adb it said "`adb` was not found" (exit 1) rather than naming the bad --qr.
  it("reset with a bad --qr and no adb on PATH names the --qr", async () => {
    const result = await aospSim(["emulator", "reset", "--serial", "emulator-5554", "--qr", "/dev/zero", ...out], { env: { PATH: android.dir }, killAfterMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\/dev\/zero: is not a regular file/);
    expect(result.stderr).not.toMatch(/adb/);
  });

  // Before, reset stopped the emulator, and start then handed it a copy whose path had spaces too.
  it.each([
    ["start", ["--avd", "Pixel_6_API_34"]],
    ["reset", ["--serial", "emulator-5554"]],
  ] as const)("%s with a --qr path with spaces when the temporary folder has spaces too", async (script, args) => {
    const qr = path(`qr with space ${script}.png`);
    const temp = path(`tmp with space ${script}`);
    mkdirSync(temp, { recursive: true });
    copyFileSync(path("qr.png"), qr);
    android.scenario(bootedDevice());
    const result = await aospSim(["emulator", script, ...args, "--qr", qr, ...out], { env: { TMPDIR: temp }, killAfterMs: 20_000 });
    expectBadOption(
      result,
      new RegExp(`^aosp-sim: .*/qr with space ${script}\\.png: has a space in its path, which the emulator's -virtualscene-poster option cannot hold, and so has the temporary folder .*/tmp with space ${script} it would be copied to$`, "m"),
      /^ {2}fix: move the QR code to a path without spaces, or set TMPDIR to a folder without spaces$/m,
    );
  });

  // Before, start launched `emulator ... -snapshot a;b c` with whatever name it was given.
  it.each(["bad name", "", "a;b"])("start with --snapshot %j", async (name) => {
    android.scenario([{ tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] }]);
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--snapshot", name, ...out], { killAfterMs: 20_000 });
    expectBadOption(result, new RegExp(`^aosp-sim: --snapshot: "${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}" is not a snapshot name$`, "m"), /fix: use letters, digits, "\.", "_" and "-", e\.g\. welcome/);
  });

  // Before, the extra word was ignored and the list was asked of the device.
  it("snapshot list with a name", async () => {
    android.scenario(bootedDevice());
    const result = await aospSim(["emulator", "snapshot", "list", "extra", "--serial", "emulator-5554", ...out], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: snapshot list NAME: list takes no NAME \(it lists them all\), yet "extra" was given$/m, /fix: leave the name out: aosp-sim emulator snapshot list --serial emulator-5554$/m);
  });

  // Before, "/dev/null is not a folder (a device, socket or pipe), not a folder".
  it.skipIf(process.platform === "win32")("an --output that is a device, said once", async () => {
    android.scenario([]);
    const result = await aospSim(["emulator", "start", "--avd", "Pixel_6_API_34", "--output", "/dev/null"], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: --output \/dev\/null: cannot be made a folder: \/dev\/null is a device, not a folder$/m, /fix: give a folder/);
  });

  // Before, an empty --output was taken as the current folder.
  it.each([["start", ["--avd", "Pixel_6_API_34"]] as const, ...DEVICE_SCRIPTS])("%s with an empty --output", async (script, args) => {
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", script, ...args, "--output", ""], { killAfterMs: 20_000 });
    expectBadOption(result, /^aosp-sim: --output: the folder name is empty$/m, /fix: name the folder for failure screenshots and the emulator's log, e\.g\. --output emulator-out \(or leave --output out for the current folder\)/);
  });

  // Before, an empty --scanner matched every activity (the first screen was taken for the QR reader),
  // and an empty --expect-ssid was read from the device and then never matched.
  it.each([
    ["provision", "--scanner", /^aosp-sim: --scanner: the pattern is empty, so every screen would match it$/m, /fix: e\.g\. qr or QrCode\.\*Activity/],
    ["verify", "--expect-ssid", /^aosp-sim: --expect-ssid: the network name is empty$/m, /fix: give the SSID the device should be on, e\.g\. --expect-ssid Contoso-Staging, or leave --expect-ssid out$/m],
  ] as const)("%s with an empty %s", async (script, option, line, fix) => {
    android.scenario(enrolledEmulator());
    const result = await aospSim(["emulator", script, "--serial", "emulator-5554", option, "", ...out], { killAfterMs: 20_000 });
    expectBadOption(result, line, fix);
  });
});
