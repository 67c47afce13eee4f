/**
 * One fleet device, from QR scan to its first check-in (and through its life): what every lane
 * runs, on the main thread or on a device thread (device-thread.ts). Inputs and the outcome are
 * plain data, so a device thread can be handed one and post the other back.
 */
import type { Dispatcher } from "undici";
import { SimulatedClock } from "../../device/clock.js";
import { createDevice, type Device } from "../../device/create-device.js";
import { formatFault, type Fault } from "../../device/faults.js";
import { formatElapsed } from "../../report/timeline.js";
import type { TranscriptFile } from "../../report/transcript.js";
import { StateFaultWatch, type FaultsStruck } from "./faults-struck.js";
import { PhaseTracker } from "./phases.js";
import { fleetIdentity } from "./plan.js";
import { LIFE_CHECK_INS_FAILING, STOPPED_CHECKING_IN, type DeviceStory } from "./summary.js";
import type { TimelineNeeds } from "./timeline-needs.js";

/**
 * Longest a powered device may take (simulated) to finish its first check-in: far beyond any
 * retry policy (a check-in whose retries all fail ends, failed, within minutes), a guard against
 * one that never ends. Time the device is off does not count (see firstCheckIn).
 */
const FIRST_CHECK_IN_LIMIT_MS = 24 * 3_600_000;
const TIMELINE_LINES = 12;
/**
 * The timeline a fleet device keeps: enough for its story's last lines and a shared log, and
 * bounded, so a device living a simulated week holds no more than one living an hour.
 */
const TIMELINE_WINDOW = 32;

/**
 * Follows a living device's check-ins from its state changes: one is made from entering
 * `enrolled.checkingIn` to leaving it powered (power lost in between resumes the same one), and
 * it failed when the device's count of check-ins did not grow.
 */
class CheckInWatch {
  failed = 0;
  failingInARow = 0;
  private countAtStart: number | null = null;

  onState(state: string, checkIns: number): void {
    const checking = state.startsWith("enrolled.checkingIn");
    if (checking) {
      this.countAtStart ??= checkIns;
      return;
    }
    if (this.countAtStart === null || state === "off") return;
    if (checkIns > this.countAtStart) this.failingInARow = 0;
    else {
      this.failed++;
      this.failingInARow++;
    }
    this.countAtStart = null;
  }
}

/** What a device needs besides its index: the same for the whole fleet. */
export interface DeviceRunSettings {
  seed: number;
  lifeMs: number;
  /** The fleet's user (tenant.ts), whom every device signs in as. */
  user: { userPrincipalName: string; password: string };
  /** The embedded service's local socket (service-socket.ts), which each thread's devices connect to. */
  serviceSocket?: string;
}

/** One device to run: its fleet index, its faults (drawn from the seed) and its re-run command. */
export interface DeviceJob {
  index: number;
  faults: Fault[];
  rerun: string;
}

export interface DeviceOutcome {
  story: DeviceStory;
  times: PhaseTracker["times"];
  checkIns: number;
  /** Its check-ins that failed during its --life (the first check-in's own tries are its failure). */
  checkInsFailed: number;
  /**
   * When the device finished enrolling (its first check-in done) or failed, before any --life:
   * milliseconds since the epoch on this process's monotonic clock (performance.timeOrigin plus
   * performance.now()), so the fleet can place it in its run whichever thread ran it.
   */
  finishedAt: number;
  /** Wall milliseconds from the device's start to finishedAt. */
  ranMs: number;
  /**
   * Its --life ended early: the fleet was stopped (SIGINT, SIGTERM) while it lived, after this
   * many milliseconds of life on its clock (the JUnit report says how far it got).
   */
  lifeCut?: { livedMs: number };
}

/**
 * Where a device re-run alone (`fleet --only INDEX --transcript FILE`) records its run: as it goes,
 * then its end record once it is done. Never given to a fleet's devices at large: writing every
 * device's records would cost the fleet's hot path.
 */
export type DeviceRecording = Pick<TranscriptFile, "write" | "finish" | "close" | "writeFailure">;

/** Read between the device's steps: once set, a device living its --life stops at its next step. */
export interface LifeStop {
  readonly aborted: boolean;
}

/**
 * Runs one device. `needs` says whether its story carries its timeline (without it, always);
 * a device whose timeline no report shows is never worded. `lifeStop`, once aborted, ends the
 * device's life at its next step: a stopped fleet must not wait out a simulated year of check-ins.
 * `dispatcher` carries its HTTP: the fleet run's counting one, over the service's socket when it
 * has one (settings.serviceSocket); default the package's. `onLiving` is called as the device,
 * enrolled, starts its --life.
 */
export async function driveDevice(
  png: Uint8Array,
  job: DeviceJob,
  settings: DeviceRunSettings,
  needs?: TimelineNeeds,
  lifeStop?: LifeStop,
  dispatcher?: Dispatcher,
  onLiving?: (index: number) => void,
  recording?: DeviceRecording,
): Promise<DeviceOutcome> {
  const { index, faults } = job;
  const clock = new SimulatedClock(Date.now());
  const tracker = new PhaseTracker();
  const startedAt = performance.now();
  let finishedAt = startedAt;
  let device: Device | null = null;
  try {
    device = await createDevice({
      qr: { image: png, label: "the fleet profile's QR code" },
      clock,
      identity: fleetIdentity(settings.seed, index),
      faults,
      user: settings.user,
      // Nothing reads a fleet device's storage mid-run: its snapshot is written only as power is cut.
      persistEveryStep: false,
      // Only the timeline's last lines are read: steps are worded when the window is trimmed or
      // the timeline read (a report's story, a living device's step), their data dropped then,
      // and only the latest steps kept.
      keepStepData: false,
      timelineWindow: TIMELINE_WINDOW,
      // The device's simulated clock runs ahead of the service's real one: no clock notes.
      sharedTime: false,
      ...(dispatcher ? { dispatcher } : {}),
      ...(recording ? { transcript: recording.write } : {}),
    });
    const d = device;
    const stateFaults = new StateFaultWatch(faults);
    d.onChange(() => tracker.onState(d.state, clock.now(), performance.now()));
    if (stateFaults.watching) d.onChange(() => stateFaults.onState(d.state));
    const report = await d.enroll();
    let reason = report.failure?.code ?? (report.finalState === "enrolled" ? null : `stoppedAt:${report.finalStatePath}`);
    if (reason === null) {
      await firstCheckIn(d, tracker);
      if (!tracker.firstCheckInDone) reason = d.context.failure?.code ?? "noFirstCheckIn";
    }
    finishedAt = performance.now();
    // "done" only when stopped; a life lived out ends at its limit (or idle, nothing scheduled).
    const life = new CheckInWatch();
    let lifeCut: DeviceOutcome["lifeCut"];
    if (reason === null && settings.lifeMs > 0) {
      // A device living on words each step as it comes, so its records hold no step's context:
      // with --concurrency as large as the fleet, every device is alive at once for its whole
      // life (its enrollment's steps, worded only if a report wanted them, are worded here too).
      void d.timeline;
      d.onChange(() => {
        // Reading the timeline words the step, which drops its data.
        void d.timeline;
        life.onState(d.state, d.context.checkIns);
      });
      // Said as its life starts: a long --life shows no device done for minutes, and progress
      // would otherwise not tell an enrolled fleet living its life from one stuck enrolling.
      onLiving?.(index);
      const lifeStart = clock.now();
      if ((await d.runUntil(() => lifeStop?.aborted === true, { limitMs: settings.lifeMs })) === "done") lifeCut = { livedMs: clock.now() - lifeStart };
      if (life.failingInARow >= LIFE_CHECK_INS_FAILING) {
        reason = STOPPED_CHECKING_IN;
        // It failed when its life ended, not when it enrolled: that is the second it is counted in.
        finishedAt = performance.now();
      }
    }
    // Off at the end (power lost during its life), it keeps the count it had: its last snapshot's.
    const checkIns = d.context.checkIns;
    // Ended where the device is now (past its enrollment's report: the first check-in, its life).
    await recording?.finish(d);
    return {
      story: story(d, job, reason, tracker, needs, stateFaults),
      times: tracker.times,
      checkIns,
      checkInsFailed: life.failed,
      ...finished(startedAt, finishedAt),
      ...(lifeCut ? { lifeCut } : {}),
    };
  } catch (error) {
    // The transcript could not be written (a full disk): said as such, as `enroll --transcript` says it.
    if (recording?.writeFailure) throw recording.writeFailure;
    // Left without an end record: `show` says it was cut off where the simulator failed.
    recording?.close();
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...finished(startedAt, performance.now()),
      story: { index, serialNumber: fleetIdentity(settings.seed, index).serialNumber, reason: "simulatorError", finalState: "-", totalMs: null, faults: faults.map(formatFault), rerun: job.rerun, timeline: [message] },
      times: tracker.times,
      checkIns: 0,
      checkInsFailed: 0,
    };
  } finally {
    device?.dispose();
  }
}

/**
 * Runs the device until its first check-in is done (or it fails, or leaves enrolled), for at most
 * FIRST_CHECK_IN_LIMIT_MS of it being powered: a device that is off when the limit comes (power
 * lost as its check-in was due) checks in when it is back, however long it was off, as a real one
 * does, and has the limit again from then.
 */
async function firstCheckIn(d: Device, tracker: PhaseTracker): Promise<void> {
  const over = () => tracker.firstCheckInDone || d.context.failure !== null || !d.state.startsWith("enrolled");
  // A device's runUntil is not done while it is off with its power-on pending: `() => true` waits for that.
  while ((await d.runUntil(over, { limitMs: FIRST_CHECK_IN_LIMIT_MS })) === "limit" && d.state === "off") await d.runUntil(() => true);
}

function finished(startedAt: number, finishedAt: number): Pick<DeviceOutcome, "finishedAt" | "ranMs"> {
  return { finishedAt: performance.timeOrigin + finishedAt, ranMs: Math.round((finishedAt - startedAt) * 10) / 10 };
}

function story(d: Device, job: DeviceJob, reason: string | null, tracker: PhaseTracker, needs: TimelineNeeds | undefined, stateFaults: StateFaultWatch): DeviceStory {
  const total = tracker.times.wallMs.total;
  const totalMs = total === undefined ? null : Math.round(total * 10) / 10;
  const worded = needs === undefined || needs.wants(job.index, reason, totalMs);
  return {
    index: job.index,
    serialNumber: d.identity.serialNumber,
    reason,
    finalState: d.state,
    totalMs,
    ...faultsOf(stateFaults.split(d.storage)),
    rerun: job.rerun,
    timeline: worded ? d.timeline.slice(-TIMELINE_LINES).map((e) => `${formatElapsed(e.elapsedMs).padStart(11)}  ${e.state}  ${e.event}  ${e.detail}`) : [],
  };
}

/** A story's faults: those that struck, and those at a state it never entered, only when there are any. */
function faultsOf({ struck, notStruck }: FaultsStruck): Pick<DeviceStory, "faults" | "faultsNotStruck"> {
  return { faults: struck, ...(notStruck.length > 0 ? { faultsNotStruck: notStruck } : {}) };
}
