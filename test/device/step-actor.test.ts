/**
 * The device's promise actor (fromStep) against XState's own fromPromise, side by side in the
 * same machine: what the machine sees (done and error events, states, persisted snapshots) must
 * be the same, and a step stopped by leaving its state must see its signal abort once.
 */
import { assign, createActor, fromPromise, setup, type PromiseActorLogic } from "xstate";
import { describe, expect, it } from "vitest";
import { fromStep } from "../../agent/device/step-actor.js";
import { LightAbort } from "../../agent/protocol/light-abort.js";

interface Call {
  input: number;
  signal: { aborted: boolean; reason: unknown; addEventListener(type: "abort", l: () => void): void };
  resolve(value: number): void;
  reject(error: unknown): void;
}

type Creator = (args: { input: number; signal: Call["signal"] }) => Promise<number>;

type Logic = PromiseActorLogic<number, number>;

const MAKERS: [string, (creator: Creator) => Logic][] = [
  ["fromPromise", (creator) => fromPromise<number, number>(creator)],
  ["fromStep", (creator) => fromStep<number, number>(creator)],
];

function machineWith(logic: Logic) {
  return setup({
    types: { context: {} as { output: number | null; error: unknown } },
    actors: { work: logic },
  }).createMachine({
    context: { output: null, error: null },
    initial: "working",
    states: {
      working: {
        invoke: {
          src: "work",
          input: () => 21,
          onDone: { target: "done", actions: assign({ output: ({ event }) => (event as { output: number }).output }) },
          onError: { target: "failed", actions: assign({ error: ({ event }) => (event as { error: unknown }).error }) },
        },
        on: { LEAVE: "left" },
      },
      done: {},
      failed: {},
      left: {},
    },
  });
}

/** A logic whose promises the test settles by hand, and the calls made to it. */
function controlled(make: (creator: Creator) => Logic) {
  const calls: Call[] = [];
  const logic = make(({ input, signal }) => new Promise<number>((resolve, reject) => calls.push({ input, signal, resolve, reject })));
  return { logic, calls };
}

const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe.each(MAKERS)("the step actor, as %s", (_name, make) => {
  it("hands the creator its input and settles with the promise's value", async () => {
    const { logic, calls } = controlled(make);
    const actor = createActor(machineWith(logic)).start();
    expect(calls.map((c) => c.input)).toEqual([21]);
    calls[0]!.resolve(42);
    await settled();
    expect(actor.getSnapshot().value).toBe("done");
    expect(actor.getSnapshot().context.output).toBe(42);
    expect(calls[0]!.signal.aborted).toBe(false);
  });

  it("turns a rejection into the machine's error event, with the error itself", async () => {
    const { logic, calls } = controlled(make);
    const actor = createActor(machineWith(logic)).start();
    const error = new Error("no answer");
    calls[0]!.reject(error);
    await settled();
    expect(actor.getSnapshot().value).toBe("failed");
    expect(actor.getSnapshot().context.error).toBe(error);
  });

  it("aborts the signal once when its state is left, and ignores the promise after that", async () => {
    const { logic, calls } = controlled(make);
    const actor = createActor(machineWith(logic)).start();
    let heard = 0;
    calls[0]!.signal.addEventListener("abort", () => heard++);
    actor.send({ type: "LEAVE" });
    expect(calls[0]!.signal.aborted).toBe(true);
    expect((calls[0]!.signal.reason as DOMException).name).toBe("AbortError");
    expect(heard).toBe(1);
    calls[0]!.resolve(42);
    await settled();
    expect(actor.getSnapshot().value).toBe("left");
    expect(actor.getSnapshot().context.output).toBeNull();
  });

  it("starts the promise again when restored from a snapshot persisted mid-step", async () => {
    const first = controlled(make);
    const persisted = createActor(machineWith(first.logic)).start().getPersistedSnapshot();
    const second = controlled(make);
    const restored = createActor(machineWith(second.logic), { snapshot: persisted }).start();
    expect(second.calls.map((c) => c.input)).toEqual([21]);
    second.calls[0]!.resolve(7);
    await settled();
    expect(restored.getSnapshot().context.output).toBe(7);
  });

  it("does not start a promise restored as already done", async () => {
    const first = controlled(make);
    const actor = createActor(machineWith(first.logic)).start();
    first.calls[0]!.resolve(1);
    await settled();
    const second = controlled(make);
    createActor(machineWith(second.logic), { snapshot: actor.getPersistedSnapshot() }).start();
    expect(second.calls).toEqual([]);
  });
});

describe("fromStep", () => {
  it("gives its steps a light signal, not an AbortController's", () => {
    const { logic, calls } = controlled((creator) => fromStep<number, number>(creator));
    createActor(machineWith(logic)).start();
    expect(calls[0]!.signal).toBeInstanceOf(LightAbort);
  });

  it("persists the same snapshot as fromPromise", () => {
    const snapshots = MAKERS.map(([, make]) => createActor(machineWith(controlled(make).logic)).start().getPersistedSnapshot());
    expect(snapshots[1]).toEqual(snapshots[0]);
  });
});
