/**
 * What running a device step as an invoked XState actor costs, against the same step driven by
 * an entry action and an event it sends back. A fleet device runs 14 invoked actors on its way to
 * its first check-in (its steps, agent/device/step-actor.ts, and the Wi-Fi join); this measures
 * the mechanism alone, on a chain of 14 states whose steps do no work:
 *
 *   fromPromise   `invoke` with XState's own promise logic (an AbortController per step)
 *   fromStep      `invoke` with the project's step logic (the device machine's)
 *   event         `entry` starts the step, which sends its result back as an event: no child
 *                 actor (no cancelling on exit, no restart from a restored snapshot: the
 *                 semantics the device relies on, which this variant leaves out)
 *
 * CPU microseconds per step, alternating rounds of one process, the median round counted: this
 * 2-core machine is shared and noisy.
 *
 *   npm run bench:step-invoke [-- --rounds 7 --devices 4000]
 */
import { assign, createActor, createMachine, fromPromise, type AnyActorLogic, type AnyStateMachine } from "xstate";
import { benchOptions } from "./options.js";
import { fromStep } from "../agent/device/step-actor.js";

const args = benchOptions("bench:step-invoke", { rounds: { kind: "count", default: 7 }, devices: { kind: "count", default: 4000 } });
const STEPS = 14;

const work = async (n: number): Promise<number> => n + 1;

/** STEPS states, each invoking `logic`, then a final state. */
function invoking(logic: AnyActorLogic): AnyStateMachine {
  const states: Record<string, object> = { done: { type: "final" } };
  for (let i = 0; i < STEPS; i++) {
    states[`s${i}`] = {
      invoke: {
        src: "step",
        input: ({ context }: { context: { n: number } }) => context.n,
        onDone: { target: i + 1 < STEPS ? `s${i + 1}` : "done", actions: assign({ n: ({ event }: { event: { output: number } }) => event.output }) },
      },
    };
  }
  return createMachine({ context: { n: 0 }, initial: "s0", states } as never).provide({ actors: { step: logic } } as never);
}

/** The same chain with the step started by an entry action and its result sent back as an event. */
function eventDriven(): AnyStateMachine {
  const states: Record<string, object> = { done: { type: "final" } };
  for (let i = 0; i < STEPS; i++) {
    states[`s${i}`] = {
      entry: "start",
      on: { STEP_DONE: { target: i + 1 < STEPS ? `s${i + 1}` : "done", actions: assign({ n: ({ event }: { event: { output: number } }) => event.output }) } },
    };
  }
  return createMachine({ context: { n: 0 }, initial: "s0", states } as never).provide({
    actions: {
      start: ({ context, self }: { context: { n: number }; self: { send(e: object): void } }) => {
        void work(context.n).then((output) => self.send({ type: "STEP_DONE", output }));
      },
    },
  } as never);
}

const machines: Record<string, AnyStateMachine> = {
  fromPromise: invoking(fromPromise(({ input }: { input: number }) => work(input))),
  fromStep: invoking(fromStep(({ input }: { input: number }) => work(input))),
  event: eventDriven(),
};

/** Runs `devices` actors through the chain, one after another. */
async function run(machine: AnyStateMachine, devices: number): Promise<void> {
  for (let d = 0; d < devices; d++) {
    await new Promise<void>((resolve) => {
      const actor = createActor(machine);
      actor.subscribe({ complete: () => resolve() });
      actor.start();
    });
  }
}

for (const machine of Object.values(machines)) await run(machine, 1000);
const perStep: Record<string, number[]> = Object.fromEntries(Object.keys(machines).map((name) => [name, []]));
for (let round = 0; round < args.rounds; round++) {
  for (const [name, machine] of Object.entries(machines)) {
    const start = process.cpuUsage();
    await run(machine, args.devices);
    const used = process.cpuUsage(start);
    perStep[name]!.push((used.user + used.system) / (args.devices * STEPS));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const event = median(perStep["event"]!);
console.log(`${STEPS} steps a device, ${args.devices} devices a round, ${args.rounds} rounds (median round)\n`);
console.log(`| step as | CPU us per step | over \`event\` | per fleet device (${STEPS} steps) |`);
console.log("|---|---:|---:|---:|");
for (const name of Object.keys(machines)) {
  const us = median(perStep[name]!);
  console.log(`| ${name} | ${us.toFixed(1)} | +${(us - event).toFixed(1)} | +${((us - event) * STEPS).toFixed(0)} us |`);
}
