/**
 * The promise actor the device's steps run as: XState's `fromPromise`, with a LightAbort
 * (agent/protocol/light-abort.ts) where it makes an AbortController.
 *
 * `fromPromise` makes an AbortController for every actor it starts, a dozen per enrolling device,
 * and aborts it when the actor is stopped before it settles. This logic does the same with the
 * light one, which a fleet's devices make for less (README "Benchmarks" gives the measures).
 * Everything else is `fromPromise`'s (XState 5, pinned in package.json): the same
 * snapshots (status, output, error, input), the same events to settle it, the promise not
 * restarted unless the snapshot is active, its result ignored once the actor has stopped, and the
 * creator kept as `config`. test/device/step-actor.test.ts runs both side by side so an XState
 * upgrade that changes `fromPromise` shows there.
 */
import type { ActorRef, ActorSystem, PromiseActorLogic, PromiseSnapshot } from "xstate";
import { LightAbort, type LightSignal } from "../protocol/light-abort.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any device's system
type AnyActorSystem = ActorSystem<any>;

/** What a step's creator gets: `fromPromise`'s arguments with the light signal, less `emit` (no step emits). */
export interface StepArgs<TInput> {
  input: TInput;
  system: AnyActorSystem;
  self: ActorRef<PromiseSnapshot<unknown, TInput>, { type: string }>;
  signal: LightSignal;
}

// The event types fromPromise settles its actor with, and the one XState stops an actor with.
const RESOLVE = "xstate.promise.resolve";
const REJECT = "xstate.promise.reject";
const STOP = "xstate.stop";

/** The abort of each running actor (by actor), as fromPromise keeps its controllers. */
const running = new WeakMap<object, LightAbort>();

export function fromStep<TOutput, TInput>(creator: (args: StepArgs<TInput>) => PromiseLike<TOutput>): PromiseActorLogic<TOutput, TInput> {
  const logic = {
    config: creator,
    transition: (state: PromiseSnapshot<TOutput, TInput>, event: { type: string; data?: unknown }, scope: { self: object }) => {
      if (state.status !== "active") return state;
      switch (event.type) {
        case RESOLVE:
          return { ...state, status: "done", output: event.data as TOutput, input: undefined };
        case REJECT:
          return { ...state, status: "error", error: event.data, input: undefined };
        case STOP:
          running.get(scope.self)?.abort();
          running.delete(scope.self);
          return { ...state, status: "stopped", input: undefined };
        default:
          return state;
      }
    },
    start: (state: PromiseSnapshot<TOutput, TInput>, { self, system }: { self: StepArgs<TInput>["self"]; system: AnyActorSystem }) => {
      if (state.status !== "active") return;
      const abort = new LightAbort();
      running.set(self, abort);
      Promise.resolve(creator({ input: state.input as TInput, system, self, signal: abort })).then(
        (output) => settle(self, { type: RESOLVE, data: output }),
        (error: unknown) => settle(self, { type: REJECT, data: error }),
      );
    },
    getInitialSnapshot: (_scope: unknown, input: TInput): PromiseSnapshot<TOutput, TInput> => ({
      status: "active",
      output: undefined,
      error: undefined,
      input,
    }),
    getPersistedSnapshot: (snapshot: PromiseSnapshot<TOutput, TInput>) => snapshot,
    restoreSnapshot: (snapshot: unknown) => snapshot as PromiseSnapshot<TOutput, TInput>,
  };
  return logic as unknown as PromiseActorLogic<TOutput, TInput>;
}

/** The promise settled: tell the actor, unless it has stopped meanwhile. */
function settle(self: StepArgs<unknown>["self"], event: { type: string; data: unknown }): void {
  if (self.getSnapshot().status !== "active") return;
  running.delete(self);
  self.send(event);
}
