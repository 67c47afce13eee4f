/**
 * `aosp-sim enroll <image|payload.json>`: one new device scans the QR code (an image, or the
 * payload rendered as one) and goes through the whole out-of-box flow against the service the
 * payload names (or --service). Exit 0 when it reaches `enrolled`, 1 when it stops anywhere
 * else (the state and the reason are printed), 2 for usage errors and unreadable input; 130 or
 * 143 when Ctrl-C or SIGTERM stopped it (said on stderr, and in the transcript's end record).
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { readFileBounded } from "../protocol/bounded-read.js";
import { InputError, isNotFound } from "../protocol/errors.js";
import { checkOutputFile } from "../protocol/output-path.js";
import { httpBaseUrl } from "../protocol/http-url.js";
import { RealClock, SimulatedClock } from "../device/clock.js";
import type { CreateDeviceOptions, Device, DeviceReport } from "../device/create-device.js";
import { parseDuration, unitLeftOut } from "../device/duration.js";
import { parsePackageArchive } from "../protocol/package-archive.js";
import { payloadSource, unusableProfile } from "../payload/payload-source.js";
import { FAULT_GRAMMAR, parseFaults } from "../device/faults.js";
import { checkSerialNumber } from "../device/identity.js";
import { isPastEnrollment, isWithin } from "../machine/state-paths.js";
import { deviceJson, faultsNotFired, faultsNotFiredLines, followTimeline, identityLine, outcomeLines, type FaultNotFired } from "../report/device-output.js";
import { stateFaultsNotStruck } from "../device/faults-not-struck.js";
import { TranscriptFile } from "../report/transcript.js";
import { action, err, errorDocument, EXIT_FAILED, EXIT_OK, out, printError, printJson, printLine } from "./output.js";
import { parseAdbDevice } from "../device/adb/parse.js";
import { readInput, refuseEmptyFileArguments, STDIN_PAYLOAD_OR_IMAGE } from "./input.js";
import { TRANSCRIPT_SECRETS_HELP, transcriptSecrets, checkDeviceDir, collect, parseSeed, untilState } from "./device-options.js";
import { interruptedNotice } from "./interrupted-notice.js";
import { gracefulStop } from "./graceful-stop.js";
import { NEW_PASSWORD_ENV, PASSWORD_ENV, secretOption } from "./secret-env.js";

interface EnrollOptions {
  service?: string;
  user?: string;
  password?: string;
  newPassword?: string;
  json?: boolean;
  transcript?: string;
  transcriptSecrets?: string;
  fault: string[];
  serial?: string;
  seed?: string;
  clock: string;
  deviceDir?: string;
  timeout: string;
  preinstall: string[];
  /** False with --no-mobile-data. */
  mobileData: boolean;
  device: string;
  until?: string;
}

export function registerEnroll(program: Command): void {
  program
    .command("enroll")
    .description(
      "Take one new device through the out-of-box flow: six taps, QR scan, payload checks, Wi-Fi, " +
        "agent download and verification, device owner, enrollment, sign-in, apps. Exit 0 when enrolled.",
    )
    .argument("<input>", "a QR code image, a payload JSON file, or - for stdin")
    .option("--service <url>", "send the payload's service traffic to this base URL instead")
    .option("--user <upn>", "the work account typed on the sign-in screen")
    .option("--password <password>", `its password (with --user, ${PASSWORD_ENV} when left out, which other users cannot see in ps)`)
    .option(
      "--new-password <password>",
      `with --user: the new password typed if the account must change its password at this sign-in (passwordProfile.forceChangePasswordNextSignIn); ${NEW_PASSWORD_ENV} when left out`,
    )
    .option("--json", "print one JSON document: {deviceId, finalState, timeline, apps, ...}")
    .option("--transcript <file>", "write every state change and HTTP exchange as JSON lines")
    .option("--transcript-secrets <mode>", TRANSCRIPT_SECRETS_HELP)
    .option("--fault <fault>", `inject a fault (repeatable): ${FAULT_GRAMMAR}`, collect, [])
    .option("--serial <serial>", "the device's serial number (default: from the seed)")
    .option("--seed <n>", "generate the device's identity from this seed (default: a random one, printed and recorded)")
    .option("--clock <kind>", "real (wait as a device would) or simulated (waits take no time)", "real")
    .option("--device-dir <dir>", "keep the device's storage here; a device found there resumes where it stopped (from an error screen: Try again, or Reset if only that helps; enrolled, it first takes a check-in that is due, where it hears of a wipe or delete)")
    .option("--preinstall <package>", "a package archive in the device's system image, e.g. the agent (repeatable)", collect, [])
    .option("--no-mobile-data", "the device has no mobile data (no SIM, no data plan or no coverage): a QR code that allows mobile data and names no Wi-Fi waits 10 minutes for it and fails")
    .option("--until <state>", "stop when the device reaches this state, keeping it in --device-dir to continue from there; a state of the enrolled device's life (enrolled.checkingIn, factoryResetting) runs it on past enrollment; exit 1 if it is not reached")
    .option("--timeout <duration>", "give up after this long on a real clock", "10m")
    .option("--device <device>", "virtual (the simulated device), or adb:SERIAL to drive an Android emulator or device over adb", "virtual")
    .addHelpText("after", FAULT_HELP)
    .action(action(enroll));
}

const FAULT_HELP = `
Faults (--fault NAME[=VALUE][@STATE], repeatable):
  wrong-wifi-key[=KEY]          the network's key is not the payload's
  network-absent                no network at all: no Wi-Fi in range, no mobile data
  wifi-timeout[=N|always]       the first N join attempts get no answer (default always)
  download-http-error[=STATUS]  the agent download answers STATUS (default 500)
  corrupt-download              the agent arrives altered (checksum error)
  service-5xx[=N|always]        the first N device-API requests answer 503 (default 2)
  service-timeout[=N|always]    the first N device-API requests get no answer (default 2)
  power-loss[=OFF]@STATE        power is cut on entering STATE, back after OFF (default 30s)
  clock-skew=OFFSET[@STATE]     the device clock is OFFSET off (+2h, -90m); with @STATE it jumps by OFFSET there
State names: \`aosp-sim diagram --format json\`.
Exit: 0 enrolled, 1 stopped elsewhere (state and reason printed), 2 usage or unreadable input,
130/143 interrupted by Ctrl-C/SIGTERM (the device stops where it is; --device-dir keeps it to resume).`;

async function enroll(input: string, options: EnrollOptions): Promise<number> {
  refuseEmptyFileArguments("enroll", [input], "the payload or QR code image", "aosp-sim enroll payload.json");
  const faults = parseFaults(options.fault);
  // Ambient, the variable is read only for a --user: without one the device stops at sign-in as asked.
  if (options.user !== undefined) options.password = secretOption(options.password, PASSWORD_ENV)?.value;
  if ((options.user === undefined) !== (options.password === undefined)) {
    throw new InputError("--user and --password go together", { hint: `pass both (the password may be given in ${PASSWORD_ENV} instead), or neither to stop at the sign-in screen` });
  }
  if (options.user !== undefined) options.newPassword = secretOption(options.newPassword, NEW_PASSWORD_ENV)?.value;
  else if (options.newPassword !== undefined) {
    throw new InputError("is the new password of the account --user signs in as", { where: "--new-password", hint: "pass --user UPN --password PW with it" });
  }
  const seed = options.seed === undefined ? undefined : parseSeed(options.seed);
  if (options.serial !== undefined) checkSerialNumber(options.serial, "--serial");
  if (options.clock !== "real" && options.clock !== "simulated") {
    throw new InputError(`unknown clock "${options.clock}"`, { where: "--clock", hint: "use real or simulated" });
  }
  const timeoutMs = parseDuration(options.timeout);
  const leftOut = timeoutMs === null ? unitLeftOut(options.timeout) : null;
  if (leftOut) {
    throw new InputError(`"${options.timeout}" is not a duration: its last number, ${leftOut.number}, has no unit`, { where: "--timeout", hint: `write each number with its unit, e.g. --timeout ${leftOut.written} (ms, s, m, h or d)` });
  }
  if (timeoutMs === null || timeoutMs <= 0) {
    throw new InputError(`"${options.timeout}" is not a duration`, { where: "--timeout", hint: "e.g. 90s, 10m" });
  }
  if (options.service !== undefined) httpBaseUrl(options.service, "--service");
  if (options.deviceDir !== undefined) checkDeviceDir(options.deviceDir);
  const adbSerial = deviceOption(options);
  const until = options.until === undefined ? undefined : untilState(options.until);
  if (options.transcript !== undefined) {
    checkOutputFile({ option: "--transcript", path: options.transcript, what: "transcript", example: "enrollment.jsonl" }, [
      { path: input, what: "input" },
      ...options.preinstall.map((path) => ({ path, what: "--preinstall package" })),
    ]);
  }
  const secrets = transcriptSecrets(options, printError);
  const qr = await readQrInput(input);
  const preinstalled: Uint8Array[] = [];
  for (const path of options.preinstall) preinstalled.push(await readPackageFile(path));
  if ("image" in qr) await checkImageReadable(qr.image, qr.label ?? input);
  const transcript = options.transcript === undefined ? undefined : new TranscriptFile(options.transcript, secrets);
  const clock = options.clock === "simulated" ? new SimulatedClock() : new RealClock();
  const deviceOptions: CreateDeviceOptions = {
    qr,
    clock,
    faults,
    ...(seed === undefined ? {} : { seed }),
    ...(options.serial === undefined ? {} : { identity: { serialNumber: options.serial } }),
    ...(options.user !== undefined && options.password !== undefined
      ? { user: { userPrincipalName: options.user, password: options.password, ...(options.newPassword === undefined ? {} : { newPassword: options.newPassword }) } }
      : {}),
    ...(options.service === undefined ? {} : { serviceUrl: options.service }),
    ...(options.deviceDir === undefined ? {} : { storage: { dir: resolve(options.deviceDir) } }),
    ...(preinstalled.length > 0 ? { preinstalled } : {}),
    ...(options.mobileData === false ? { mobileData: false } : {}),
    ...(transcript ? { transcript: transcript.write, transcriptSecrets: transcript.secrets } : {}),
  };
  // Loaded here, not at start-up: the device pulls in the QR decoders.
  const { createDevice } = await import("../device/create-device.js");
  const device = adbSerial === null ? await createDevice(deviceOptions) : await openAdbDevice(adbSerial, deviceOptions, options.json === true);
  if (device === null) return EXIT_FAILED;
  // Ctrl-C or SIGTERM stops the device where it is, and the run still ends its transcript and
  // says where it stopped; a second signal ends the process at once (as for `fleet`). Until here
  // (its modules loading, the input read, the device made), main.ts's handlers end it at once.
  const stop = gracefulStop(() => {});
  try {
    let stopFollowing = () => {};
    if (!options.json) {
      printLine(out.bold(`Device: ${identityLine(device.identity, device.seed ?? undefined)}`));
      if (faults.length > 0) printLine(out.yellow(`Faults: ${options.fault.join(", ")}`));
      stopFollowing = followTimeline(device, out, printLine);
    }
    let report: DeviceReport;
    try {
      report = await device.enroll({ ...(clock instanceof RealClock ? { limitMs: timeoutMs } : {}), ...(until === undefined ? {} : { until }), signal: stop.signal });
    } catch (error) {
      // A device over adb can go away mid-run (unplugged, its emulator stopped): adb's word on
      // it, as when it could not be reached at the start, not an internal error.
      stopFollowing();
      if (adbSerial !== null && (await sayAdbError(adbSerial, error, options.json === true))) return EXIT_FAILED;
      throw error;
    }
    stopFollowing();
    const interrupted = report.interrupted ? stop.caught() : null;
    const notFired = unfiredFaults(device, report);
    if (interrupted !== null) {
      await transcript?.finish(device, report, { interrupted });
      if (options.json) printJson(deviceJson(report, device.identity, faults, device.seed, { interrupted }, notFired));
      else for (const line of faultsNotFiredLines(notFired, out)) printLine(line);
      printError(interruptedNotice(report.finalStatePath, interrupted, options.deviceDir));
      return stop.exitCode()!;
    }
    const reached = until !== undefined && isWithin(report.finalStatePath, until);
    // With --until, the state asked for is the goal: enrolled without passing through it is not it.
    const missedUntil = until !== undefined && !reached;
    const enrolled = report.finalState === "enrolled" && !missedUntil;
    // Its time ran out: looking for a state of the enrolled life, or anywhere short of a failure or the sign-in screen on the real clock.
    const ranPastEnrollment = missedUntil && report.finalState === "enrolled" && isPastEnrollment(until);
    const gaveUp = !reached && !enrolled && !missedUntil && clock instanceof RealClock && !report.failure && report.finalStatePath !== "signingIn.waitingForUser";
    await transcript?.finish(device, report, reached ? { until } : ranPastEnrollment || gaveUp ? { timedOut: true } : {});
    if (options.json) {
      printJson(deviceJson(report, device.identity, faults, device.seed, {}, notFired));
    } else {
      printLine();
      // At the sign-in screen as --until asked, the device is not waiting for an account (before, it said "pass --user UPN --password PW" though both were given).
      for (const line of outcomeLines(report, out, { stoppedAsAsked: reached })) printLine(line);
      // Enrolled (--until enrolled, enrolled.idle, enrolled.checkingIn) is a stop as asked too:
      // the device was not left to go on, and --device-dir continues it from there.
      if (reached) {
        printLine(`  stopped there as --until asked${options.deviceDir === undefined ? "" : "; enroll --device-dir continues from there"}`);
      } else if (ranPastEnrollment) {
        const waited = clock instanceof RealClock ? `--timeout ${options.timeout}` : "a simulated day";
        printLine(`  did not reach --until ${until} within ${waited}: an enrolled device gets there when a check-in takes it there (its first is 3 minutes after enrolling; an update offered, a wipe or a delete from the admin API is taken at the next)`);
      } else if (missedUntil && !report.failure && report.finalStatePath === "signingIn.waitingForUser") {
        // Waiting for an account (said on the line before): not a state skipped, one not reached yet.
        printLine(`  did not reach --until ${until}: the device waits at the sign-in screen for an account first`);
      } else if (missedUntil && !report.failure) {
        printLine(`  did not reach --until ${until}: the device did not pass through it on its way here (a state it had passed already, or one this payload and device skip)`);
      } else if (gaveUp) {
        printLine(`  gave up after --timeout ${options.timeout}`);
      }
      for (const line of faultsNotFiredLines(notFired, out)) printLine(line);
    }
    return enrolled || reached ? EXIT_OK : EXIT_FAILED;
  } finally {
    device.dispose();
    transcript?.close();
    stop.dispose();
  }
}

/**
 * The faults at a state (power-loss@STATE, clock-skew=OFFSET@STATE) this run never reached, and
 * why: said at the end, or the QA engineer reproducing a failure takes the fault for harmless.
 */
function unfiredFaults(device: Device, report: DeviceReport): FaultNotFired[] {
  const notStruck = stateFaultsNotStruck(device.faults, device.records, device.storage);
  if (notStruck.length === 0) return [];
  const boot = device.records.find((r) => r.kind === "step" && r.boot === "resumed");
  return faultsNotFired(notStruck, report, boot?.kind === "step" ? boot.to : null);
}

/**
 * --device: null for the virtual device, or the adb serial. A real device brings its own
 * identity, clock, storage and faults, so the options that set those are refused with it.
 */
function deviceOption(options: EnrollOptions): string | null {
  if (options.device === "virtual") return null;
  const serial = parseAdbDevice(options.device);
  if (serial === null) {
    throw new InputError(`"${options.device}" is not a device`, { where: "--device", hint: "use virtual, or adb:SERIAL with a serial `adb devices` lists, e.g. adb:emulator-5554" });
  }
  const refused: [keyof EnrollOptions, string, string][] = [
    ["fault", "--fault", "faults are injected into the virtual device; a real device has its own"],
    ["seed", "--seed", "a real device has its own identity"],
    ["serial", "--serial", "a real device has its own serial number"],
    ["deviceDir", "--device-dir", "a real device keeps its own storage"],
    ["preinstall", "--preinstall", "install apps on a real device with adb install (or aosp-sim emulator set-owner)"],
  ];
  for (const [key, flag, why] of refused) {
    const value = options[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
      throw new InputError(`${why}, so it cannot be used with --device ${options.device}`, { where: flag, hint: `leave out ${flag}` });
    }
  }
  if (options.mobileData === false) {
    throw new InputError(`a real device has mobile data or not by its own SIM, so it cannot be used with --device ${options.device}`, { where: "--no-mobile-data", hint: "leave out --no-mobile-data" });
  }
  if (options.clock !== "real") {
    throw new InputError(`a real device runs on the real clock, so it cannot be used with --device ${options.device}`, { where: "--clock", hint: "leave out --clock" });
  }
  return serial;
}

/**
 * The device over adb, or null (after saying why: with `json`, as the error document on stdout
 * too, which a script reading it found empty) when adb or the device cannot be reached.
 */
async function openAdbDevice(serial: string, options: CreateDeviceOptions, json: boolean): Promise<Device | null> {
  const { createAdbDevice } = await import("../device/adb/adb-device.js");
  try {
    return await createAdbDevice({
      serial,
      qr: options.qr!,
      ...(options.user ? { user: options.user } : {}),
      ...(options.serviceUrl ? { serviceUrl: options.serviceUrl } : {}),
      ...(options.transcript ? { transcript: options.transcript } : {}),
    });
  } catch (error) {
    if (await sayAdbError(serial, error, json)) return null;
    throw error;
  }
}

/**
 * Says an adb failure (adb missing, the device offline or gone) as what it is, on stderr, and
 * with `json` as the error document on stdout; false when `error` is not adb's.
 */
async function sayAdbError(serial: string, error: unknown, json: boolean): Promise<boolean> {
  const { AdbError } = await import("../device/adb/adb.js");
  if (!(error instanceof AdbError)) return false;
  printError(`${err.red("aosp-sim:")} --device adb:${serial}: ${error.message}`);
  printError(`  ${err.dim("fix:")} ${error.hint}`);
  if (json) printJson(errorDocument(new InputError(error.message, { where: `--device adb:${serial}`, hint: error.hint })));
  return true;
}

/**
 * An image is what the camera sees; JSON text is rendered as the QR code an admin would show.
 * Read (file or stdin, bounded, image told from text by content) as `validate` reads it, in the
 * forms it takes (agent/payload/payload-source.ts): a Graph enrollment profile is its
 * qrCodeContent (else the image in its qrCodeImage), base64 is the payload or image it encodes.
 * Before, a profile was shown as a code of its whole JSON (too large for one) and base64 was
 * "neither an image nor JSON".
 */
async function readQrInput(input: string): Promise<NonNullable<CreateDeviceOptions["qr"]>> {
  const label = input === "-" ? "<stdin>" : input;
  const { bytes, kind } = await readInput(input, STDIN_PAYLOAD_OR_IMAGE("enroll"));
  if (kind === "image") return { image: new Uint8Array(bytes), label };
  // A file's byte-order mark marks its encoding and is no part of the payload: validate drops it too.
  const text = Buffer.from(bytes).toString("utf8").replace(/^\uFEFF/, "");
  const form = payloadSource(text);
  if ("problem" in form) throw unusableProfile(form, label);
  if ("image" in form) return { image: new Uint8Array(form.image), label };
  if ("text" in form) return { payload: form.text, label };
  // Text meant as JSON, however broken (a trailing comma), is what the code would hold: the device
  // refuses it ("Can't set up device"), as validate's json-syntax error says.
  if (MEANT_AS_JSON.test(text)) return { payload: text, label };
  try {
    JSON.parse(text);
  } catch (error) {
    throw new InputError(`is neither an image nor JSON: ${(error as Error).message}`, {
      where: label,
      hint: "give a QR code image (PNG, JPEG, ...), the payload's JSON, a Graph enrollment profile, or base64 of a payload or image; `aosp-sim validate` explains a payload",
    });
  }
  return { payload: text, label };
}

/** Text that opens a JSON object or array: a payload, whether or not the rest parses. */
const MEANT_AS_JSON = /^\s*[{[]/;

/** The most a --preinstall file is read: the device's own limit on a downloaded body. */
const MAX_PACKAGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A package archive for the system image (as served at /device/v1/packages/{name}/{versionCode}).
 * Read off the main thread: a synchronous read of a FIFO or a stalled pipe held off Ctrl-C and
 * SIGTERM, whose handlers are JavaScript, for ever.
 */
async function readPackageFile(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    const read = await readFileBounded(path, { limit: MAX_PACKAGE_FILE_BYTES });
    if (read.overLimit) {
      throw new InputError(`is more than ${MAX_PACKAGE_FILE_BYTES / 1024 / 1024} MB, larger than any package a device downloads`, {
        where: `--preinstall ${path}`,
        hint: "pass a package archive as the service serves it",
      });
    }
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (isNotFound(error)) throw new InputError("no such file", { where: `--preinstall ${path}`, hint: "check the path and the current directory" });
    throw new InputError(`cannot be read: ${(error as Error).message}`, { where: `--preinstall ${path}` });
  }
  try {
    parsePackageArchive(bytes);
  } catch (error) {
    throw new InputError(`is not a package archive: ${(error as Error).message}`, {
      where: `--preinstall ${path}`,
      hint: "download one from the service: GET /device/v1/packages/{packageName}/{versionCode} with the admin token",
    });
  }
  return new Uint8Array(bytes);
}

/**
 * A file that is not a usable image (truncated, damaged, zero pixels) is unreadable input, as for
 * `decode` and `validate` (exit 2); an image that simply shows no QR code is what the device's
 * camera sees, and the device says so (exit 1). The decode is cached: the device's scan reuses it.
 */
async function checkImageReadable(bytes: Uint8Array, label: string): Promise<void> {
  const { decodeOnce } = await import("../device/wiring.js");
  try {
    await decodeOnce(bytes, label);
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
}

