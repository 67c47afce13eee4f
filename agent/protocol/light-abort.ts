/**
 * How a device step, or one request of the device's HTTP, is stopped: a flag and a list of
 * listeners, with AbortController's behaviour, for the device's own code.
 *
 * An AbortController would do, but Node builds each one as an EventTarget: about 4.6 us to make
 * (`new AbortController()` and its signal, on this 2-core machine), and more for each listener
 * added and removed. A fleet device makes one for every request and every step it runs (XState's
 * promise actors make one each), and nearly none is ever aborted (README "Benchmarks").
 *
 * Code that needs a real AbortSignal (`fetch`, `child_process`, any port written outside this
 * package) gets one from `toAbortSignal`, made only then and following the light one.
 */

/** The part of AbortSignal the device's own code uses; an AbortSignal is one too. */
export interface LightSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** `listener` runs once, when the signal aborts; never if it already has. */
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Controller and signal in one object: `abort()` it, hand it out as a LightSignal. */
export class LightAbort implements LightSignal {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | null = null;

  addEventListener(_type: "abort", listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const listeners = this.listeners;
    const at = listeners ? listeners.indexOf(listener) : -1;
    if (at >= 0) listeners!.splice(at, 1);
  }

  /**
   * Aborts with `reason` and runs each listener once; later calls do nothing, as AbortController's.
   * Unlike an EventTarget, a listener that throws would throw here, into whoever aborts (XState
   * stopping a step): only the device's own code listens, and none of its listeners throws. Code
   * from outside listens on the real AbortSignal that `toAbortSignal` makes, which reports its
   * listeners' errors as Node does.
   */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    // As AbortController: no reason given is an AbortError (made only then: it captures a stack).
    this.reason = reason ?? new DOMException("This operation was aborted", "AbortError");
    const listeners = this.listeners;
    this.listeners = null;
    if (listeners) for (const listener of listeners) listener();
  }
}

const realSignals = new WeakMap<LightSignal, AbortSignal>();

/**
 * A real AbortSignal that aborts with `signal` (with its reason); `signal` itself when it is one.
 * The same light signal always gives the same AbortSignal.
 */
export function toAbortSignal(signal: LightSignal): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  let real = realSignals.get(signal);
  if (!real) {
    const controller = new AbortController();
    real = controller.signal;
    realSignals.set(signal, real);
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return real;
}

/**
 * Marks a port implementation whose every signal parameter is typed LightSignal (it uses only
 * that part of AbortSignal): the package's own virtual ports, clocks and service client.
 */
export const TAKES_LIGHT_SIGNALS: unique symbol = Symbol("aosp-sim: takes light signals");

/** A port that declares it takes light signals. */
export interface TakesLightSignals {
  readonly [TAKES_LIGHT_SIGNALS]: true;
}

/**
 * The signal to hand to `port`, whose type asks for an AbortSignal: `signal` itself when the
 * port takes light signals, a real AbortSignal following it otherwise (a port given by a library
 * user, or one that passes its signal on to `fetch` or a child process).
 */
export function signalFor(port: object, signal: LightSignal): AbortSignal {
  return (port as Partial<TakesLightSignals>)[TAKES_LIGHT_SIGNALS] === true ? (signal as AbortSignal) : toAbortSignal(signal);
}
