/**
 * How long the virtual hardware takes. On a simulated clock these cost nothing and make the
 * timeline read like a real device's; on a real clock (enroll against a live service) they are
 * left out so a run is as fast as the service answers.
 */
import { INSTANT_WIFI_TIMINGS, REALISTIC_WIFI_TIMINGS, type WifiTimings } from "./wifi.js";

export interface HardwareTimings {
  wifi: WifiTimings;
  /** The camera focusing on the code. */
  cameraMs: number;
  /** Added to every download (connection set-up). */
  downloadSetupMs: number;
  /** Download speed (the service's answer arrives at once; the device "receives" it at this rate). */
  downloadBytesPerSecond: number;
  /** The package manager installing one package. */
  installMs: number;
  /** A factory reset (erase and reboot to the welcome screen). */
  resetMs: number;
}

export const REALISTIC_TIMINGS: HardwareTimings = {
  wifi: REALISTIC_WIFI_TIMINGS,
  cameraMs: 800,
  downloadSetupMs: 300,
  downloadBytesPerSecond: 1_000_000,
  installMs: 2_500,
  resetMs: 45_000,
};

export const INSTANT_TIMINGS: HardwareTimings = {
  wifi: INSTANT_WIFI_TIMINGS,
  cameraMs: 0,
  downloadSetupMs: 0,
  downloadBytesPerSecond: Number.POSITIVE_INFINITY,
  installMs: 0,
  resetMs: 0,
};
