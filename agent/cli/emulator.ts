/**
 * `aosp-sim emulator <script>`: the scripts in emulator-scripts/ that drive a real Android
 * emulator through the SDK's `emulator` and `adb` (start, provision, verify, reset, snapshot,
 * set-owner). This file parses options and prints; the scripts do the work.
 *
 * Exit codes: 0 done, 1 the script failed (what failed, how to fix it, and the screenshot saved),
 * 2 bad options. Progress goes to stderr so `verify --json` prints one JSON document on stdout.
 */
import type { Command } from "commander";
import { decimalNumber } from "../protocol/decimal.js";
import { InputError } from "../protocol/errors.js";
import { asFailure, durationOption, outputDirOption, ScriptFailure, ScriptInterrupted, serialOption, snapshotNameOption, type ScriptIo } from "../../emulator-scripts/common.js";
import { DEFAULT_ADMIN, provision, PROVISION_HELP } from "../../emulator-scripts/provision.js";
import { resetEmulator, RESET_HELP } from "../../emulator-scripts/reset.js";
import { setOwner, SET_OWNER_HELP } from "../../emulator-scripts/set-owner.js";
import { snapshot, SNAPSHOT_HELP } from "../../emulator-scripts/snapshot.js";
import { startEmulator, START_HELP, type PosterVia } from "../../emulator-scripts/start.js";
import { verify, VERIFY_HELP } from "../../emulator-scripts/verify.js";
import { appsLine } from "../report/device-output.js";
import { gracefulStop, signalExitCode } from "./graceful-stop.js";
import { action, errorDocument, EXIT_FAILED, EXIT_OK, err, printError, printJson, printLine } from "./output.js";

interface Common {
  output: string;
}

/** Where the script writes and says what it does; a bad --output is refused here, before any work. */
function io(options: Common): ScriptIo {
  return { outputDir: outputDirOption(options.output), progress: (line) => printError(err.dim(line)) };
}

/**
 * Runs a script; a ScriptFailure becomes its message, its fix and its screenshot on stderr, and
 * exit 1. With --json (verify) stdout also gets the error document every --json run prints when
 * it fails before it has a report, so `verify --json > emulator.json` never leaves an empty file.
 */
function script<Args extends unknown[]>(run: (...args: Args) => Promise<number>) {
  return action(async (...args: Args) => {
    try {
      return await run(...args);
    } catch (caught) {
      const error = asFailure(caught);
      if (!(error instanceof ScriptFailure)) throw error;
      // commander passes the Command last; its options say whether --json was given.
      const command = args[args.length - 1] as Partial<Command> | undefined;
      if (typeof command?.opts === "function" && command.opts()["json"] === true) {
        // "input": what the script was pointed at (the device, the SDK tools on PATH) failed it.
        printJson(errorDocument(new InputError(error.message, error.hint === undefined ? {} : { hint: error.hint })));
      }
      printError(`${err.red("aosp-sim emulator:")} ${error.message}`);
      if (error.hint) printError(`  ${err.dim("fix:")} ${error.hint}`);
      if (error.screenshot) printError(`  ${err.dim("screenshot:")} ${error.screenshot}`);
      return EXIT_FAILED;
    }
  });
}

/**
 * Runs a script that launches an emulator (`start`, `reset`) with Ctrl-C and SIGTERM handled: the
 * emulator runs in its own process group, which the terminal's Ctrl-C does not reach, so the first
 * signal asks the script to stop it (and remove the poster's copy); the script's word on what it
 * did is printed on one line, and the exit code is the signal's (130, 143), as the entry point's
 * handler, kept for these commands while they load (main.ts), would give. A second signal ends
 * the process at once.
 */
async function stoppable(command: string, run: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const stop = gracefulStop(() => {});
  try {
    return await run(stop.signal);
  } catch (error) {
    const caught = stop.caught();
    if (!(error instanceof ScriptInterrupted) || caught === null) throw error;
    printError(`${err.yellow(`aosp-sim emulator ${command}:`)} interrupted (${caught}) ${error.message}`);
    return signalExitCode(caught);
  } finally {
    stop.dispose();
  }
}

/** How `start` says the poster was hung, by PosterVia. */
const POSTER_VIA: Record<PosterVia, string> = {
  launch: "hung at launch",
  "launch+console": "given at launch and hung again with adb emu virtualscene-image",
  "launch-unconfirmed": "given at launch; unconfirmed: the log does not say it loaded and the console refused to hang it again",
  console: "hung with adb emu virtualscene-image; the emulator had refused it at launch",
};

/** --output, saying what the command writes there: only start and reset write the emulator's log. */
function outputOption(writes: "screenshots" | "screenshots and log") {
  return ["--output <dir>", writes === "screenshots" ? "where failure screenshots go" : "where failure screenshots and the emulator's log go", "."] as const;
}

export function registerEmulator(program: Command): void {
  const emulator = program
    .command("emulator")
    .description("Drive an Android emulator through adb: start it with the QR code in its camera's view, provision, verify, reset, snapshots, set-owner");

  emulator
    .command("start")
    .description("Start an AVD headless with the QR code in the back camera's virtual scene; wait for the boot")
    .requiredOption("--avd <name>", "the AVD (emulator -list-avds)")
    .option("--port <n>", "console port, even, 5554-5682 (the device is then emulator-PORT)", "5554")
    .option("--qr <image>", "the enrollment QR code (PNG or JPEG) hung on the virtual scene's wall")
    .option("--wipe-data", "erase user data first (a factory-fresh device)")
    .option("--snapshot <name>", "boot from this snapshot instead of a cold boot")
    .option("--boot-timeout <duration>", "give up when the boot takes longer", "5m")
    .option(...outputOption("screenshots and log"))
    .addHelpText("after", START_HELP)
    .action(
      script(async (options: Common & { avd: string; port: string; qr?: string; wipeData?: boolean; snapshot?: string; bootTimeout: string }) => {
        // Decimal digits only: Number() would read 0x15b2, 5.554e3 and 5554.0 as 5554.
        const port = decimalNumber(options.port);
        if (!Number.isInteger(port) || port < 5554 || port > 5682 || port % 2 !== 0) {
          throw new InputError(`"${options.port}" is not an emulator console port`, { where: "--port", hint: "use an even number from 5554 to 5682, in decimal digits" });
        }
        const start = {
          avd: options.avd,
          port,
          wipeData: options.wipeData === true,
          bootTimeoutMs: durationOption(options.bootTimeout, "--boot-timeout"),
          ...(options.qr === undefined ? {} : { qr: options.qr }),
          ...(options.snapshot === undefined ? {} : { snapshot: snapshotNameOption(options.snapshot, "--snapshot") }),
        };
        const scriptIo = io(options);
        return stoppable("start", async (signal) => {
          const result = await startEmulator({ ...start, signal }, scriptIo);
          printLine(`${result.serial} booted (emulator pid ${result.pid}, log ${result.log})`);
          if (result.poster && result.posterVia) printLine(`QR poster: ${result.poster} (${POSTER_VIA[result.posterVia]})`);
          printLine(`stop it with: adb -s ${result.serial} emu kill`);
          return EXIT_OK;
        });
      }),
    );

  emulator
    .command("provision")
    .description("Six taps on the welcome screen, the setup wizard's QR reader, then wait for provisioning to set the device owner")
    .requiredOption("--serial <serial>", "the device (adb devices), e.g. emulator-5554")
    .option("--admin <component>", "the device owner provisioning must set (package/class)")
    .option("--scanner <pattern>", "what the QR reader's activity name matches (case-insensitive)", "qr")
    .option("--scan-timeout <duration>", "how long the QR reader may take to open", "1m")
    .option("--provision-timeout <duration>", "how long provisioning may take after the scan", "10m")
    .option(...outputOption("screenshots"))
    .addHelpText("after", PROVISION_HELP)
    .action(
      script(async (options: Common & { serial: string; admin?: string; scanner: string; scanTimeout: string; provisionTimeout: string }) => {
        const result = await provision(
          {
            serial: serialOption(options.serial),
            admin: options.admin ?? DEFAULT_ADMIN,
            scannerPattern: patternOption(options.scanner),
            scanTimeoutMs: durationOption(options.scanTimeout, "--scan-timeout"),
            provisionTimeoutMs: durationOption(options.provisionTimeout, "--provision-timeout"),
          },
          io(options),
        );
        printLine(`${result.serial} provisioned: device owner ${result.deviceOwner}`);
        printLine(`screens: ${result.screens.join(" -> ")}`);
        return EXIT_OK;
      }),
    );

  emulator
    .command("verify")
    .description("The device's apps, device owner and network, in the shape of `enroll --json` (for `aosp-sim compare`)")
    .requiredOption("--serial <serial>", "the device (adb devices), e.g. emulator-5554")
    .option("--expect-owner <component>", "the device owner an enrolled device has (package/class)")
    .option("--expect-ssid <ssid>", "the network the device must be on")
    .option("--json", "print one JSON document, shaped like `aosp-sim enroll --json`")
    .option(...outputOption("screenshots"))
    .addHelpText("after", VERIFY_HELP)
    .action(
      script(async (options: Common & { serial: string; expectOwner?: string; expectSsid?: string; json?: boolean }) => {
        const result = await verify(
          {
            serial: serialOption(options.serial),
            expectOwner: options.expectOwner ?? DEFAULT_ADMIN,
            ...(options.expectSsid === undefined ? {} : { expectSsid: options.expectSsid }),
          },
          io(options),
        );
        const { summary } = result;
        if (options.json) printJson(summary);
        else {
          printLine(`${options.serial}: ${summary.finalState}`);
          printLine(`  apps          ${appsLine(summary.apps)}`);
          printLine(`  device owner  ${summary.deviceOwner ?? "none"}`);
          printLine(`  Wi-Fi         ${result.ssid ?? "not connected"}`);
          if (summary.failure) printLine(`  problem       ${summary.failure.code}: ${summary.failure.message}`);
        }
        if (result.screenshot) printError(`screenshot: ${result.screenshot}`);
        return summary.finalState === "enrolled" && summary.failure === null ? EXIT_OK : EXIT_FAILED;
      }),
    );

  emulator
    .command("reset")
    .description("Factory reset: stop the emulator and start it again with -wipe-data")
    .requiredOption("--serial <serial>", "the emulator, e.g. emulator-5554")
    .option("--avd <name>", "its AVD, for when the emulator does not name it (an unauthorised one with adb 36)")
    .option("--qr <image>", "hang this QR code again in the virtual scene")
    .option("--boot-timeout <duration>", "give up when the boot takes longer", "5m")
    .option("--stop-timeout <duration>", "give up when the old instance does not stop", "1m")
    .option(...outputOption("screenshots and log"))
    .addHelpText("after", RESET_HELP)
    .action(
      script(async (options: Common & { serial: string; avd?: string; qr?: string; bootTimeout: string; stopTimeout: string }) => {
        const reset = {
          serial: serialOption(options.serial),
          ...(options.avd === undefined ? {} : { avd: avdOption(options.avd) }),
          bootTimeoutMs: durationOption(options.bootTimeout, "--boot-timeout"),
          stopTimeoutMs: durationOption(options.stopTimeout, "--stop-timeout"),
          ...(options.qr === undefined ? {} : { qr: options.qr }),
        };
        const scriptIo = io(options);
        return stoppable("reset", async (signal) => {
          const result = await resetEmulator({ ...reset, signal }, scriptIo);
          printLine(`${result.serial} was reset and booted again (emulator pid ${result.pid}, log ${result.log})`);
          return EXIT_OK;
        });
      }),
    );

  emulator
    .command("snapshot")
    .description("Save, load or list the emulator's snapshots (adb emu avd snapshot ...)")
    .argument("<action>", "save, load or list")
    .argument("[name]", "the snapshot (for save and load)")
    .requiredOption("--serial <serial>", "the emulator, e.g. emulator-5554")
    .option("--timeout <duration>", "give up when saving or loading takes longer", "2m")
    .option(...outputOption("screenshots"))
    .addHelpText("after", SNAPSHOT_HELP)
    .action(
      script(async (act: string, name: string | undefined, options: Common & { serial: string; timeout: string }) => {
        if (act !== "save" && act !== "load" && act !== "list") {
          throw new InputError(`unknown snapshot action "${act}"`, { hint: "use save NAME, load NAME or list" });
        }
        if (act !== "list" && name === undefined) throw new InputError(`snapshot ${act} needs a NAME`, { hint: `e.g. aosp-sim emulator snapshot ${act} welcome --serial emulator-5554` });
        if (act === "list" && name !== undefined) {
          throw new InputError(`list takes no NAME (it lists them all), yet "${name}" was given`, { where: "snapshot list NAME", hint: `leave the name out: aosp-sim emulator snapshot list --serial ${options.serial}` });
        }
        if (name !== undefined) snapshotNameOption(name, "snapshot NAME");
        printLine(
          await snapshot(
            { serial: serialOption(options.serial), action: act, timeoutMs: durationOption(options.timeout, "--timeout"), ...(name === undefined ? {} : { name }) },
            io(options),
          ),
        );
        return EXIT_OK;
      }),
    );

  emulator
    .command("set-owner")
    .description("For images without a QR reader: install the APKs and make the agent device owner (dpm set-device-owner)")
    .requiredOption("--serial <serial>", "the device, e.g. emulator-5554")
    .option("--apk <file>", "an APK to install first (repeatable)", (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option("--admin <component>", "the device owner to set (package/class)")
    .option("--install-timeout <duration>", "give up on one install after this long", "3m")
    .option(...outputOption("screenshots"))
    .addHelpText("after", SET_OWNER_HELP)
    .action(
      script(async (options: Common & { serial: string; apk: string[]; admin?: string; installTimeout: string }) => {
        printLine(
          await setOwner(
            { serial: serialOption(options.serial), apks: options.apk, admin: options.admin ?? DEFAULT_ADMIN, installTimeoutMs: durationOption(options.installTimeout, "--install-timeout") },
            io(options),
          ),
        );
        return EXIT_OK;
      }),
    );
}

/** An AVD name; an empty one is a slip (an unset variable). reset checks it against `emulator -list-avds`. */
function avdOption(text: string): string {
  if (text.trim() === "") throw new InputError("the AVD name is empty", { where: "--avd", hint: "use a name `emulator -list-avds` lists, e.g. Pixel_6_API_34, or leave --avd out" });
  return text;
}

function patternOption(text: string): string {
  const hint = "e.g. qr or QrCode.*Activity";
  if (text === "") throw new InputError("the pattern is empty, so every screen would match it", { where: "--scanner", hint });
  try {
    new RegExp(text, "i");
  } catch (error) {
    throw new InputError(`is not a regular expression: ${(error as Error).message}`, { where: "--scanner", hint });
  }
  return text;
}

