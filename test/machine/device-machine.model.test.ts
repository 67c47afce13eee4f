/**
 * Model-based tests generated from the device machine with @xstate/graph. The test model is the
 * machine with its invokes and delays written as plain events (test/helpers/device-model.ts); the
 * graph walk tries every external event, every sample answer of every actor and every timer in
 * every reachable state. From that graph:
 *   - every state and every transition of the machine is reached;
 *   - every path replayed through the real machine (its actors left silent, their answers sent
 *     as events) lands where the model says;
 *   - in every reachable state, a power loss (snapshot persisted, actor stopped, restored, booted)
 *     changes nothing about what happens next.
 */
import { createActor, SimulatedClock, type AnyStateNode, type EventObject } from "xstate";
import { beforeAll, describe, expect, it } from "vitest";
import { deviceMachine } from "../../agent/machine/device-machine.js";
import {
  MODEL_INPUT,
  allTransitionKeys,
  inertMachine,
  keyOf,
  modelGraph,
  serializeModelState,
  type ModelGraph,
} from "../helpers/device-model.js";

let graph: ModelGraph;
const real = inertMachine();

beforeAll(async () => {
  graph = await modelGraph();
}, 60_000);

/** For every model state: where the real machine ends after its path, and what it persisted there. */
let replayed: Map<string, { landed: string; persisted: unknown }> | null = null;
function replayAll() {
  if (replayed) return replayed;
  replayed = new Map();
  for (const [key, { path }] of graph.states) {
    const actor = replay(path);
    replayed.set(key, {
      landed: serializeModelState(actor.getSnapshot() as never),
      // Power loss: only what was persisted survives (as JSON, as on flash).
      persisted: JSON.parse(JSON.stringify(actor.getPersistedSnapshot())),
    });
    actor.stop();
  }
  return replayed;
}

/** A live actor of the real machine whose actors never answer, driven through `events`. */
function replay(events: EventObject[]) {
  const actor = createActor(real, { input: MODEL_INPUT, clock: new SimulatedClock() });
  actor.start();
  for (const event of events) actor.send(event as never);
  return actor;
}

/** Every state a device can rest in (transient states, left at once by an eventless transition, aside). */
function restingStateIds(node: AnyStateNode): string[] {
  return Object.values(node.states).flatMap((child) => {
    const transient = (child.always ?? []).some((t) => t.guard === undefined);
    return [...(transient ? [] : [child.id]), ...restingStateIds(child)];
  });
}

describe("the device machine, walked as a graph", () => {
  it("has a test model whose transitions are exactly the real machine's", () => {
    expect([...allTransitionKeys(graph.machine.root)].sort()).toEqual([...allTransitionKeys(deviceMachine.root)].sort());
  });

  it("reaches every state a device can rest in", () => {
    const reached = new Set<string>();
    for (const { snapshot } of graph.states.values()) for (const node of snapshot._nodes) reached.add(node.id);
    const missing = restingStateIds(deviceMachine.root).filter((id) => !reached.has(id));
    expect(missing).toEqual([]);
  });

  it("takes every transition on some path", () => {
    const covered = new Set<string>();
    for (const { snapshot, edges } of graph.states.values()) {
      const persisted = graph.machine.getPersistedSnapshot(snapshot as never);
      for (const { event } of edges) {
        const actor = createActor(graph.machine, {
          snapshot: persisted as never,
          input: MODEL_INPUT,
          inspect: (e) => {
            if (e.type === "@xstate.microstep") for (const t of e._transitions) covered.add(keyOf(t as never));
          },
        });
        actor.start();
        actor.send(event as never);
        actor.stop();
      }
    }
    const missing = [...allTransitionKeys(graph.machine.root)].filter((k) => !covered.has(k));
    expect(missing).toEqual([]);
    expect(covered.size).toBeGreaterThan(100);
  });

  it("shows a reason on every failure screen it can reach", () => {
    let failures = 0;
    for (const { snapshot } of graph.states.values()) {
      if (!snapshot._nodes.some((n) => n.tags.includes("failure"))) continue;
      failures++;
      expect(snapshot.context.failure, JSON.stringify(snapshot.value)).not.toBeNull();
      expect(snapshot.context.failure!.screen.length).toBeGreaterThan(0);
      expect(snapshot.context.failure!.code.length).toBeGreaterThan(0);
    }
    expect(failures).toBeGreaterThan(10);
  });

  it("lands where the model says when each path is replayed through the real machine", () => {
    for (const [key, { landed }] of replayAll()) expect(landed).toBe(key);
  });

  it("carries on exactly as before after losing power in any state", () => {
    let checked = 0;
    for (const [key, { edges }] of graph.states) {
      const persisted = replayAll().get(key)!.persisted as never;
      for (const { event, next } of edges) {
        const booted = createActor(real, { snapshot: persisted, input: MODEL_INPUT, clock: new SimulatedClock() });
        booted.start();
        booted.send({ type: "POWER_ON", at: 0 } as never);
        expect(serializeModelState(booted.getSnapshot() as never), `${key} after power on`).toBe(key);
        booted.send(event as never);
        expect(serializeModelState(booted.getSnapshot() as never), `${key} then ${event.type}`).toBe(next);
        booted.stop();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
