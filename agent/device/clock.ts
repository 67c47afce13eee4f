/**
 * Device clocks. Each implements ClockPort, which is also XState's Clock interface
 * (setTimeout/clearTimeout), so the machine's `after` delays run on it.
 *
 * - RealClock: wall time. For `enroll` against a live service.
 * - SimulatedClock: time stands still until a driver moves it. `runUntil` jumps straight to the
 *   next due timer whenever no real I/O is in flight (HTTP exchanges are marked with `track`),
 *   so a day of check-ins against a real HTTP service runs in milliseconds while every request
 *   still happens for real. Several devices may share one (a fleet).
 * - SkewedClock: another clock seen through an offset (the clock-skew fault); it can jump.
 */
import { givenValue } from "../protocol/given-value.js";
import { checkOptions } from "../protocol/known-options.js";
import { signalFor, TAKES_LIGHT_SIGNALS, type LightSignal } from "../protocol/light-abort.js";
import type { ClockPort } from "./ports.js";

function abortError(signal: LightSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/**
 * `ms` when it is a span of time a run can be given, else a RangeError naming `where`: NaN and
 * Infinity never reach a simulated clock's limit (the run went on for ever, filling memory with
 * records), and a negative span turned the clock, and a service sharing its time, backwards.
 */
export function timeSpan(ms: unknown, where: string, hint = ""): number {
  if (typeof ms === "number" && Number.isFinite(ms) && ms >= 0) return ms;
  throw new RangeError(`${where} must be a finite number of milliseconds, 0 or more (got ${givenValue(ms)})${hint === "" ? "" : `; ${hint}`}`);
}

/** sleep() on any clock that has setTimeout/clearTimeout. */
function sleepOn(clock: Pick<ClockPort, "setTimeout" | "clearTimeout">, ms: number, signal?: LightSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    if (!(ms > 0)) {
      // Nothing to wait for: do not make a simulated clock's driver step for it.
      resolve();
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(abortError(signal!));
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The longest delay Node's setTimeout keeps; a longer one fires at once (TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

/** setTimeout for any delay: waits longer than about 24.8 days are chained. */
export function setLongTimeout(fn: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  const arm = (remaining: number) => {
    timer = setTimeout(() => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : fn()), Math.min(remaining, MAX_TIMER_MS));
  };
  arm(Number.isFinite(ms) ? Math.max(0, ms) : 0);
  return { clear: () => clearTimeout(timer) };
}

export class RealClock implements ClockPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  readonly kind = "real" as const;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return setLongTimeout(fn, ms);
  }

  clearTimeout(handle: unknown): void {
    (handle as LongTimeout | undefined)?.clear();
  }

  sleep(ms: number, signal?: LightSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  track<T>(work: Promise<T>): Promise<T> {
    return work;
  }
}

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
  /** Cleared before it fired: skipped when it reaches the top of the queue. */
  cancelled: boolean;
}

/** Earlier due time first; equal times in the order they were set. */
function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Pending timers as a binary min-heap: setting a timer and taking the next due one cost
 * O(log n), so a step costs about the same with ten timers or ten thousand (bench/clock.ts).
 * A cleared timer stays in the heap, marked, until it reaches the top (or until cleared timers
 * outnumber live ones, when the heap is rebuilt without them).
 */
class TimerQueue {
  private heap: Timer[] = [];
  private cancelled = 0;

  get size(): number {
    return this.heap.length - this.cancelled;
  }

  push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  cancel(timer: Timer): void {
    if (timer.cancelled) return;
    timer.cancelled = true;
    this.cancelled++;
    if (this.cancelled > 64 && this.cancelled * 2 > this.heap.length) this.rebuild();
  }

  /** The next live timer, left in the queue. */
  peek(): Timer | undefined {
    this.dropCancelledTop();
    return this.heap[0];
  }

  /** Takes the next live timer out. */
  pop(): Timer | undefined {
    this.dropCancelledTop();
    return this.removeTop();
  }

  private dropCancelledTop(): void {
    while (this.heap[0]?.cancelled) {
      this.removeTop();
      this.cancelled--;
    }
  }

  private removeTop(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }

  private rebuild(): void {
    this.heap = this.heap.filter((t) => !t.cancelled);
    this.cancelled = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }
}

/** How a limit is left out, for a refused one: no limit is no number, not Infinity. */
export const NO_LIMIT = "leave limitMs out for no limit";

export type RunOutcome =
  /** The predicate became true. */
  | "done"
  /** Nothing left to do: no timer pending and no I/O in flight. */
  | "idle"
  /** The time limit was reached first. */
  | "limit";

export class SimulatedClock implements ClockPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  readonly kind = "simulated" as const;
  private nowMs: number;
  private readonly timers = new Map<number, Timer>();
  private readonly queue = new TimerQueue();
  private nextId = 1;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  /** @param start the clock's reading at creation (ms since the epoch); defaults to now. */
  constructor(start: number = Date.now()) {
    // A string ("5") was kept as the time, and each advance then appended digits to it.
    if (typeof start !== "number" || !Number.isFinite(start)) {
      throw new TypeError(`new SimulatedClock: start must be a time in milliseconds since 1970, e.g. Date.UTC(2025, 0, 6, 9), or left out for now (got ${givenValue(start)})`);
    }
    this.nowMs = start;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    const timer: Timer = { due: this.nowMs + delay, seq: id, fn, cancelled: false };
    this.timers.set(id, timer);
    this.queue.push(timer);
    return id;
  }

  clearTimeout(handle: unknown): void {
    const timer = this.timers.get(handle as number);
    if (!timer) return;
    this.timers.delete(handle as number);
    this.queue.cancel(timer);
  }

  sleep(ms: number, signal?: LightSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight++;
    const done = () => {
      this.inFlight--;
      if (this.inFlight === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    };
    work.then(done, done);
    return work;
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the next timer is due, or null. */
  nextDueAt(): number | null {
    return this.queue.peek()?.due ?? null;
  }

  /**
   * Resolves once no tracked I/O is in flight and the event loop has had a chance to start more
   * (promise callbacks run, the machine reacts, the next request begins).
   */
  async settle(): Promise<void> {
    for (;;) {
      if (this.inFlight > 0) {
        await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      }
      // Two turns of the event loop (one promise for both: a fleet settles millions of times).
      await new Promise<void>((resolve) => setImmediate(setImmediate, resolve));
      if (this.inFlight === 0) return;
    }
  }

  /** Fires the next due timer (moving time forward to it). False when none is pending. */
  async step(): Promise<boolean> {
    await this.settle();
    if (!this.fireNext()) return false;
    await this.settle();
    return true;
  }

  /** Fires the next due timer now, moving time forward to it; false when none is pending. */
  private fireNext(): boolean {
    const timer = this.queue.pop();
    if (!timer) return false;
    this.timers.delete(timer.seq);
    this.nowMs = Math.max(this.nowMs, timer.due);
    timer.fn();
    return true;
  }

  /**
   * Runs timers in order until `done()` holds, nothing is left to do, or `limitMs` of simulated
   * time has passed (then the clock stops exactly at the limit).
   */
  async runUntil(done: () => boolean, options: { limitMs?: number } = {}): Promise<RunOutcome> {
    // A misspelled `limit` would run to the last timer (a device's check-ins: for ever).
    checkOptions("SimulatedClock.runUntil", options, ["limitMs"], "e.g. { limitMs: 3600000 }");
    const limitAt = options.limitMs === undefined ? Number.POSITIVE_INFINITY : this.nowMs + timeSpan(options.limitMs, "SimulatedClock.runUntil: limitMs", NO_LIMIT);
    for (;;) {
      await this.settle();
      if (done()) return "done";
      const next = this.queue.peek();
      if (!next) return "idle";
      if (next.due > limitAt) {
        this.nowMs = limitAt;
        return "limit";
      }
      // The loop has just settled and settles again before looking further: the timer seen is
      // the one fired, and each timer costs one settle (step() would add two more, a fleet
      // device's share of event-loop turns for nothing).
      this.fireNext();
    }
  }

  /** Lets `ms` of simulated time pass, firing every timer due in between. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + timeSpan(ms, "SimulatedClock.advance: ms");
    await this.runUntil(() => false, { limitMs: ms });
    // Time passes even when nothing is scheduled.
    if (this.nowMs < target) this.nowMs = target;
  }
}

/** The methods of a clock port: what createDevice and SkewedClock check a given clock has. */
const CLOCK_METHODS = ["now", "setTimeout", "clearTimeout", "sleep", "track"] as const;

/** A TypeError, `what` first ("createDevice: clock"), for a value that is no clock port. */
export function checkClockPort(what: string, clock: unknown): asserts clock is ClockPort {
  if (!CLOCK_METHODS.every((name) => typeof (clock as Record<string, unknown> | null)?.[name] === "function")) {
    throw new TypeError(`${what} must be a clock port, such as new SimulatedClock() or new RealClock(), with ${CLOCK_METHODS.join(", ")} (got ${givenValue(clock)})`);
  }
}

/**
 * A device's view of a shared clock, off by an offset that can change (a clock set wrong, then
 * corrected or jumping). Timers are durations, so they are unaffected; `now()` is not.
 */
export class SkewedClock implements ClockPort {
  /** Its signal parameters are typed LightSignal (agent/protocol/light-abort.ts). */
  readonly [TAKES_LIGHT_SIGNALS] = true;
  constructor(
    readonly base: ClockPort,
    private offsetMs: number,
  ) {
    // A base that is none (null, a Date) failed only at the device's first reading of the time.
    checkClockPort("new SkewedClock: base", base);
    if (typeof offsetMs !== "number" || !Number.isFinite(offsetMs)) {
      throw new TypeError(`new SkewedClock: offsetMs must be a finite number of milliseconds, negative for a clock behind (got ${givenValue(offsetMs)})`);
    }
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the device's clock by `deltaMs` (positive: forward). */
  jump(deltaMs: number): void {
    this.offsetMs += deltaMs;
  }

  /** Sets the device's clock to read `ms` now (the payload's LOCAL_TIME, as AlarmManager.setTime does). */
  setTime(ms: number): void {
    this.offsetMs += ms - this.now();
    this.timeSet?.();
  }

  private timeSet: (() => void) | undefined;

  /** Calls `listener` after each setTime (a device keeps the time set on it: agent/device/clock-setting.ts). */
  onSetTime(listener: () => void): void {
    this.timeSet = listener;
  }

  now(): number {
    return this.base.now() + this.offsetMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    return this.base.setTimeout(fn, ms);
  }

  clearTimeout(handle: unknown): void {
    this.base.clearTimeout(handle);
  }

  sleep(ms: number, signal?: LightSignal): Promise<void> {
    return this.base.sleep(ms, signal && signalFor(this.base, signal));
  }

  track<T>(work: Promise<T>): Promise<T> {
    return this.base.track(work);
  }
}

/** The clock under any number of SkewedClock layers. */
export function baseClock(clock: ClockPort): ClockPort {
  let c = clock;
  while (c instanceof SkewedClock) c = c.base;
  return c;
}
