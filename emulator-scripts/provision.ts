/**
 * `aosp-sim emulator provision --serial emulator-5554`: QR provisioning from the welcome screen,
 * as a person does it. Six taps in the middle of the screen (`wm size` gives it; `input tap`),
 * then the setup wizard's QR reader scans the poster in the virtual scene, ManagedProvisioning
 * runs, and the script waits until `dumpsys device_policy` names a device owner, which must be
 * the expected admin component.
 *
 * Images whose setup wizard has no QR reader (AOSP images run com.android.provision, which has
 * none) are told apart and sent to `aosp-sim emulator set-owner`.
 */
import { Adb } from "../agent/device/adb/adb.js";
import { formatComponent, parseDeviceOwner, parseFocusedActivity, parseWmSize, propValue, type ComponentName } from "../agent/device/adb/parse.js";
import { AGENT_ADMIN_COMPONENT } from "../agent/protocol/intune-conventions.js";
import { componentOption, requireBooted, ScriptFailure, waitFor, withScreenshotOnFailure, type ScriptIo, type WaitClock } from "./common.js";

export interface ProvisionOptions {
  serial: string;
  /** The device owner provisioning must end with (`package/class`). */
  admin: string;
  /** How long the QR reader may take to open after the taps. */
  scanTimeoutMs: number;
  /** How long provisioning may take once the code is read (downloads included). */
  provisionTimeoutMs: number;
  /** What the QR reader's activity name matches (case-insensitive). */
  scannerPattern: string;
  pollMs?: number;
  /** The time the waits read and sleep on: the real one unless a test gives a fake one (its limits then hold however slowly adb answers). */
  clock?: WaitClock;
}

export interface ProvisionResult {
  serial: string;
  deviceOwner: string;
  /** The activities seen in focus, in order: the path the setup wizard took. */
  screens: string[];
}

export const PROVISION_HELP = `
Taps the welcome screen six times (its middle, from \`wm size\`), waits for the setup wizard's QR
reader (an activity whose name matches --scanner, "qr" by default) and then for a device owner in
\`dumpsys device_policy\`; it must be --admin. Start the emulator with the QR code first:
\`aosp-sim emulator start --avd NAME --qr qr.png\`.
Images without a QR reader in their setup wizard (AOSP images): use \`aosp-sim emulator set-owner\`.
Exit: 0 provisioned with the expected owner, 1 failed (a screenshot is saved), 2 bad options.`;

/** Setup wizards known to have no QR reader (the AOSP one finishes setup at once). */
const WIZARDS_WITHOUT_QR_READER = new Set(["com.android.provision"]);

export async function provision(options: ProvisionOptions, io: ScriptIo): Promise<ProvisionResult> {
  const adb = new Adb(options.serial);
  // A bad option (exit 2), known before the device is touched.
  const expected = componentOption(options.admin, "--admin");
  return withScreenshotOnFailure(adb, "provision", io, async () => {
    await requireBooted(adb);
    const owner = parseDeviceOwner(await adb.shell("dumpsys device_policy"));
    if (owner) {
      throw new ScriptFailure(`${options.serial} already has a device owner (${formatComponent(owner)})`, `factory reset it first: aosp-sim emulator reset --serial ${options.serial}`);
    }
    const welcome = await focused(adb);
    const screens = [welcome ? formatComponent(welcome) : "(nothing in focus)"];
    if (welcome && WIZARDS_WITHOUT_QR_READER.has(welcome.packageName)) throw noQrReader(options.serial, welcome);
    if (propValue(await adb.shell("settings get secure user_setup_complete")) === "1") {
      throw new ScriptFailure(
        `${options.serial} has finished its setup wizard: QR provisioning starts only from the welcome screen`,
        `reset it (aosp-sim emulator reset --serial ${options.serial}), or make the agent device owner directly: aosp-sim emulator set-owner`,
      );
    }
    const size = parseWmSize(await adb.shell("wm size"));
    if (!size) throw new ScriptFailure("`wm size` printed no screen size");
    const x = Math.round(size.width / 2);
    const y = Math.round(size.height / 2);
    io.progress(`tapping the welcome screen six times at ${x},${y} (screen ${size.width}x${size.height})`);
    await adb.shell(Array.from({ length: 6 }, () => `input tap ${x} ${y}`).join("; "));

    const scanner = new RegExp(options.scannerPattern, "i");
    const reader = await waitFor(
      "the setup wizard's QR reader to open",
      async () => {
        const now = await focused(adb);
        note(screens, now);
        return now && scanner.test(now.className) ? now : undefined;
      },
      { timeoutMs: options.scanTimeoutMs, intervalMs: options.pollMs ?? 1_000, ...(options.clock === undefined ? {} : { clock: options.clock }) },
    ).catch((error: unknown) => {
      if (error instanceof ScriptFailure) throw noQrReader(options.serial, null, screens);
      throw error;
    });
    io.progress(`the QR reader is open (${formatComponent(reader)}); waiting for provisioning to set a device owner`);
    const result = await waitFor(
      "provisioning to set a device owner",
      async () => {
        note(screens, await focused(adb));
        return parseDeviceOwner(await adb.shell("dumpsys device_policy")) ?? undefined;
      },
      {
        timeoutMs: options.provisionTimeoutMs,
        intervalMs: options.pollMs ?? 2_000,
        ...(options.clock === undefined ? {} : { clock: options.clock }),
        hint: "check the poster holds the code (aosp-sim validate qr.png), that the emulator reaches the service (http://10.0.2.2:PORT is the host), and allow longer with --provision-timeout",
      },
    );
    if (formatComponent(result) !== formatComponent(expected)) {
      throw new ScriptFailure(`wrong device owner: ${formatComponent(result)}, expected ${formatComponent(expected)}`, "check the payload's PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME, or pass the owner you expect with --admin");
    }
    return { serial: options.serial, deviceOwner: formatComponent(result), screens };
  });
}

export const DEFAULT_ADMIN = AGENT_ADMIN_COMPONENT;

async function focused(adb: Adb): Promise<ComponentName | null> {
  return parseFocusedActivity(await adb.shell("dumpsys window"));
}

function note(screens: string[], now: ComponentName | null): void {
  const name = now ? formatComponent(now) : "(nothing in focus)";
  if (screens[screens.length - 1] !== name) screens.push(name);
}

function noQrReader(serial: string, wizard: ComponentName | null, screens: string[] = []): ScriptFailure {
  const where = wizard ? `its setup wizard is ${formatComponent(wizard)}, which has none` : `after six taps the screens were: ${screens.join(" -> ")}`;
  return new ScriptFailure(
    `no QR reader in ${serial}'s setup wizard (${where})`,
    `use a "Google Play" system image (its setup wizard has the QR reader), or install the agent and make it device owner: aosp-sim emulator set-owner --serial ${serial} --apk agent.apk`,
  );
}
