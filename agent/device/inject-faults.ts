/**
 * Where faults are applied: the one module that reads the fault list (agent/device/faults.ts)
 * and turns it into changes to the device's parts, each a decorator of a port or of the world
 * the virtual hardware simulates, so the adapters themselves know nothing of faults:
 *
 *   clock-skew=OFFSET        the ClockPort seen through an offset (SkewedClock)
 *   clock-skew=OFFSET@STATE  ... that jumps when the device enters STATE (a state hook)
 *   power-loss@STATE         the battery is pulled when the device enters STATE (a state hook)
 *   wifi-timeout             the WifiPort's joins get no answer from the radio
 *   wrong-wifi-key           the payload's network around the device has another key (a KEY
 *                            that is the payload's own is refused: refuseWrongKeyThatIsThePayloads)
 *   network-absent           no network at all: the payload's Wi-Fi, any existing one and mobile data
 *   service-5xx              device-API requests answer 503 (the service is not reached)
 *   service-timeout          device-API requests are never answered (the device's timeout fires)
 *   download-http-error      the agent download answers an HTTP error status
 *   corrupt-download         the agent download's bytes are altered on the way
 *
 * The four HTTP faults are middleware of the device's transport (the virtual network between the
 * device and the service), so they shape what the virtual service client and package manager see.
 */
import type { HttpMiddleware, HttpResponse } from "../client/http.js";
import { SkewedClock } from "./clock.js";
import { formatDuration } from "./duration.js";
import { findFault, formatFault, Strikes, type Fault, type StrikeCount } from "./faults.js";
import type { ClockPort, StoragePort, WifiPort } from "./ports.js";
import { readJson, writeJson, type StoredJson } from "./virtual/storage.js";
import { POWER_CUTS_TAKEN } from "./faults-not-struck.js";
import type { WifiEnvironment } from "./virtual/wifi.js";
import { utf8Text } from "../protocol/utf8.js";
import { InputError } from "../protocol/errors.js";
import { checkAndroidPayloadOnce } from "./wiring.js";
import { deriveWifiKey, keysMatch } from "../android/wifi-keys.js";
import { LightAbort, signalFor, TAKES_LIGHT_SIGNALS, type LightSignal, type TakesLightSignals } from "../protocol/light-abort.js";

/** The device's clock, off by the clock-skew fault's offset (from the start, or from its state on). */
export function skewClock(base: ClockPort, faults: readonly Fault[]): ClockPort {
  // The one from the start, if any; those at a state jump when it is entered (stateFaults), and
  // need the skewed clock to jump.
  const fromStart = faults.find((f): f is Extract<Fault, { name: "clock-skew" }> => f.name === "clock-skew" && f.state === undefined);
  const any = findFault(faults, "clock-skew");
  return any ? new SkewedClock(base, fromStart?.offsetMs ?? 0) : base;
}

/** The surroundings with the network faults applied: the payload's network gets another key, or every network goes. */
export function faultyEnvironment(environment: WifiEnvironment, faults: readonly Fault[]): WifiEnvironment {
  const changed: WifiEnvironment = { ...environment };
  const wrongKey = findFault(faults, "wrong-wifi-key");
  if (wrongKey) changed.payloadNetwork = { wrongKey: wrongKey.key ?? null };
  if (findFault(faults, "network-absent")) {
    // "No network" is what the fault's user tests: a payload allowing USE_MOBILE_DATA must not
    // enroll over the mobile network either.
    changed.payloadNetwork = "absent";
    changed.existingConnection = null;
    changed.mobileData = false;
  }
  return changed;
}

/**
 * wrong-wifi-key=KEY promises a network whose key is not the payload's: a KEY that is the
 * payload's own key (as written, or the same key written another way: a WEP key as its hex digits,
 * a WPA passphrase as its 64-digit key) cannot keep that promise, and is refused before the device
 * runs rather than silently replaced by another key. `where` names the fault as the caller gave it.
 */
export function refuseWrongKeyThatIsThePayloads(faults: readonly Fault[], payloadText: string, where: (fault: string) => string): void {
  const fault = findFault(faults, "wrong-wifi-key");
  if (fault?.key === undefined) return;
  // The check the device makes when it scans (shared by devices scanning the same code: a fleet's
  // struck devices would each check the payload again).
  const wifi = checkAndroidPayloadOnce(payloadText).params?.wifi;
  if (wifi) refuseWrongKeyOfNetwork(fault.key, wifi, { whose: "the payload's", where: where(`wrong-wifi-key=${fault.key}`) });
}

/** A network a payload provisions, as far as its key goes. */
export interface ProvisionedNetwork {
  ssid: string;
  securityType: string;
  password: string | null;
}

/**
 * Refuses a wrong-wifi-key fault's KEY that is `network`'s own key (see
 * refuseWrongKeyThatIsThePayloads); `whose` says whose network it is ("the payload's", or a
 * fleet's profile's, which a fleet checks before its devices start).
 */
export function refuseWrongKeyOfNetwork(key: string, network: ProvisionedNetwork, said: { whose: string; where: string }): void {
  if (network.password === null || (network.securityType !== "WPA" && network.securityType !== "WEP")) return;
  const given = deriveWifiKey(network.ssid, network.securityType, key);
  const own = deriveWifiKey(network.ssid, network.securityType, network.password);
  const same = key === network.password || (given.ok && own.ok && keysMatch(given.key, own.key));
  if (!same) return;
  throw new InputError(`is ${said.whose} own key for the network "${network.ssid}"${key === network.password ? "" : " (written another way)"}, so the network would not have a wrong key`, {
    where: said.where,
    hint: "give a different one, or leave out =KEY (wrong-wifi-key alone gives the network a key that is not the payload's)",
  });
}

const WIFI_TIMEOUT_STRIKES: StoredJson<number> = {
  key: "system/fault-wifi-timeout-strikes.json",
  holds: "how many Wi-Fi joins the wifi-timeout fault has silenced (a whole number from 0)",
  is: (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0,
};

const SERVICE_5XX_STRIKES: StoredJson<number> = {
  key: "system/fault-service-5xx-strikes.json",
  holds: "how many device-API requests the service-5xx fault has answered 503 (a whole number from 0)",
  is: (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0,
};

const SERVICE_TIMEOUT_STRIKES: StoredJson<number> = {
  key: "system/fault-service-timeout-strikes.json",
  holds: "how many device-API requests the service-timeout fault has left unanswered (a whole number from 0)",
  is: (value): value is number => Number.isSafeInteger(value) && (value as number) >= 0,
};

/** The JSON files the faults keep, for a check when the device boots. */
export const FAULT_FILES: readonly StoredJson<unknown>[] = [WIFI_TIMEOUT_STRIKES, SERVICE_5XX_STRIKES, SERVICE_TIMEOUT_STRIKES, POWER_CUTS_TAKEN];

/**
 * A strike count kept with the device (its storage), so `wifi-timeout=N` silences the first N
 * joins of the stored device's life, and `service-5xx=N` / `service-timeout=N` strike its first N
 * device-API requests, across `--device-dir` reruns (a resumed run reaches what the uninterrupted
 * one reaches); a factory reset starts them over.
 */
function storedCount(storage: StoragePort, file: StoredJson<number>): StrikeCount {
  return {
    load: () => readJson(storage, file) ?? 0,
    save: (used) => writeJson(storage, file.key, used),
  };
}

/**
 * wifi-timeout: the radio never answers. The join goes as far as the radio's first scan (Wi-Fi
 * turned on, the network added, so a key that cannot be configured still fails as such); then
 * nothing more is heard until the caller gives up (the machine's timeout aborts the join).
 */
export function withWifiTimeouts(wifi: WifiPort, faults: readonly Fault[], storage: StoragePort): WifiPort {
  const fault = findFault(faults, "wifi-timeout");
  if (!fault) return wifi;
  const strikes = new Strikes(fault.times, storedCount(storage, WIFI_TIMEOUT_STRIKES));
  const timingOut: WifiPort & TakesLightSignals = {
    [TAKES_LIGHT_SIGNALS]: true,
    currentConnection: () => wifi.currentConnection(),
    join(config, onProgress, signal: LightSignal) {
      const inner = new LightAbort();
      const abortInner = () => inner.abort(signal.reason);
      signal.addEventListener("abort", abortInner, { once: true });
      let silenced = false;
      let decided = false;
      /** The radio is about to answer (a scan, an association, a connection): on a strike, it does not. */
      const strikesNow = (): boolean => {
        if (decided) return false;
        decided = true;
        if (!strikes.take()) return false;
        silenced = true;
        onProgress({ status: "scanning", detail: `Looking for ${config.ssid}: the radio does not answer` });
        inner.abort(new Error("wifi-timeout: the radio does not answer"));
        return true;
      };
      // Silence: only the caller's abort ends the wait.
      const silence = () => new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
      const joined = wifi.join(
        config,
        (progress) => {
          if (silenced) return;
          // "enabling" is the device's own doing (turning Wi-Fi on, adding the network).
          if (progress.status !== "enabling" && strikesNow()) return;
          onProgress(progress);
        },
        signalFor(wifi, inner),
      );
      return joined.then(
        (connection) => (silenced || strikesNow() ? silence() : connection),
        (error: unknown) => (silenced ? silence() : Promise.reject(error)),
      ).finally(() => signal.removeEventListener("abort", abortInner));
    },
  };
  return timingOut;
}

/** What a state hook may do to the running device. */
export interface StateFaultControls {
  /**
   * Pulls the battery now (the step just started is lost); back after `offForMs`. `cut` is called
   * as the power goes: not when the device is stopped on this very step first (an --until at the
   * state), whose cut is still to come when it resumes there.
   */
  losePower(offForMs: number, cut: () => void): void;
  /** A line in the timeline. */
  note(state: string, event: string, detail: string): void;
}

/** Called with the states the device just entered. */
export type StateHook = (entered: readonly string[], controls: StateFaultControls) => void;

/**
 * power-loss@STATE and clock-skew@STATE: each strikes once, when the device enters its state. A
 * power cut taken is kept with the device (its storage, written as the power goes: `storage` is
 * the flash itself, which a cut does not hold back), so a device resumed from `--device-dir` in
 * STATE (killed while it was off) is not cut again, and one stopped there by --until before the
 * cut is cut as it resumes.
 */
export function stateFaults(faults: readonly Fault[], clock: ClockPort, storage: StoragePort): StateHook {
  const fired = new Set<Fault>();
  return (entered, controls) => {
    for (const fault of faults) {
      if (fired.has(fault)) continue;
      if (fault.name === "power-loss" && entered.includes(fault.state)) {
        fired.add(fault);
        const taken = readJson(storage, POWER_CUTS_TAKEN) ?? [];
        const written = formatFault(fault);
        if (taken.includes(written)) continue;
        controls.losePower(fault.offForMs, () => writeJson(storage, POWER_CUTS_TAKEN.key, [...(readJson(storage, POWER_CUTS_TAKEN) ?? []), written]));
      }
      if (fault.name === "clock-skew" && fault.state !== undefined && entered.includes(fault.state)) {
        fired.add(fault);
        if (clock instanceof SkewedClock) {
          clock.jump(fault.offsetMs);
          controls.note(fault.state, "clock", `The device's clock jumps ${fault.offsetMs < 0 ? "back" : "ahead"} ${formatDuration(Math.abs(fault.offsetMs))}`);
        }
      }
    }
  };
}

/** The HTTP faults, as middleware of the device's transport. */
export function faultMiddleware(faults: readonly Fault[], storage: StoragePort): HttpMiddleware[] {
  const middleware: HttpMiddleware[] = [];
  const fiveHundreds = findFault(faults, "service-5xx");
  if (fiveHundreds) {
    const strikes = new Strikes(fiveHundreds.times, storedCount(storage, SERVICE_5XX_STRIKES));
    middleware.push(async (req, signal, next) =>
      req.purpose === "device-api" && strikes.take() ? errorResponse(fiveHundreds.status, "serviceUnavailable", "fault service-5xx") : next(req, signal),
    );
  }
  const timeouts = findFault(faults, "service-timeout");
  if (timeouts) {
    const strikes = new Strikes(timeouts.times, storedCount(storage, SERVICE_TIMEOUT_STRIKES));
    middleware.push(async (req, signal, next) => {
      if (req.purpose !== "device-api" || !strikes.take()) return next(req, signal);
      // The request goes nowhere: only the device's timeout (or an abort) ends the wait.
      return new Promise<HttpResponse>((_, reject) => {
        signal.addEventListener("abort", () => reject(Object.assign(new Error("no answer"), { fault: "service-timeout" })), { once: true });
      });
    });
  }
  const httpError = findFault(faults, "download-http-error");
  if (httpError) {
    middleware.push(async (req, signal, next) =>
      req.purpose === "agent-download" ? errorResponse(httpError.status, "downloadError", "fault download-http-error") : next(req, signal),
    );
  }
  if (findFault(faults, "corrupt-download")) {
    middleware.push(async (req, signal, next) => {
      const response = await next(req, signal);
      if (req.purpose !== "agent-download" || response.status !== 200) return response;
      return { ...response, body: corrupt(response.body), fault: "corrupt-download" };
    });
  }
  return middleware;
}

/** The answer a fault puts in the service's place; its message says only who sent it (the client words the status and code). */
function errorResponse(status: number, code: string, fault: string): HttpResponse {
  const body = JSON.stringify({ error: { code, message: `injected by ${fault}` } });
  return {
    status,
    headers: { "content-type": "application/json" },
    body: new Uint8Array(Buffer.from(body, "utf8")),
    fault,
  };
}

/**
 * Alters one character inside the first signing certificate (base64 text in the archive). The
 * file still parses, but its SHA-256 and its certificate's SHA-256 both change: whichever
 * checksum the payload gives, the device sees a mismatch, as it would for a damaged APK.
 */
export function corrupt(bytes: Uint8Array): Uint8Array {
  const text = utf8Text(bytes);
  const marker = text.indexOf('"signingCertificates":["');
  const copy = new Uint8Array(bytes);
  if (marker < 0) {
    const middle = Math.floor(copy.length / 2);
    copy[middle] = (copy[middle] ?? 0) ^ 0x01;
    return copy;
  }
  const index = Buffer.byteLength(text.slice(0, marker + '"signingCertificates":["'.length), "utf8") + 40;
  const current = String.fromCharCode(copy[index] ?? 65);
  copy[index] = (current === "A" ? "B" : "A").charCodeAt(0);
  return copy;
}
