/**
 * The device ports over adb, for an Android emulator or device addressed by serial
 * (`aosp-sim enroll qr.png --device adb:emulator-5554`). The machine drives the real device for
 * what adb can do (Wi-Fi, package queries, the device owner, app start and stop) and the host
 * does the rest (downloads and their verification, the agent's calls to the service); every such
 * substitution is told in the timeline through the returned notes.
 */
import type { DeviceIdentity } from "../../machine/types.js";
import { isSecurityPatchLevel } from "../compliance.js";
import type { CameraPort, CapturedImage, ClockPort, PackagePort, PowerPort, WifiPort } from "../ports.js";
import { Adb } from "./adb.js";
import { AdbCamera } from "./camera.js";
import { AdbNotes } from "./notes.js";
import { AdbPackages } from "./packages.js";
import { parseGetprop } from "./parse.js";
import { AdbPower } from "./power.js";
import { AdbWifi } from "./wifi.js";

export { Adb, AdbError } from "./adb.js";
export { AdbNotes } from "./notes.js";
export { parseAdbDevice } from "./parse.js";

export interface AdbPortsOptions {
  serial: string;
  clock: ClockPort;
  /** The QR code in front of the camera (used when the screen shows none). */
  poster: CapturedImage;
  /** Host-side downloads and staging (the virtual package manager over the HTTP transport). */
  staging: Pick<PackagePort, "download" | "readStaged">;
}

export interface AdbPorts {
  wifi: WifiPort;
  packages: PackagePort;
  camera: CameraPort;
  power: PowerPort;
  notes: AdbNotes;
  adb: Adb;
}

export function createAdbPorts(options: AdbPortsOptions): AdbPorts {
  const adb = new Adb(options.serial);
  const notes = new AdbNotes();
  return {
    wifi: new AdbWifi(adb, options.clock, notes),
    packages: new AdbPackages(adb, options.staging, notes),
    camera: new AdbCamera(adb, options.poster, notes),
    power: new AdbPower(adb, notes),
    notes,
    adb,
  };
}

/** What the hardware reports about itself: who it is, and its facts for compliance policies. */
export interface AdbHardware {
  identity: DeviceIdentity;
  /** `ro.build.version.security_patch` (YYYY-MM-DD), or null when unset or written otherwise. */
  securityPatchLevel: string | null;
}

/**
 * Who the device says it is and its security patch level, from one `getprop` listing
 * ("[ro.serialno]: [EMULATOR35X1X11X0]"): ro.serialno, ro.product.model, ro.product.manufacturer,
 * ro.build.version.release, and ro.build.version.security_patch, where Android keeps the patch
 * level that Settings > About phone shows and that android.os.Build.VERSION.SECURITY_PATCH reads.
 */
export async function readAdbHardware(adb: Adb): Promise<AdbHardware> {
  const props = parseGetprop(await adb.shell("getprop"));
  const patch = props.get("ro.build.version.security_patch") ?? "";
  return {
    identity: {
      serialNumber: props.get("ro.serialno") || adb.serial,
      model: props.get("ro.product.model") || "unknown model",
      manufacturer: props.get("ro.product.manufacturer") || "unknown manufacturer",
      osVersion: props.get("ro.build.version.release") || "unknown",
    },
    securityPatchLevel: isSecurityPatchLevel(patch) ? patch : null,
  };
}

/** Who the device says it is (readAdbHardware's identity). */
export async function readAdbIdentity(adb: Adb): Promise<DeviceIdentity> {
  return (await readAdbHardware(adb)).identity;
}
