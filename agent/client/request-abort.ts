/**
 * How one request of the device's HTTP is stopped: by the device-clock timeout or by the caller.
 * The transport's middleware and its undici dispatch see it; the caller still passes a real
 * AbortSignal (ports take one), which the transport follows.
 *
 * An AbortController would do, but Node builds each one as an EventTarget: about 4.6 us to make
 * (`new AbortController()` and its signal, on this 2-core machine), for every request of every
 * fleet device, and nearly all of them are never aborted. This one is a flag and a list
 * (README "Benchmarks": a few per cent of a fleet device's CPU).
 */

/** What the middleware sees: the part of AbortSignal they use (an AbortSignal is one too). */
export interface RequestSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** `listener` runs once, when the request is aborted; never if it already was. */
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export class RequestAbort implements RequestSignal {
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

  /** Aborts with `reason` and runs each listener once; later calls do nothing, as AbortController's. */
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
