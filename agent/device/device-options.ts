/**
 * createDevice's options, checked before anything is built: a library caller (a JavaScript one
 * especially, whom no compiler stops) gets an error naming the option and what it was given,
 * as the CLI's refusals name the flag, instead of JavaScript's own TypeError from deep inside or
 * a device that fails later for a reason that blames something else (a service URL without a
 * scheme used to send the device to the payload's own host).
 */
import { givenValue } from "../protocol/given-value.js";
import { InputError } from "../protocol/errors.js";
import { httpBaseUrl } from "../protocol/http-url.js";
import { checkOptions, optionNames } from "../protocol/known-options.js";
import { checkClockPort } from "./clock.js";
import { isSecurityPatchLevel } from "./compliance.js";
import type { CreateDeviceOptions } from "./create-device.js";
import type { DeviceIdentity } from "../machine/types.js";
import type { DevicePorts } from "./ports.js";
import { checkIdentityFields } from "./identity.js";

/** Every option createDevice takes (a misspelled one is refused, not ignored). */
const DEVICE_OPTIONS = optionNames<CreateDeviceOptions>({
  qr: true, seed: true, identity: true, securityPatchLevel: true, clock: true, faults: true, user: true, serviceUrl: true, storage: true,
  transcript: true, transcriptSecrets: true, environment: true, mobileData: true, resetProtection: true, settings: true, latency: true,
  httpTimeoutMs: true, preinstalled: true, ports: true, persistEveryStep: true, keepStepData: true, timelineWindow: true, sharedTime: true,
  dispatcher: true,
});

/** What `user` holds (a misspelled field, `pasword`, would sign in with no password and blame it). */
const USER_FIELDS = optionNames<NonNullable<CreateDeviceOptions["user"]>>({ userPrincipalName: true, password: true, newPassword: true, acceptTerms: true });
/** The ports createDevice takes in place of the virtual ones (a misspelled one was replaced by a virtual one, silently). */
const PORT_NAMES = optionNames<DevicePorts>({ wifi: true, packages: true, service: true, camera: true, clock: true, storage: true, power: true, policy: true });
const IDENTITY_FIELDS = optionNames<DeviceIdentity>({ serialNumber: true, model: true, manufacturer: true, osVersion: true });

/** The longest request timeout undici's timers hold (Node's setTimeout: about 24.8 days). */
const MAX_HTTP_TIMEOUT_MS = 2 ** 31 - 1;

/** What a ClockPort has: a SimulatedClock, a RealClock, or a caller's own. */

/**
 * Refuses options createDevice cannot use (TypeError for the wrong kind of thing, RangeError for
 * a number out of range, InputError for a value the CLI would refuse too) and returns the service
 * URL as `--service` reads it (WHATWG's spelling, no trailing slash).
 */
export function checkedDeviceOptions(options: CreateDeviceOptions): { serviceUrl: string | undefined } {
  checkOptions("createDevice", options, DEVICE_OPTIONS, "at least { qr: { image } } or { qr: { payload } }");
  // As --seed: a seed is 32 bits (a negative one, or one past them, was folded into that range).
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0 && options.seed <= 2 ** 32 - 1)) {
    throw new RangeError(`createDevice: seed must be a whole number from 0 to ${2 ** 32 - 1} (got ${typeof options.seed === "number" ? options.seed : JSON.stringify(options.seed)})`);
  }
  const timeout = options.httpTimeoutMs;
  // undici refused NaN or -1 only at the first request, and the device failed its download for it.
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= MAX_HTTP_TIMEOUT_MS)) {
    throw new RangeError(`createDevice: httpTimeoutMs must be a whole number of milliseconds from 1 to ${MAX_HTTP_TIMEOUT_MS} (got ${givenValue(timeout)}); leave it out for 30 s`);
  }
  const clock = options.clock as unknown;
  if (clock !== undefined) checkClockPort("createDevice: clock", clock);
  const patch = options.securityPatchLevel as unknown;
  if (patch !== undefined && patch !== null && !(typeof patch === "string" && isSecurityPatchLevel(patch))) {
    throw new TypeError(`createDevice: securityPatchLevel must be a date written YYYY-MM-DD, as Android's ro.build.version.security_patch (e.g. "2025-03-05"), or null when unknown (got ${givenValue(patch)})`);
  }
  if (options.mobileData !== undefined && typeof options.mobileData !== "boolean") {
    throw new TypeError(`createDevice: mobileData must be true (the device has mobile data: a SIM with a data plan, in coverage) or false (it has none) (got ${givenValue(options.mobileData)})`);
  }
  if (options.transcript !== undefined && typeof options.transcript !== "function") {
    throw new TypeError(`createDevice: transcript must be a function that takes each record, such as new TranscriptFile(path).write (got ${givenValue(options.transcript)})`);
  }
  checkUser(options.user);
  checkQr(options.qr);
  if (options.ports !== undefined) checkOptions("createDevice ports", options.ports, PORT_NAMES, "e.g. { ports: { camera } }");
  if (options.identity !== undefined) checkOptions("createDevice identity", options.identity, IDENTITY_FIELDS, 'e.g. { identity: { serialNumber: "R58N12345" } }');
  // Its fields' kinds too: { serialNumber: 5 } enrolled a device whose serial was a number.
  if (options.identity !== undefined) checkIdentityFields("createDevice identity", options.identity);
  return { serviceUrl: options.serviceUrl === undefined ? undefined : checkedServiceUrl(options.serviceUrl) };
}

/**
 * The account typed at sign-in: its fields by name and kind. The passwords' values are never
 * quoted back (an error message may be logged).
 */
function checkUser(user: unknown): void {
  if (user === undefined) return;
  checkOptions("createDevice user", user, USER_FIELDS, 'e.g. { userPrincipalName: "alex@contoso.example", password: "..." }');
  const fields = user as Record<string, unknown>;
  if (typeof fields["userPrincipalName"] !== "string" || fields["userPrincipalName"] === "") {
    throw new TypeError(`createDevice user.userPrincipalName must be the account's name as a string, e.g. "alex@contoso.example" (got ${givenValue(fields["userPrincipalName"])})`);
  }
  for (const name of ["password", "newPassword"] as const) {
    const value = fields[name];
    if (value === undefined && name === "newPassword") continue;
    if (typeof value !== "string") {
      throw new TypeError(`createDevice user.${name} must be a string (got ${value === undefined ? "nothing" : value === null ? "null" : `a ${typeof value}`})${name === "password" ? "; leave out user for a device that waits at the sign-in screen" : ""}`);
    }
  }
  if (fields["acceptTerms"] !== undefined && typeof fields["acceptTerms"] !== "boolean") {
    throw new TypeError(`createDevice user.acceptTerms must be true (the user accepts the terms shown after sign-in) or false (declines them) (got ${givenValue(fields["acceptTerms"])})`);
  }
}

/** `qr` holds an image or a payload (and a label), not both: which one the camera saw would be a guess. */
function checkQr(qr: unknown): void {
  if (typeof qr !== "object" || qr === null) return; // cameraView says what is missing
  if ("image" in qr && "payload" in qr) throw new TypeError("createDevice qr: give { image } or { payload }, not both: the camera sees one QR code");
  const known = "image" in qr ? ["image", "label"] : ["payload", "label"];
  checkOptions("createDevice qr", qr, known, "{ image: <PNG or JPEG bytes> } or { payload: <the payload> }, with an optional label");
}

/** As --service: an http(s) base URL, or an InputError naming the option (runFleet's service.url is checked alike). */
function checkedServiceUrl(url: unknown): string {
  if (typeof url !== "string") {
    throw new InputError(`is ${givenValue(url)}, not a URL`, { where: "createDevice serviceUrl", hint: 'give the service\'s base URL, e.g. serviceUrl: "http://127.0.0.1:8080"' });
  }
  return httpBaseUrl(url, "createDevice serviceUrl");
}
