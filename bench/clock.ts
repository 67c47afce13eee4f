/**
 * SimulatedClock benchmark: the cost of one simulated step (clock.step(): let I/O settle, take
 * the next due timer, fire it) with 10 pending timers and with 10,000, in the same run, so the
 * figure is a ratio that travels between machines. The target: 10,000 within 2x of 10.
 *
 *   npm run bench:clock
 *   npm run bench:clock -- --steps 2000 --rounds 7 --json result.json
 *
 * Each step fires a timer that sets the next one (as a check-in does), while the other pending
 * timers wait far in the future (as other devices' check-ins do). The two sizes run in
 * alternating rounds and the median round counts, because this machine is shared and noisy.
 * Exit 1 when the ratio misses the target.
 */
import { writeFileSync } from "node:fs";
import { benchOptions } from "./options.js";
import { SimulatedClock } from "../agent/device/clock.js";

const args = benchOptions("bench:clock", {
  steps: { kind: "count", default: 2000 },
  rounds: { kind: "count", default: 7 },
  json: { kind: "text", arg: "FILE" },
});
const steps = args.steps;
const rounds = args.rounds;

const YEAR = 365 * 86_400_000;

/** Microseconds per step with `pending` timers waiting besides the one that fires. */
async function microsPerStep(pending: number): Promise<number> {
  const clock = new SimulatedClock(0);
  for (let i = 0; i < pending; i++) clock.setTimeout(() => {}, YEAR + i * 1_000);
  let fired = 0;
  const tick = () => {
    fired++;
    clock.setTimeout(tick, 180_000);
  };
  clock.setTimeout(tick, 180_000);
  for (let i = 0; i < 50; i++) await clock.step(); // warm-up
  const start = performance.now();
  for (let i = 0; i < steps; i++) await clock.step();
  const elapsed = performance.now() - start;
  if (fired !== steps + 50 || clock.pendingTimers !== pending + 1) throw new Error("the benchmark's timers did not fire as planned");
  return (elapsed * 1000) / steps;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const small: number[] = [];
const large: number[] = [];
for (let r = 0; r < rounds; r++) {
  small.push(await microsPerStep(10));
  large.push(await microsPerStep(10_000));
}
const result = {
  steps,
  rounds,
  microsPerStep10: Math.round(median(small) * 10) / 10,
  microsPerStep10000: Math.round(median(large) * 10) / 10,
  ratio: Math.round((median(large) / median(small)) * 100) / 100,
  target: 2,
};
process.stdout.write(
  `one simulated step: ${result.microsPerStep10} µs with 10 pending timers, ${result.microsPerStep10000} µs with 10,000 ` +
    `(ratio ${result.ratio}, target <= ${result.target}; median of ${rounds} rounds of ${steps} steps)\n`,
);
if (args.json) writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
process.exitCode = result.ratio <= result.target ? 0 : 1;
