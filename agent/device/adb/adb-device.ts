/**
 * A device whose hardware is a real Android device or emulator, reached over adb
 * (`aosp-sim enroll qr.png --device adb:emulator-5554`). The same machine runs the same flow;
 * its ports are the adb adapters for what adb can do on the device, and the host does the rest.
 * The timeline says which steps ran where: the adapters' notes become its note lines.
 */
import { HttpTransport } from "../../client/http.js";
import { ServiceClient } from "../../client/service-client.js";
import { RealClock } from "../clock.js";
import { cameraView, createDevice, scannedText, serviceOriginMap, type CreateDeviceOptions, type Device } from "../create-device.js";
import { VirtualPackageManager } from "../virtual/packages.js";
import { MemoryStorage } from "../virtual/storage.js";
import { Adb } from "./adb.js";
import { createAdbPorts, readAdbHardware } from "./index.js";

export interface AdbDeviceOptions {
  serial: string;
  /** The QR code in front of the device's camera. */
  qr: NonNullable<CreateDeviceOptions["qr"]>;
  user?: { userPrincipalName: string; password: string };
  serviceUrl?: string;
  transcript?: CreateDeviceOptions["transcript"];
}

/** What the machine does over adb, and what it cannot: the first lines of the device's timeline. */
export const ADB_DEVICE_NOTES = [
  "device over adb: the welcome screen's six taps are not sent (the device's own setup wizard would start its own provisioning); the machine drives each step over adb",
  "the agent's calls to the service (enroll, sign-in, check-ins) are made from the host on its behalf",
];

/** Said when the device does not report its security patch level, so a compliance policy's minimum cannot be judged. */
export const UNKNOWN_PATCH_LEVEL_NOTE =
  "the device reports no security patch level (getprop ro.build.version.security_patch is empty or not YYYY-MM-DD): a compliance policy's minimum patch level is reported not applicable";

/** Throws AdbError when adb is missing or the device is not attached and online. */
export async function createAdbDevice(options: AdbDeviceOptions): Promise<Device> {
  const adb = new Adb(options.serial);
  await adb.requireOnline();
  const { identity, securityPatchLevel } = await readAdbHardware(adb);
  // A real device lives on the real clock; its storage (the machine's snapshot) stays on the host.
  const clock = new RealClock();
  const { picture, payloadText } = await cameraView(options.qr);
  const http = new HttpTransport({
    clock,
    ...(options.transcript ? { transcript: options.transcript } : {}),
    ...(options.serviceUrl ? { originMap: serviceOriginMap(payloadText ?? (await scannedText(picture)), options.serviceUrl) } : {}),
    userAgent: `aosp-sim over adb (${identity.manufacturer} ${identity.model}; Android ${identity.osVersion})`,
  });
  const staging = new VirtualPackageManager(new MemoryStorage(), http, clock);
  const { notes, wifi, packages, camera, power } = createAdbPorts({ serial: options.serial, clock, poster: picture, staging });
  const device = await createDevice({
    identity,
    // The device's own patch level: the launch level of its release would pass an unpatched image.
    securityPatchLevel,
    // The device's own clock, given as its port: the payload's LOCAL_TIME does not set it here.
    ports: { clock, wifi, packages, camera, power, service: new ServiceClient(http) },
    ...(options.user ? { user: options.user } : {}),
    ...(options.transcript ? { transcript: options.transcript } : {}),
  });
  for (const text of ADB_DEVICE_NOTES) notes.say(text);
  if (securityPatchLevel === null) notes.say(UNKNOWN_PATCH_LEVEL_NOTE);
  // Notes join the timeline once the device is on (its first step), then as they are said.
  const stop = device.onChange(() => {
    stop();
    notes.attach((text) => device.note(text));
  });
  return device;
}
