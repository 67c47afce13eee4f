/**
 * The emulator scripts against a fake adb and emulator answering from recorded outputs: what
 * they run, what they conclude, and how they fail (a message naming what is missing, a
 * screenshot saved, a timeout on every wait).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { basename, delimiter, dirname, isAbsolute, join, relative } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AdbError } from "../../agent/device/adb/adb.js";
import { InputError } from "../../agent/protocol/errors.js";
import { ScriptFailure, ScriptInterrupted, type ScriptIo } from "../../emulator-scripts/common.js";
import { DEFAULT_ADMIN, provision } from "../../emulator-scripts/provision.js";
import { resetEmulator } from "../../emulator-scripts/reset.js";
import { setOwner } from "../../emulator-scripts/set-owner.js";
import { snapshot } from "../../emulator-scripts/snapshot.js";
import { startEmulator } from "../../emulator-scripts/start.js";
import { verify } from "../../emulator-scripts/verify.js";
import { adb, bootedDevice, FAKE_TOOLS, fakeEmulatorsRunning, file, FIXTURES, offlineDevice, sets, shell, text, useFakeAndroid, when, type Rule, managedAppsInstalled } from "./support/fake-android.js";

// Every adb call starts a process (a node script): slow on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const android = useFakeAndroid();
/** The file `snapshot load` writes on the device before a load, to confirm it by its absence. */
const MARKER = "/data/local/tmp/aosp-sim-snapshot-load-marker";
const QR = join(FIXTURES, "..", "..", "..", "fixtures", "images", "intune-valid.png");
const started: number[] = [];
const progress: string[] = [];
const scriptIo = (): ScriptIo => ({ outputDir: android.dir, progress: (line) => progress.push(line) });

afterEach(() => {
  // Stop the fake emulators the tests started, by their process id.
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
});

/** A real wait, whatever timers a test fakes. */
const realSetTimeout = globalThis.setTimeout;
const realSleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** Runs `body` while a program listens on 127.0.0.1 on a port the OS chose (and gives that port). */
async function withListener(body: (port: number) => Promise<void>): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await body((server.address() as AddressInfo).port);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function failure(promise: Promise<unknown>): Promise<ScriptFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScriptFailure);
  return error as ScriptFailure;
}

const noDevices = { tool: "adb", args: "devices", replies: [text("List of devices attached\n\n")] } satisfies Rule;
const listAvds = { tool: "emulator", args: "-list-avds", replies: [file("list-avds.txt")] } satisfies Rule;
/** The log of an emulator as it writes it without -verbose: no word on the poster (fixtures/emulator-log.txt). */
const EMULATOR_LOG = readFileSync(join(FIXTURES, "emulator-log.txt"), "utf8");
/** The same with the debug line an emulator writes in verbose mode (or always, in some versions) for a poster it loaded. */
const posterFoundLog = (path: string) => `emulator: parseCmdlineParameter: Found poster wall at ${path}\n${EMULATOR_LOG}`;
const emulatorRuns = (log: string): Rule => ({ tool: "emulator", prefix: "-avd Pixel_6_API_34", replies: [{ stdout: log, holdMs: 20_000 }] });

describe("emulator start", () => {
  const booting = (poster: string): Rule[] => [
    listAvds,
    noDevices,
    emulatorRuns(poster),
    adb("wait-for-device", text("")),
    shell("getprop sys.boot_completed", text("\n"), text("\n"), text("1\n")),
  ];

  it("starts the AVD headless with the QR code on the virtual scene's wall and waits for the boot", async () => {
    android.scenario(booting(posterFoundLog(QR)));
    const result = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr: QR, wipeData: true, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(result).toMatchObject({ serial: "emulator-5554", posterVia: "launch", poster: QR });
    const launch = android.calls().find((c) => c.tool === "emulator" && c.args[0] === "-avd")!;
    expect(launch.args).toEqual([
      "-avd", "Pixel_6_API_34", "-port", "5554", "-no-window", "-no-audio", "-no-boot-anim",
      "-camera-back", "virtualscene", "-virtualscene-poster", `wall=${QR}`, "-wipe-data", "-no-snapshot-load",
    ]);
    expect(android.lines().filter((l) => l.endsWith("getprop sys.boot_completed"))).toHaveLength(3);
    expect(readFileSync(result.log, "utf8")).toContain("Found poster wall");
    expect(android.lines().filter((l) => l.includes("virtualscene-image"))).toEqual([]);
  });

  it("hangs the poster again through the console when the emulator's log says nothing of it (no -verbose)", async () => {
    android.scenario([...booting(EMULATOR_LOG), adb(`emu virtualscene-image wall ${QR}`, text("OK\r\n"))]);
    const result = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr: QR, wipeData: false, snapshot: "welcome", bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(result.posterVia).toBe("launch+console");
    expect(android.lines()).toContain(`adb -s emulator-5554 emu virtualscene-image wall ${QR}`);
    expect(android.calls().find((c) => c.args[0] === "-avd")!.args.slice(-2)).toEqual(["-snapshot", "welcome"]);
  });

  // Before, the refusal was a failed start: the emulator that had booted, with the poster given
  // at launch, was killed (its log never says "Found poster wall" without -verbose).
  it("keeps an emulator that booted when the console refuses the poster and the log says nothing against it", async () => {
    android.scenario([...booting(EMULATOR_LOG), adb(`emu virtualscene-image wall ${QR}`, text("KO: unknown command, try 'help'\r\n"))]);
    const result = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr: QR, wipeData: false, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(result.posterVia).toBe("launch-unconfirmed");
    expect(fakeEmulatorsRunning()).toEqual([result.pid]);
    expect(progress.at(-1)).toBe(`the emulator console refused \`virtualscene-image wall ${QR}\`: unknown command, try 'help': keeping the poster given at launch (-virtualscene-poster), which the emulator took without complaint`);
  });

  // Before, a --snapshot the AVD lacked was passed to the emulator, which boots cold then (saying
  // so only in the window -no-window does not have), and the start said the device booted.
  describe("with --snapshot, checked against the AVD's snapshots on this computer", () => {
    /** An ANDROID_AVD_HOME holding Pixel_6_API_34.ini, whose `path` names a folder elsewhere with these snapshots. */
    function avdHome(name: string, snapshots: string[], extra: (folder: string) => void = () => {}): string {
      const home = join(android.dir, `avd-home-${name}`);
      const folder = join(android.dir, `elsewhere-${name}`, "Pixel_6_API_34.avd");
      mkdirSync(home, { recursive: true });
      mkdirSync(join(folder, "snapshots"), { recursive: true });
      writeFileSync(join(home, "Pixel_6_API_34.ini"), `avd.ini.encoding=UTF-8\npath=${folder}\npath.rel=avd/Pixel_6_API_34.avd\ntarget=android-34\n`);
      for (const snapshot of snapshots) {
        mkdirSync(join(folder, "snapshots", snapshot));
        writeFileSync(join(folder, "snapshots", snapshot, "snapshot.pb"), "");
      }
      extra(folder);
      vi.stubEnv("ANDROID_AVD_HOME", home);
      return folder;
    }
    afterEach(() => vi.unstubAllEnvs());
    const start = (snapshot: string) => startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, snapshot, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo());
    const refusal = async (promise: Promise<unknown>): Promise<InputError> => {
      const error = await promise.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    };

    it("refuses one the AVD lacks before anything is launched, naming those it has", async () => {
      // A folder without snapshot.pb is no snapshot: the emulator's load opens that file first.
      const folder = avdHome("typo", ["welcome", "default_boot"], (f) => mkdirSync(join(f, "snapshots", "half-saved")));
      android.scenario(booting(EMULATOR_LOG));
      const error = await refusal(start("welcom"));
      expect(error.where).toBe("--snapshot");
      expect(error.problem).toBe(`the AVD Pixel_6_API_34 has no snapshot "welcom" (no ${join(folder, "snapshots", "welcom", "snapshot.pb")}): the emulator would boot cold instead`);
      expect(error.hint).toBe("use one of: default_boot, welcome; or leave --snapshot out for a cold boot");
      expect(android.calls().filter((c) => c.tool === "emulator" && c.args[0] === "-avd")).toEqual([]);
      expect(await refusal(start("half-saved"))).toMatchObject({ where: "--snapshot" });
    });

    it("says how to make one when the AVD has none", async () => {
      avdHome("none", []);
      android.scenario(booting(EMULATOR_LOG));
      const error = await refusal(start("welcome"));
      expect(error.hint).toBe("it has none yet: start it without --snapshot, bring it to the state to keep, and save it with `aosp-sim emulator snapshot save welcome --serial emulator-5554`; or leave --snapshot out for a cold boot");
    });

    it("boots from one the AVD has", async () => {
      avdHome("has", ["welcome"]);
      android.scenario(booting(EMULATOR_LOG));
      progress.length = 0;
      const result = await start("welcome");
      started.push(result.pid);
      expect(android.calls().find((c) => c.args[0] === "-avd")!.args.slice(-2)).toEqual(["-snapshot", "welcome"]);
      expect(progress.filter((line) => line.startsWith("cannot check"))).toEqual([]);
    });

    it("leaves it to the emulator, saying so, when the AVD's folder cannot be found", async () => {
      vi.stubEnv("ANDROID_AVD_HOME", "");
      vi.stubEnv("ANDROID_SDK_HOME", join(android.dir, "sdk-home"));
      android.scenario(booting(EMULATOR_LOG));
      progress.length = 0;
      const result = await start("welcome");
      started.push(result.pid);
      expect(progress).toContain('cannot check that the AVD Pixel_6_API_34 has the snapshot "welcome" (its folder is not under $ANDROID_AVD_HOME or ~/.android/avd): an emulator given a snapshot its AVD lacks boots cold');
    });
  });

  describe("with a --qr whose path has spaces (the emulator's option cannot hold them)", () => {
    /** The QR code at a path with a space, and a temporary folder (TMPDIR) of the test's own. */
    function spacedQr(name: string): { qr: string; temp: string } {
      const temp = join(android.dir, `tmp-${name}`);
      mkdirSync(join(android.dir, `my qr ${name}`), { recursive: true });
      mkdirSync(temp, { recursive: true });
      const qr = join(android.dir, `my qr ${name}`, "qr.png");
      copyFileSync(QR, qr);
      return { qr, temp };
    }
    async function withTmpdir<T>(temp: string, run: () => Promise<T>): Promise<T> {
      const before = process.env["TMPDIR"];
      process.env["TMPDIR"] = temp;
      try {
        return await run();
      } finally {
        if (before === undefined) delete process.env["TMPDIR"];
        else process.env["TMPDIR"] = before;
      }
    }
    const posterArg = () => android.calls().find((c) => c.tool === "emulator" && c.args[0] === "-avd")!.args.find((a) => a.startsWith("wall="))!.slice("wall=".length);

    // Before, "internal error: EISDIR: illegal operation on a directory, copyfile ..." (the copy
    // went to the fixed name aosp-sim-poster-PORT.png under the temporary folder).
    it("hangs a copy from a fresh private folder, whatever is left at the name copies once had", async () => {
      const { qr, temp } = spacedQr("left-folder");
      mkdirSync(join(temp, "aosp-sim-poster-5554.png"));
      android.scenario(booting(posterFoundLog("/tmp/aosp-sim-poster-x/qr.png")));
      const result = await withTmpdir(temp, () => startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr, wipeData: true, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo()));
      started.push(result.pid);
      const poster = posterArg();
      expect(dirname(poster)).toMatch(/\/aosp-sim-poster-[^/\s]+$/);
      expect(dirname(dirname(poster))).toBe(temp);
      expect(basename(poster)).toBe("qr.png");
      expect(result.poster).toBe(poster);
      // Kept after the start: the emulator reads it when its camera opens for the QR reader.
      expect(readFileSync(poster)).toEqual(readFileSync(QR));
    });

    it("removes the copy when the emulator it was for does not boot", async () => {
      const { qr, temp } = spacedQr("failed-boot");
      android.scenario([
        listAvds,
        noDevices,
        { tool: "emulator", prefix: "-avd Pixel_6_API_34", replies: [{ stderr: "ERROR   | x86_64 emulation currently requires hardware acceleration!\n", exit: 1 }] },
        adb("wait-for-device", { sleepMs: 10_000 }),
        ...offlineDevice(),
      ]);
      await failure(withTmpdir(temp, () => startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr, wipeData: false, bootTimeoutMs: 10_000 }, scriptIo())));
      expect(posterArg()).toMatch(/aosp-sim-poster-/);
      expect(readdirSync(temp)).toEqual([]);
    });

    // Before, the console's refusal left the emulator running (the CLI then waited for it to exit)
    // and the copy in the temporary folder.
    it("stops the emulator and removes the copy when the console will not hang the poster", async () => {
      const { qr, temp } = spacedQr("console-refuses");
      const refused = `WARNING | [VirtualScene] Poster parameter ignored, virtual scene is not enabled.\n${EMULATOR_LOG}`;
      android.scenario([...booting(refused), { tool: "adb", prefix: "-s emulator-5554 emu virtualscene-image wall", replies: [text("KO: no such wall\r\n")] }]);
      const error = await failure(withTmpdir(temp, () => startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr, wipeData: false, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo())));
      expect(error.message).toMatch(/^the emulator did not take the poster at launch \(see .*emulator-5554\.log\), and its console refused `virtualscene-image wall .*aosp-sim-poster-.*`: no such wall$/);
      // Before, "is emulator-5554 an emulator?": it is the one start launched.
      expect(error.hint).toMatch(/^read the emulator's log for why; check that .*qr\.png opens as a PNG or JPEG/);
      expect(readdirSync(temp)).toEqual([]);
      await vi.waitFor(() => expect(fakeEmulatorsRunning()).toEqual([]), { timeout: 5_000 });
    });

    // Before, reset stopped the emulator first and then refused the --qr (exit 2).
    it("refuses it, before the emulator is touched, when no folder can be made in the temporary folder", async () => {
      const { qr } = spacedQr("missing-temp");
      const temp = join(android.dir, "no-such-folder");
      android.scenario([listAvds, noDevices]);
      const error = await withTmpdir(temp, () => resetEmulator({ serial: "emulator-5554", qr, bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({ where: qr, problem: expect.stringContaining(`no folder can be made in the temporary folder ${temp} (ENOENT)`) });
      expect(android.calls()).toEqual([]);
    });

    it("gives the emulator an absolute path when TMPDIR is relative", async () => {
      const { qr, temp } = spacedQr("relative-temp");
      android.scenario(booting(posterFoundLog("/tmp/aosp-sim-poster-x/qr.png")));
      const result = await withTmpdir(relative(process.cwd(), temp), () => startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr, wipeData: true, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo()));
      started.push(result.pid);
      expect(isAbsolute(posterArg())).toBe(true);
      expect(dirname(dirname(posterArg()))).toBe(temp);
    });

    it("refuses it, before the emulator is touched, when the temporary folder has spaces too", async () => {
      const { qr } = spacedQr("spaced-temp");
      const temp = join(android.dir, "tmp with space");
      mkdirSync(temp, { recursive: true });
      android.scenario([listAvds, noDevices]);
      const error = await withTmpdir(temp, () => startEmulator({ avd: "Pixel_6_API_34", port: 5554, qr, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo())).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect(error).toMatchObject({
        where: qr,
        problem: `has a space in its path, which the emulator's -virtualscene-poster option cannot hold, and so has the temporary folder ${temp} it would be copied to`,
        hint: "move the QR code to a path without spaces, or set TMPDIR to a folder without spaces",
      });
      expect(android.calls()).toEqual([]);
    });
  });

  // Before, the first "device offline" after wait-for-device failed the start (and killed the emulator).
  it("asks again when adb says the device is offline early in the boot", async () => {
    android.scenario([
      listAvds,
      noDevices,
      emulatorRuns(EMULATOR_LOG),
      adb("wait-for-device", text("")),
      shell("getprop sys.boot_completed", { stderr: "adb: device offline\n", exit: 1 }, text("\n"), text("1\n")),
    ]);
    const result = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 20_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(android.lines().filter((l) => l.endsWith("getprop sys.boot_completed"))).toHaveLength(3);
  });

  it("names the AVDs there are when asked for one that does not exist", async () => {
    android.scenario([listAvds]);
    const error = await startEmulator({ avd: "Pixel_9", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problem).toBe('no AVD named "Pixel_9"');
    expect((error as InputError).hint).toContain("Pixel_6_API_34, Pixel_Tablet_API_33");
  });

  // Before, the fix named a "google_apis" image, which has no QR reader: provision failed on it next.
  it("suggests an AVD from a Google Play image when there is none", async () => {
    android.scenario([{ tool: "emulator", args: "-list-avds", replies: [text("")] }]);
    const error = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const hint = (error as InputError).hint!;
    expect(hint).toContain('avdmanager create avd -n Pixel_6_API_34 -k "system-images;android-34;google_apis_playstore;x86_64"');
    expect(hint).toContain('sdkmanager "system-images;android-34;google_apis_playstore;x86_64"');
    expect(hint).not.toMatch(/google_apis;/);
  });

  // Before, "internal error: ENOTDIR: not a directory, mkdir ...".
  it("refuses an --output that cannot be a folder, as a bad option", async () => {
    android.scenario([listAvds, { tool: "adb", args: "devices", replies: [text("List of devices attached\n\n")] }]);
    const aFile = join(android.dir, "a-file");
    writeFileSync(aFile, "");
    const error = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, { ...scriptIo(), outputDir: join(aFile, "out") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ where: `--output ${join(aFile, "out")}`, problem: `cannot be made a folder: ${aFile} is a file, not a folder` });
  });

  it("says the emulator is not on PATH", async () => {
    const path = process.env["PATH"];
    process.env["PATH"] = join(android.dir, "empty");
    try {
      const error = await startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdbError);
      expect((error as AdbError).message).toBe("`emulator` was not found on PATH");
      expect((error as AdbError).hint).toMatch(/ANDROID_HOME\/emulator/);
    } finally {
      process.env["PATH"] = path;
    }
  });

  it("gives up when the boot takes longer than --boot-timeout, with a screenshot", async () => {
    android.scenario([
      listAvds,
      noDevices,
      emulatorRuns("INFO    | booting\n"),
      adb("wait-for-device", text("")),
      shell("getprop sys.boot_completed", text("\n")),
      adb("exec-out screencap -p", file("screen-welcome.png")),
    ]);
    // On a clock that moves only when the boot wait sleeps: before, a real 1.5 s, which on a loaded
    // machine the fake `adb wait-for-device` could take to start, and the timeout was then its own.
    const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 90_000, pollMs: 20_000, clock }, scriptIo()));
    // The deadline is exact (before, it could give up a poll interval early): the last poll is on it.
    expect(clock.t).toBe(90_000);
    expect(android.lines().filter((line) => line.endsWith("getprop sys.boot_completed"))).toHaveLength(6);
    expect(error.message).toMatch(/^timed out after 90 s waiting for emulator-5554 to finish booting/);
    expect(error.hint).toMatch(/--boot-timeout/);
    expect(error.screenshot).toBe(join(android.dir, "emulator-5554-start-failure.png"));
    expect(existsSync(error.screenshot!)).toBe(true);
  });

  // Before, adb's own timeout: "gave no answer within 1 s", with a fix naming no option.
  it("counts adb wait-for-device in --boot-timeout, and says so when the device never appears", async () => {
    android.scenario([listAvds, noDevices, emulatorRuns("INFO    | booting\n"), adb("wait-for-device", { sleepMs: 20_000 }), ...offlineDevice()]);
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()));
    expect(error.message).toBe("timed out after 1 s waiting for adb to see emulator-5554");
    expect(error.hint).toMatch(/^allow longer with --boot-timeout/);
  });

  // Before, "timed out ... waiting for adb to see emulator-5554" with a fix to allow longer, which
  // never helps: wait-for-device waits for the state "device", and adb listed it as unauthorized.
  it("says the emulator is unauthorised when wait-for-device times out on it, with the emulator's fix", async () => {
    const unauthorized = text("List of devices attached\nemulator-5554\tunauthorized\n\n");
    android.scenario([listAvds, { tool: "adb", args: "devices", replies: [text("List of devices attached\n\n"), unauthorized] }, emulatorRuns("INFO    | booting\n"), adb("wait-for-device", { sleepMs: 20_000 }), adb("exec-out screencap -p", { stderr: "adb: device unauthorized.\n", exit: 1 })]);
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()));
    expect(error.message).toBe("emulator-5554 has not authorised this computer for USB debugging");
    expect(error.hint).toMatch(/: start it again with -wipe-data \(`aosp-sim emulator start --avd Pixel_6_API_34 --wipe-data`\)$/);
  });

  it("reports an emulator that exits before booting, with the end of its log", async () => {
    android.scenario([
      listAvds,
      noDevices,
      {
        tool: "emulator",
        prefix: "-avd Pixel_6_API_34",
        replies: [{ stderr: "ERROR   | x86_64 emulation currently requires hardware acceleration!\nCPU acceleration status: /dev/kvm is not found: VT disabled in BIOS or KVM kernel module not loaded\n", exit: 1 }],
      },
      adb("wait-for-device", { sleepMs: 10_000 }),
      ...offlineDevice(),
    ]);
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 10_000 }, scriptIo()));
    expect(error.message).toMatch(/^the emulator exited \(code 1\) before it booted/);
    expect(error.message).toContain("/dev/kvm is not found");
    expect(error.screenshot).toMatch(/^none \(emulator-5554 is offline/);
  });

  it("refuses to start a second emulator on a port in use", async () => {
    android.scenario([listAvds, { tool: "adb", args: "devices", replies: [file("devices.txt")] }]);
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 1_000 }, scriptIo()));
    expect(error.message).toBe("emulator-5554 is already running");
  });

  // Before, the emulator was launched: it boots without a port it cannot bind (-port becomes
  // -android-ports, which ignores a failed bind), adb never saw it, and the start waited out
  // --boot-timeout to say "timed out ... waiting for adb to see emulator-P", fix: allow longer.
  it("refuses a port another program holds, which adb does not list, before launching anything", async () => {
    await withListener(async (held) => {
      // The pair is (P, P + 1): an even port held is the console's, an odd one the adb port's.
      const port = held % 2 === 0 ? held : held - 1;
      android.scenario([listAvds, noDevices]);
      const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port, wipeData: false, bootTimeoutMs: 60_000 }, scriptIo()));
      const which = held === port ? `console port ${held} is` : `adb port ${held} is`;
      expect(error.message).toBe(
        `emulator-${port}'s ${which} taken by another program, which adb does not list as emulator-${port}: the emulator would start without it (its log says at most "bind: Address already in use") and adb would never reach it`,
      );
      expect(error.hint).toContain(`pick another --port, or stop the program that holds ${held}: \`lsof -nP -iTCP:${held} -sTCP:LISTEN\` (Linux, macOS) or`);
      expect(android.calls().some((c) => c.tool === "emulator" && c.args[0] === "-avd")).toBe(false);
    });
  });

  // Before, "fix: read its log; on Linux the emulator needs /dev/kvm".
  it("says another emulator runs the AVD when the emulator refuses it for that, with the fix", async () => {
    const refuses: Rule = {
      tool: "emulator",
      prefix: "-avd Pixel_6_API_34",
      replies: [{ stderr: "ERROR   | Running multiple emulators with the same AVD is an experimental feature.\nPlease use -read-only flag to enable this feature.\n", exit: 1 }],
    };
    android.scenario([listAvds, noDevices, refuses, adb("wait-for-device", { sleepMs: 10_000 }), ...offlineDevice()]);
    const error = await failure(startEmulator({ avd: "Pixel_6_API_34", port: 5554, wipeData: false, bootTimeoutMs: 10_000 }, scriptIo()));
    expect(error.message).toMatch(/^the emulator exited \(code 1\) before it booted:\n {4}ERROR {3}\| Running multiple emulators with the same AVD/);
    expect(error.hint).toMatch(/^another emulator runs the AVD Pixel_6_API_34 \(`adb devices` lists it under its own port\): stop it/);
    expect(error.hint).toContain("remove hardware-qemu.ini.lock and multiinstance.lock from the AVD's folder (~/.android/avd/Pixel_6_API_34.avd");
  });
});

describe("emulator provision", () => {
  const options = { serial: "emulator-5554", admin: DEFAULT_ADMIN, scannerPattern: "qr", scanTimeoutMs: 3_000, provisionTimeoutMs: 3_000, pollMs: 50 };
  const welcome = (windowAfterTaps: Rule["replies"], policyAfterTaps: Rule["replies"]): Rule[] => [
    ...bootedDevice(),
    when(["tapped"], shell("dumpsys device_policy", ...policyAfterTaps)),
    shell("dumpsys device_policy", file("device-policy-none.txt")),
    when(["tapped"], shell("dumpsys window", ...windowAfterTaps)),
    shell("dumpsys window", file("window-welcome.txt")),
    shell("settings get secure user_setup_complete", text("0\n")),
    shell("wm size", file("wm-size.txt")),
    sets(["tapped"], { tool: "adb", prefix: "-s emulator-5554 shell input tap", replies: [text("")] }),
  ];

  it("taps six times in the middle of the screen, waits for the QR reader and for the agent to become device owner", async () => {
    android.scenario(welcome([file("window-qr-scanner.txt"), file("window-provisioning.txt")], [file("device-policy-none.txt"), file("device-policy-intune.txt")]));
    const result = await provision({ ...options, provisionTimeoutMs: 30_000 }, scriptIo());
    expect(result.deviceOwner).toBe("com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver");
    expect(result.screens).toEqual([
      "com.google.android.setupwizard/com.google.android.setupwizard.SetupWizardActivity",
      "com.google.android.setupwizard/com.google.android.setupwizard.qrprovision.QrCodeScannerActivity",
      "com.android.managedprovisioning/com.android.managedprovisioning.provisioning.ProvisioningActivity",
    ]);
    const taps = android.lines().find((l) => l.includes("input tap"))!;
    expect(taps.split("; ")).toHaveLength(6);
    expect(taps).toContain("input tap 540 1200");
  });

  it("says when the setup wizard has no QR reader (an AOSP image) and points at set-owner", async () => {
    android.scenario([...bootedDevice(), shell("dumpsys device_policy", file("device-policy-none.txt")), shell("dumpsys window", file("window-aosp-provision.txt"))]);
    const error = await failure(provision(options, scriptIo()));
    expect(error.message).toBe("no QR reader in emulator-5554's setup wizard (its setup wizard is com.android.provision/com.android.provision.DefaultActivity, which has none)");
    expect(error.hint).toMatch(/aosp-sim emulator set-owner/);
    expect(existsSync(error.screenshot!)).toBe(true);
  });

  it("says when six taps open no QR reader", async () => {
    android.scenario(welcome([file("window-welcome.txt")], [file("device-policy-none.txt")]));
    const error = await failure(provision({ ...options, scanTimeoutMs: 300 }, scriptIo()));
    expect(error.message).toMatch(/^no QR reader in emulator-5554's setup wizard \(after six taps the screens were: com\.google\.android\.setupwizard/);
  });

  it("fails when provisioning makes another app device owner", async () => {
    android.scenario(welcome([file("window-qr-scanner.txt")], [file("device-policy-testdpc.txt")]));
    const error = await failure(provision(options, scriptIo()));
    expect(error.message).toBe(
      "wrong device owner: com.afwsamples.testdpc/com.afwsamples.testdpc.DeviceAdminReceiver, expected com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver",
    );
  });

  it("gives up when provisioning sets no device owner in time", async () => {
    android.scenario(welcome([file("window-qr-scanner.txt"), file("window-provisioning.txt")], [file("device-policy-none.txt")]));
    // On a clock that moves only when the wait sleeps: before, a real 0.4 s, and on a loaded machine
    // the fake adb's last dumpsys ran a second past it, which the message then (rightly) said.
    const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    const error = await failure(provision({ ...options, provisionTimeoutMs: 400, clock }, scriptIo()));
    expect(error.message).toBe("timed out after 0.4 s waiting for provisioning to set a device owner");
    expect(clock.t).toBe(400);
    expect(error.hint).toMatch(/10\.0\.2\.2/);
  });

  it("refuses a device that already has a device owner", async () => {
    android.scenario([...bootedDevice(), shell("dumpsys device_policy", file("device-policy-intune.txt"))]);
    const error = await failure(provision(options, scriptIo()));
    expect(error.message).toMatch(/already has a device owner/);
    expect(error.hint).toMatch(/emulator reset/);
  });

  it("says the device is offline, and that no screenshot could be taken", async () => {
    android.scenario(offlineDevice());
    const error = await failure(provision(options, scriptIo()));
    expect(error.message).toBe("emulator-5554 is offline (adb sees it but it does not answer)");
    expect(error.hint).toMatch(/adb -s emulator-5554 reconnect/);
    expect(error.screenshot).toMatch(/^none \(emulator-5554 is offline/);
  });
});

describe("emulator verify", () => {
  const enrolled = (overrides: Rule[] = []): Rule[] => [
    ...overrides,
    ...bootedDevice(),
    ...managedAppsInstalled(),
    shell("dumpsys device_policy", file("device-policy-intune.txt")),
    shell("dumpsys window", file("window-welcome.txt")),
    shell("cmd wifi status", file("wifi-status-staging.txt")),
  ];
  const options = { serial: "emulator-5554", expectOwner: DEFAULT_ADMIN };

  it("prints an enrolled device in enroll --json's shape: apps, owner, steps in install order", async () => {
    android.scenario(enrolled());
    const { summary, screenshot, ssid } = await verify({ ...options, expectSsid: "Contoso-Staging" }, scriptIo());
    expect(screenshot).toBeNull();
    expect(ssid).toBe("Contoso-Staging");
    expect(summary).toMatchObject({
      deviceId: null,
      finalState: "enrolled",
      failure: null,
      deviceOwner: "com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver",
      identity: { serialNumber: "EMULATOR35X1X11X0", model: "sdk_gphone64_x86_64", manufacturer: "Google", osVersion: "14" },
      faults: [],
    });
    expect(summary.apps).toEqual([
      { package: "com.microsoft.intune.aospagent", versionName: "24.9.2", versionCode: 2409002 },
      { package: "com.microsoft.windowsintune.companyportal", versionName: "5.0.6235.0", versionCode: 50623500 },
      { package: "com.azure.authenticator", versionName: "6.2410.6530", versionCode: 20246530 },
    ]);
    expect(summary.timeline.map((e) => e.state)).toEqual(["connectingWifi", "installingAgent", "settingDeviceOwner", "installingApps", "installingApps", "enrolled"]);
    expect(summary.timeline[1]).toMatchObject({ at: "2026-12-02T04:20:11.000Z", elapsedMs: 0 });
    expect(summary.timeline[4]).toMatchObject({ at: "2026-12-02T04:22:05.000Z", elapsedMs: 114_000 });
  });

  it("reports a missing package as a stop while installing apps, with a screenshot", async () => {
    android.scenario(enrolled([shell("dumpsys package com.azure.authenticator", file("package-missing-authenticator.txt"))]));
    const { summary, screenshot } = await verify(options, scriptIo());
    expect(summary.finalState).toBe("installingApps");
    expect(summary.failure).toMatchObject({ code: "appMissing", message: "not installed: com.azure.authenticator" });
    expect(existsSync(screenshot!)).toBe(true);
  });

  it("reports the wrong device owner", async () => {
    android.scenario(enrolled([shell("dumpsys device_policy", file("device-policy-testdpc.txt"))]));
    const { summary } = await verify(options, scriptIo());
    expect(summary.finalState).toBe("provisioningFailed");
    expect(summary.failure?.code).toBe("wrongDeviceOwner");
  });

  it("reports another network than the one expected", async () => {
    android.scenario(enrolled([shell("cmd wifi status", file("wifi-status-default.txt"))]));
    const { summary } = await verify({ ...options, expectSsid: "Contoso-Staging" }, scriptIo());
    expect(summary.failure).toMatchObject({ code: "wrongNetwork", message: 'on "AndroidWifi", expected "Contoso-Staging"' });
  });
});

describe("a command that never answers", () => {
  // Before, every timeout's fix said "allow longer with the command's timeout option": verify has none.
  // Every adb call of verify has the same limit, so the call that answers (get-state) must not run
  // out of time while the one that hangs does. Before, a real 0.5 s limit: on a loaded machine the
  // fake adb's own start-up took longer, and get-state was named. Now the limit runs on fake timers,
  // advanced only once the hanging call has begun: no call times out but the one meant to.
  it("is named, with a fix that names no option when its limit is fixed (verify has no timeout option)", async () => {
    android.scenario([adb("get-state", text("device\n")), shell("getprop sys.boot_completed", { stdout: "1\n", sleepMs: 60_000 }), adb("exec-out screencap -p", file("screen-welcome.png"))]);
    const hanging = "adb -s emulator-5554 shell getprop sys.boot_completed";
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let error: ScriptFailure;
    try {
      const verifying = failure(verify({ serial: "emulator-5554", expectOwner: DEFAULT_ADMIN, commandTimeoutMs: 500 }, scriptIo()));
      // The call is logged once the fake adb runs, after runTool has set its timer.
      while (!android.lines().includes(hanging)) await realSleep(20);
      vi.advanceTimersByTime(500);
      error = await verifying;
    } finally {
      vi.useRealTimers();
    }
    expect(error.message).toBe("`adb -s emulator-5554 shell getprop sys.boot_completed` gave no answer within 0.5 s");
    expect(error.hint).toBe('check that the device is running and answers (`adb devices` lists it as "device"); if adb itself hangs, restart its server (`adb kill-server`) and try again');
  });

  it("names the option that allows it longer where the script has one", async () => {
    android.scenario([...bootedDevice(), adb("emu avd snapshot save welcome", { stdout: "OK\r\n", sleepMs: 20_000 })]);
    const saving = await failure(snapshot({ serial: "emulator-5554", action: "save", name: "welcome", timeoutMs: 500 }, scriptIo()));
    expect(saving.message).toBe("`adb -s emulator-5554 emu avd snapshot save welcome` gave no answer within 0.5 s");
    expect(saving.hint).toBe("allow longer with --timeout");
    android.scenario([...bootedDevice(), { tool: "adb", prefix: "-s emulator-5554 install -r", replies: [{ stdout: "Success\n", sleepMs: 20_000 }] }]);
    const installing = await failure(setOwner({ serial: "emulator-5554", apks: [join(FIXTURES, "install-success.txt")], admin: DEFAULT_ADMIN, installTimeoutMs: 500 }, scriptIo()));
    expect(installing.hint).toMatch(/^allow longer with --install-timeout/);
  });
});

describe("emulator reset, snapshot and set-owner", () => {
  /** A reset's answers after the AVD is named: the stop, adb's listing, the new boot. */
  const stopsAndBoots = (): Rule[] => [
    sets(["killed"], adb("emu kill", text("OK: killing emulator, bye bye\r\n"))),
    when(["killed"], { tool: "adb", args: "devices", replies: [file("devices.txt"), text("List of devices attached\n\n")] }),
    { tool: "adb", args: "devices", replies: [file("devices.txt")] },
    listAvds,
    // Booted only once the emulator has run: on a busy machine its process may log its call
    // after adb has already answered, and the check below would not find it.
    sets(["running"], emulatorRuns("INFO    | boot completed\n")),
    adb("wait-for-device", text("")),
    when(["running"], shell("getprop sys.boot_completed", text("1\n"))),
    shell("getprop sys.boot_completed", text("\n")),
  ];

  // Before, with adb 36 (whose `adb emu avd name` prints nothing and exits 0), "the console of
  // emulator-5554 did not name its AVD", with no fix: the console was all reset asked.
  it.each([
    ["from the emulator's system property, the console answering nothing (adb 36)", [adb("emu avd name", text("")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n"))]],
    ["from the console on an image that sets neither property", [
      shell("getprop ro.boot.qemu.avd_name", text("\n")),
      shell("getprop ro.kernel.qemu.avd_name", text("\n")),
      adb("emu avd name", text("Pixel_6_API_34\r\nOK\r\n")),
    ]],
  ])("resets by stopping the AVD and booting it again with -wipe-data, its name read %s", async (_how, naming: Rule[]) => {
    android.scenario([adb("get-state", text("device\n")), ...naming, ...stopsAndBoots()]);
    const result = await resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 10_000, stopTimeoutMs: 5_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    const launch = android.calls().find((c) => c.args[0] === "-avd")!.args;
    expect(launch.slice(0, 2)).toEqual(["-avd", "Pixel_6_API_34"]);
    expect(launch).toContain("-wipe-data");
  });

  it("stopped by a signal, says whether the emulator was stopped, and starts nothing", async () => {
    android.scenario([adb("get-state", text("device\n")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")), ...stopsAndBoots()]);
    const before = new AbortController();
    before.abort();
    await expect(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000, signal: before.signal }, scriptIo())).rejects.toEqual(
      new ScriptInterrupted("before emulator-5554 was stopped: it runs as it did"),
    );
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
    // The signal comes as the emulator is being stopped.
    const during = new AbortController();
    const io = { ...scriptIo(), progress: (line: string) => line.startsWith("stopping ") && during.abort() };
    await expect(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 5_000, pollMs: 50, signal: during.signal }, io)).rejects.toEqual(
      new ScriptInterrupted("after emulator-5554 was stopped: it was not started again (`aosp-sim emulator start --avd Pixel_6_API_34 --wipe-data` does it)"),
    );
    expect(android.lines()).toContain("adb -s emulator-5554 emu kill");
    expect(android.calls().filter((c) => c.args[0] === "-avd")).toEqual([]);
  });

  // adb's own words for a device that has not authorised this computer (every `adb -s` command
  // that reaches adbd); `adb emu` goes to the emulator's console over TCP and still answers.
  const UNAUTHORIZED = { stderr: "adb: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set\nTry 'adb kill-server' if that seems wrong.\nOtherwise check for a confirmation dialog on your device.\n", exit: 1 };
  const unauthorizedEmulator = (): Rule[] => [
    adb("get-state", UNAUTHORIZED),
    shell("getprop ro.boot.qemu.avd_name", UNAUTHORIZED),
    adb("exec-out screencap -p", UNAUTHORIZED),
  ];

  // Before, reset failed at once on an unauthorised emulator, its fix to stop it by hand and start
  // its AVD (found how?) with --wipe-data: what reset itself does, through the console.
  it("resets an unauthorised emulator, its AVD named by the console, which answers without adbd", async () => {
    android.scenario([...unauthorizedEmulator(), adb("emu avd name", text("Pixel_6_API_34\r\nOK\r\n")), ...stopsAndBoots()]);
    const result = await resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 10_000, stopTimeoutMs: 5_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(android.calls().find((c) => c.args[0] === "-avd")!.args).toEqual(expect.arrayContaining(["-avd", "Pixel_6_API_34", "-wipe-data"]));
    expect(android.lines()).not.toContain("adb -s emulator-5554 shell getprop ro.boot.qemu.avd_name");
    expect(progress).toContain("emulator-5554 is unauthorised (it trusts an adb key of an earlier boot): the reset's -wipe-data empties the keys it trusts");
  });

  it("resets an unauthorised emulator whose console answer adb 36 loses, given --avd, and stops nothing without it", async () => {
    android.scenario([...unauthorizedEmulator(), adb("emu avd name", text("")), ...stopsAndBoots()]);
    const error = await failure(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo()));
    expect(error.message).toBe("emulator-5554 did not name its AVD (it is unauthorised, so its system properties cannot be read, and the console's `avd name` answered nothing), so reset would not know what to start again");
    expect(error.hint).toBe("name it: `aosp-sim emulator reset --serial emulator-5554 --avd NAME` (`emulator -list-avds` lists the names); nothing was stopped");
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
    android.scenario([...unauthorizedEmulator(), adb("emu avd name", text("")), ...stopsAndBoots()]);
    const result = await resetEmulator({ serial: "emulator-5554", avd: "Pixel_6_API_34", bootTimeoutMs: 10_000, stopTimeoutMs: 5_000, pollMs: 50 }, scriptIo());
    started.push(result.pid);
    expect(android.calls().find((c) => c.args[0] === "-avd")!.args.slice(0, 2)).toEqual(["-avd", "Pixel_6_API_34"]);
  });

  it("refuses an --avd other than the one the emulator runs, before stopping it (exit 2)", async () => {
    android.scenario([adb("get-state", text("device\n")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")), ...stopsAndBoots()]);
    const error = await resetEmulator({ serial: "emulator-5554", avd: "Pixel_7_API_35", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ where: "--avd", problem: 'emulator-5554 runs the AVD "Pixel_6_API_34", not "Pixel_7_API_35"' });
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
  });

  // Before, the emulator was stopped first, then the start failed: `emulator` not found on PATH,
  // or `--avd: no AVD named ...` (exit 2, naming an option reset did not have): the device was lost.
  it("stops nothing when what it stops could not be started again: no `emulator` on PATH, or an AVD it does not list", async () => {
    const naming = [adb("get-state", text("device\n")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")), adb("exec-out screencap -p", file("screen-welcome.png"))];
    android.scenario([...naming, { tool: "emulator", args: "-list-avds", replies: [text("Other_AVD\n")] }, ...stopsAndBoots()]);
    const unlisted = await failure(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo()));
    expect(unlisted.message).toBe('emulator-5554 runs the AVD "Pixel_6_API_34", which `emulator -list-avds` does not have (it lists Other_AVD), so it could be stopped but not started again; nothing was stopped');
    expect(unlisted.hint).toMatch(/ANDROID_AVD_HOME of the shell that started the emulator/);
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
    android.scenario([...naming, ...stopsAndBoots()]);
    const adbOnly = join(android.dir, "adb-only");
    mkdirSync(adbOnly, { recursive: true });
    if (!existsSync(join(adbOnly, "adb"))) symlinkSync(join(FAKE_TOOLS, "adb"), join(adbOnly, "adb"));
    const path = process.env["PATH"];
    process.env["PATH"] = [adbOnly, dirname(process.execPath)].join(delimiter);
    try {
      const missing = await failure(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo()));
      expect(missing.message).toBe("`emulator` was not found on PATH");
    } finally {
      process.env["PATH"] = path;
    }
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
  });

  // Before, only the start's failure: nothing said the emulator had been stopped and was gone.
  it("says the emulator was stopped and is gone when its new start fails", async () => {
    const exits: Rule = { tool: "emulator", prefix: "-avd Pixel_6_API_34", replies: [{ stderr: "ERROR   | x86_64 emulation currently requires hardware acceleration!\n", exit: 1 }] };
    android.scenario([adb("get-state", text("device\n")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")), exits, ...stopsAndBoots(), ...offlineDevice()]);
    const error = await failure(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 10_000, stopTimeoutMs: 5_000, pollMs: 50 }, scriptIo()));
    expect(error.message).toMatch(/^the emulator exited \(code 1\) before it booted/);
    expect(error.hint).toMatch(/; emulator-5554 was stopped for the reset and is not running now: `aosp-sim emulator start --avd Pixel_6_API_34 --wipe-data` starts it again$/);
  });

  // Before, the new start followed as soon as adb no longer listed the old instance, while it
  // could still hold its ports (and its AVD's lock): the new emulator then booted unreachable.
  it("waits for the old instance to free its ports before starting the AVD again", async () => {
    await withListener(async (held) => {
      const serial = `emulator-${held % 2 === 0 ? held : held - 1}`;
      const on = (args: string, ...replies: Rule["replies"]): Rule => ({ tool: "adb", args: `-s ${serial} ${args}`, replies });
      android.scenario([
        on("get-state", text("device\n")),
        on("shell getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")),
        listAvds,
        sets(["killed"], on("emu kill", text("OK: killing emulator, bye bye\r\n"))),
        when(["killed"], noDevices),
        { tool: "adb", args: "devices", replies: [text(`List of devices attached\n${serial}\tdevice\n\n`)] },
        emulatorRuns("INFO    | boot completed\n"),
        on("wait-for-device", text("")),
        on("shell getprop sys.boot_completed", text("1\n")),
        on("exec-out screencap -p", file("screen-welcome.png")),
      ]);
      const error = await failure(resetEmulator({ serial, bootTimeoutMs: 10_000, stopTimeoutMs: 1_000, pollMs: 50 }, scriptIo()));
      expect(error.message).toMatch(new RegExp(`^timed out after 1 s waiting for ${serial} to stop \\(adb no longer lists it, and ports \\d+ and \\d+ are free\\)`));
      expect(error.hint).toContain(`lsof -nP -iTCP:${serial.slice("emulator-".length)} -sTCP:LISTEN`);
      expect(android.calls().some((c) => c.tool === "emulator" && c.args[0] === "-avd")).toBe(false);
    });
  });

  it("says how to reset by hand when nothing names the AVD, and stops nothing", async () => {
    android.scenario([
      adb("get-state", text("device\n")),
      shell("getprop ro.boot.qemu.avd_name", text("\n")),
      shell("getprop ro.kernel.qemu.avd_name", text("\n")),
      adb("emu avd name", text("")),
      adb("exec-out screencap -p", file("screen-welcome.png")),
    ]);
    const error = await failure(resetEmulator({ serial: "emulator-5554", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo()));
    expect(error.message).toBe("emulator-5554 did not name its AVD (getprop ro.boot.qemu.avd_name and ro.kernel.qemu.avd_name are empty, and the console's `avd name` answered nothing), so reset would not know what to start again");
    expect(error.hint).toBe("name it: `aosp-sim emulator reset --serial emulator-5554 --avd NAME` (`emulator -list-avds` lists the names); nothing was stopped");
    expect(android.lines()).not.toContain("adb -s emulator-5554 emu kill");
  });

  // Before, an answer lost by adb 36 was printed as an empty list.
  it("lists snapshots, and says so when the console's answer is lost rather than print no snapshots", async () => {
    android.scenario([...bootedDevice(), adb("emu avd snapshot list", text("List of snapshots present on all disks:\r\nID        TAG               VM SIZE                DATE       VM CLOCK\r\n--        welcome              294M 2026-12-01 10:00:00   00:01:02.000\r\nOK\r\n"))]);
    expect(await snapshot({ serial: "emulator-5554", action: "list", timeoutMs: 5_000 }, scriptIo())).toMatch(/^List of snapshots present on all disks:\n.*\n-- +welcome /);
    android.scenario([...bootedDevice(), adb("emu avd snapshot list", text("")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n"))]);
    const error = await failure(snapshot({ serial: "emulator-5554", action: "list", timeoutMs: 5_000 }, scriptIo()));
    expect(error.message).toBe("emulator-5554's console answered nothing to `avd snapshot list`, not even OK (adb 36 prints no console answer when the console asks no authentication)");
    expect(error.hint).toBe("the snapshots are the folders in ~/.android/avd/Pixel_6_API_34.avd/snapshots (under $ANDROID_AVD_HOME when it is set): list them there");
  });

  it("refuses to reset what is not an emulator, as a bad option (exit 2), before adb runs", async () => {
    android.scenario([]);
    // Before, a failed reset (exit 1) with no screenshot line.
    await expect(resetEmulator({ serial: "R3CT40KX9ZB", bootTimeoutMs: 1_000, stopTimeoutMs: 1_000 }, scriptIo())).rejects.toMatchObject({
      name: "InputError",
      where: "--serial",
      problem: expect.stringMatching(/is not an emulator/),
    });
    expect(android.calls()).toEqual([]);
  });

  it("saves and loads snapshots through the console, and says when one does not exist", async () => {
    android.scenario([
      ...bootedDevice(),
      adb("emu avd snapshot save welcome", text("OK\r\n")),
      adb("emu avd snapshot load welcome", text("OK\r\n")),
      adb("emu avd snapshot load nowhere", text("KO: snapshot 'nowhere' does not exist\r\n")),
      shell(`touch ${MARKER}`, text("")),
      shell(`ls ${MARKER}`, { stderr: "No such file or directory\n", exit: 1 }),
      shell(`rm -f ${MARKER}`, text("")),
    ]);
    expect(await snapshot({ serial: "emulator-5554", action: "save", name: "welcome", timeoutMs: 5_000 }, scriptIo())).toBe('saved snapshot "welcome" on emulator-5554');
    expect(await snapshot({ serial: "emulator-5554", action: "load", name: "welcome", timeoutMs: 5_000, pollMs: 50 }, scriptIo())).toBe('loaded snapshot "welcome" on emulator-5554');
    const error = await failure(snapshot({ serial: "emulator-5554", action: "load", name: "nowhere", timeoutMs: 5_000 }, scriptIo()));
    expect(error.message).toBe("the emulator console refused `avd snapshot load nowhere`: snapshot 'nowhere' does not exist");
    expect(android.lines()).toContain(`adb -s emulator-5554 shell rm -f ${MARKER}`);
  });

  // Before, a save or load adb 36 printed no answer to (where a refusal is lost too) was said to be done.
  describe("when adb prints no console answer (adb 36)", () => {
    const save = () => snapshot({ serial: "emulator-5554", action: "save", name: "welcome", timeoutMs: 5_000 }, scriptIo());
    const load = () => snapshot({ serial: "emulator-5554", action: "load", name: "welcome", timeoutMs: 5_000, pollMs: 50 }, scriptIo());
    const LIST = "List of snapshots present on all disks:\r\nID        TAG               VM SIZE                DATE       VM CLOCK\r\n--        %s              294M 2026-12-01 10:00:00   00:01:02.000\r\nOK\r\n";
    const lost = (extra: Rule[]): Rule[] => [...bootedDevice(), adb("emu avd snapshot save welcome", text("")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n")), ...extra];
    const onDevice: Rule[] = [
      sets(["marker"], shell(`touch ${MARKER}`, text(""))),
      when(["marker"], shell(`ls ${MARKER}`, text(`${MARKER}\n`))),
      shell(`ls ${MARKER}`, { stderr: `ls: ${MARKER}: No such file or directory\n`, exit: 1 }),
      shell(`rm -f ${MARKER}`, text("")),
    ];

    it("confirms a save by the console's snapshot list", async () => {
      android.scenario(lost([adb("emu avd snapshot list", text(LIST.replace("%s", "welcome")))]));
      expect(await save()).toBe('saved snapshot "welcome" on emulator-5554 (adb printed no console answer, not even OK (adb 36 loses the console\'s answer when the console asks no authentication); confirmed: the console\'s snapshot list has it)');
    });

    it("fails a save the snapshot list does not have", async () => {
      android.scenario(lost([adb("emu avd snapshot list", text(LIST.replace("%s", "default_boot")))]));
      const error = await failure(save());
      expect(error.message).toMatch(/^emulator-5554 did not save snapshot "welcome": adb printed no console answer.*, and the console's `avd snapshot list` does not have it/);
    });

    it("says a save is unconfirmed when the list is lost too, and where to look", async () => {
      android.scenario(lost([adb("emu avd snapshot list", text(""))]));
      const error = await failure(save());
      expect(error.message).toMatch(/^could not confirm that emulator-5554 saved snapshot "welcome": adb printed no console answer.* to `avd snapshot save welcome`, nor to `avd snapshot list`$/);
      expect(error.hint).toBe("look for the folder welcome in ~/.android/avd/Pixel_6_API_34.avd/snapshots (under $ANDROID_AVD_HOME when it is set): it is there when the save was done");
    });

    it("confirms a load by a file written just before it being gone", async () => {
      android.scenario([...bootedDevice(), ...onDevice, { ...adb("emu avd snapshot load welcome", text("")), clears: ["marker"] }]);
      expect(await load()).toMatch(/^loaded snapshot "welcome" on emulator-5554 \(adb printed no console answer.*; confirmed: a file written on the device just before the load is gone/);
    });

    it("fails a load that left the device as it was, and removes the file", async () => {
      android.scenario([...bootedDevice(), ...onDevice, adb("emu avd snapshot load welcome", text("")), shell("getprop ro.boot.qemu.avd_name", text("Pixel_6_API_34\n"))]);
      const error = await failure(load());
      expect(error.message).toMatch(/^emulator-5554 did not load snapshot "welcome": adb printed no console answer.*, and a file written on the device just before the load is still there/);
      expect(error.hint).toBe("check the name with `aosp-sim emulator snapshot list --serial emulator-5554` (or the folders in ~/.android/avd/Pixel_6_API_34.avd/snapshots (under $ANDROID_AVD_HOME when it is set))");
      expect(android.lines()).toContain(`adb -s emulator-5554 shell rm -f ${MARKER}`);
    });
  });

  const apk = join(FIXTURES, "install-success.txt"); // any file stands for the APK: the fake installs anything

  it("installs the agent and makes it device owner", async () => {
    android.scenario([
      ...bootedDevice(),
      { tool: "adb", prefix: "-s emulator-5554 install -r", replies: [file("install-success.txt")] },
      sets(["owner"], shell("dpm set-device-owner 'com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver'", file("dpm-set-owner-success.txt"))),
      when(["owner"], shell("dumpsys device_policy", file("device-policy-intune.txt"))),
    ]);
    expect(await setOwner({ serial: "emulator-5554", apks: [apk], admin: DEFAULT_ADMIN, installTimeoutMs: 5_000 }, scriptIo())).toMatch(/is device owner of emulator-5554$/);
    expect(android.lines()).toContain(`adb -s emulator-5554 install -r ${apk}`);
  });

  it("fails with adb's reason when the install fails, and a fix for that reason", async () => {
    android.scenario([...bootedDevice(), { tool: "adb", prefix: "-s emulator-5554 install -r", replies: [{ stderr: readFileSync(join(FIXTURES, "install-failed.txt"), "utf8"), exit: 1 }] }]);
    const error = await failure(setOwner({ serial: "emulator-5554", apks: [apk], admin: DEFAULT_ADMIN, installTimeoutMs: 5_000 }, scriptIo()));
    expect(error.message).toMatch(/did not install: INSTALL_FAILED_UPDATE_INCOMPATIBLE: Existing package/);
    expect(error.hint).toMatch(/another signature of the package is installed: reset the emulator first/);
    android.scenario([...bootedDevice(), { tool: "adb", prefix: "-s emulator-5554 install -r", replies: [{ stderr: "Failure [INSTALL_FAILED_INSUFFICIENT_STORAGE]\n", exit: 1 }] }]);
    const other = await failure(setOwner({ serial: "emulator-5554", apks: [apk], admin: DEFAULT_ADMIN, installTimeoutMs: 5_000 }, scriptIo()));
    // Before, every failed install was told about another signature.
    expect(other.hint).not.toMatch(/signature/);
    expect(existsSync(error.screenshot!)).toBe(true);
  });

  it("fails with Android's reason when the device owner is refused (an account on the device)", async () => {
    // As dpm answers: the exception on stderr, exit 255 (before, only the stack's last two lines were kept).
    android.scenario([...bootedDevice(), shell("dpm set-device-owner 'com.microsoft.intune.aospagent/com.microsoft.intune.aospagent.AospDeviceAdminReceiver'", { stderr: readFileSync(join(FIXTURES, "dpm-set-owner-accounts.txt"), "utf8"), exit: 255 })]);
    const error = await failure(setOwner({ serial: "emulator-5554", apks: [], admin: DEFAULT_ADMIN, installTimeoutMs: 5_000 }, scriptIo()));
    expect(error.message).toMatch(/was refused: Not allowed to set the device owner because there are already some accounts on the device$/);
  });

  it("refuses an APK that does not exist before touching the device", async () => {
    android.scenario([]);
    await expect(setOwner({ serial: "emulator-5554", apks: ["missing.apk"], admin: DEFAULT_ADMIN, installTimeoutMs: 5_000 }, scriptIo())).rejects.toThrow(InputError);
    expect(android.calls()).toEqual([]);
  });
});
