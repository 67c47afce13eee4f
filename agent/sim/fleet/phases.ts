/**
 * The phases of a fleet device's enrollment, as the summary reports them: each is the time from
 * entering one of the machine's top-level states (or a sub-state) to leaving it, measured both on
 * the device's clock (simulated waits included, real I/O not) and on the wall clock.
 */
import { isWithin } from "../../machine/state-paths.js";

export const PHASES = ["wifi", "download", "verify", "enroll", "signIn", "apps", "firstCheckIn", "total"] as const;
export type Phase = (typeof PHASES)[number];

/** Which state path (prefix) is in which phase. `total` runs from the QR scan to the first check-in's end. */
const PHASE_OF_STATE: [prefix: string, phase: Exclude<Phase, "total">][] = [
  ["checkingNetwork", "wifi"],
  ["connectingWifi", "wifi"],
  ["downloadingAgent", "download"],
  ["verifyingAgent", "verify"],
  ["enrolling", "enroll"],
  ["signingIn", "signIn"],
  ["installingApps", "apps"],
  ["enrolled.checkingIn", "firstCheckIn"],
];

export function phaseOf(statePath: string): Exclude<Phase, "total"> | null {
  for (const [prefix, phase] of PHASE_OF_STATE) {
    if (isWithin(statePath, prefix)) return phase;
  }
  return null;
}

export interface PhaseTimes {
  deviceMs: Partial<Record<Phase, number>>;
  wallMs: Partial<Record<Phase, number>>;
}

/** The device's state while it has no power (device.ts): a phase left for it is not over. */
const POWERED_OFF = "off";

/**
 * Follows one device's state changes and adds up the time spent in each phase (a phase entered
 * twice, e.g. a Wi-Fi retry, counts both stays). Only the first check-in counts, and it is done
 * when the device leaves it powered: one that loses power while checking in checks in again
 * when power is back (or never, if it stays off), and only then is done.
 */
export class PhaseTracker {
  readonly times: PhaseTimes = { deviceMs: {}, wallMs: {} };
  private current: Exclude<Phase, "total"> | null = null;
  private enteredDevice = 0;
  private enteredWall = 0;
  private scanDevice: number | null = null;
  private scanWall = 0;
  private checkedIn = false;

  /** Called on each state change with the device clock and performance.now(). */
  onState(statePath: string, deviceNow: number, wallNow: number): void {
    if (this.checkedIn) return;
    if (this.scanDevice === null && statePath.startsWith("scanningQr")) {
      this.scanDevice = deviceNow;
      this.scanWall = wallNow;
    }
    const phase = phaseOf(statePath);
    if (phase === this.current) return;
    if (this.current !== null) {
      add(this.times.deviceMs, this.current, deviceNow - this.enteredDevice);
      add(this.times.wallMs, this.current, wallNow - this.enteredWall);
      if (this.current === "firstCheckIn" && statePath !== POWERED_OFF) {
        this.checkedIn = true;
        if (this.scanDevice !== null) {
          this.times.deviceMs.total = deviceNow - this.scanDevice;
          this.times.wallMs.total = wallNow - this.scanWall;
        }
        return;
      }
    }
    this.current = phase;
    this.enteredDevice = deviceNow;
    this.enteredWall = wallNow;
  }

  get firstCheckInDone(): boolean {
    return this.checkedIn;
  }
}

function add(into: Partial<Record<Phase, number>>, phase: Phase, ms: number): void {
  into[phase] = (into[phase] ?? 0) + Math.max(0, ms);
}
