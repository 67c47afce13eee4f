/**
 * Step records benchmark: what a machine step costs the device runtime, and what wording it
 * costs, measured apart. A device over the hand-made port set of test/helpers/port-doubles.ts
 * (no HTTP, no service) enrolls and lives a week of check-ins; its records are then replayed in
 * a tight loop, in alternating rounds of the same run (median round), because this 2-core
 * machine is shared and noisy:
 *
 *   record      the runtime's own work per step: the event's data and output, the record
 *   words       rendering one record into its timeline entry (agent/report, once, when read)
 *   transcript  words plus the transcript lines (a device whose transcript is kept)
 *
 * Before step records, the runtime did `record` and `words` on every step of every device; now a
 * device nobody reads pays `record` only.
 *
 *   npx tsx bench/device-steps.ts [--rounds 7] [--repeat 200] [--json out.json]
 */
import { writeFileSync } from "node:fs";
import { benchOptions } from "./options.js";
import { createDevice } from "../agent/device/create-device.js";
import { addStepData, type DeviceRecord, type StepRecord } from "../agent/device/step-record.js";
import { TimelineRenderer, transcriptLines } from "../agent/report/device-log.js";
import { doubles } from "../test/helpers/port-doubles.js";

const args = benchOptions("bench/device-steps.ts", {
  rounds: { kind: "count", default: 7 },
  repeat: { kind: "count", default: 200 },
  json: { kind: "text", arg: "FILE" },
});
const rounds = args.rounds;
const repeat = args.repeat;

/** A device's records, and the events its steps took (as XState delivered them). */
async function recordedDevice(): Promise<{ records: DeviceRecord[]; events: { type: string }[] }> {
  const world = doubles();
  await world.setPicture();
  const device = await createDevice({ ports: world.ports, seed: 1, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
  await device.enroll();
  await device.runFor(7 * 86_400_000);
  device.dispose();
  const steps = device.records.filter((r): r is StepRecord => r.kind === "step");
  // The events again, as the runtime received them (its data and output are what it copies).
  const events = steps.map((s) => ({ type: s.eventType, ...s.eventData, ...(s.output === undefined ? {} : { output: s.output }) }));
  return { records: [...device.records], events };
}

const { records, events } = await recordedDevice();
const steps = records.filter((r): r is StepRecord => r.kind === "step");

const cases: Record<string, () => void> = {
  record: () => {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i]!;
      // As the runtime builds it (agent/device/runtime.ts, inspect).
      const record: StepRecord = { kind: "step", index: i, from: s.from, to: s.to, value: s.value, eventType: s.eventType, changed: s.changed, context: s.context, http: s.http, at: s.at, elapsedMs: s.elapsedMs, wallMs: performance.now() };
      addStepData(record, events[i]!);
      if (record.index !== i) throw new Error("unreachable");
    }
  },
  words: () => {
    const renderer = new TimelineRenderer();
    for (const r of records) renderer.entryFor(r);
  },
  transcript: () => {
    const renderer = new TimelineRenderer();
    for (const r of records) transcriptLines(r, renderer.entryFor(r));
  },
};

/** CPU microseconds per step of one case, over `repeat` passes of the device's records. */
function microsPerStep(run: () => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < repeat; i++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (repeat * steps.length);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

for (const run of Object.values(cases)) microsPerStep(run); // warm-up
const results = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, run] of Object.entries(cases)) results.set(name, [...(results.get(name) ?? []), microsPerStep(run)]);
}
const record = median(results.get("record")!);
const rows = [...results].map(([name, values]) => ({ case: name, microsPerStep: Number(median(values).toFixed(2)), toRecord: Number((median(values) / record).toFixed(2)) }));
for (const row of rows) process.stdout.write(`${row.case.padEnd(12)} ${row.microsPerStep.toFixed(2).padStart(8)} µs/step  ${row.toRecord.toFixed(2)}x record\n`);
const before = record + median(results.get("words")!);
process.stdout.write(`a device nobody reads: ${record.toFixed(2)} µs/step, was ${before.toFixed(2)} (record + words on every step): ${(before / record).toFixed(1)}x less\n`);
process.stdout.write(`(${steps.length} steps of one device: enrollment and a week of check-ins; median of ${rounds} rounds of ${repeat} passes)\n`);
if (args.json) writeFileSync(args.json, `${JSON.stringify({ steps: steps.length, rounds, repeat, rows }, null, 2)}\n`);
