import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { assign, createActor, setup } from "xstate";
import { createDevice } from "../../agent/device/create-device.js";
import { leanAssign } from "../../agent/machine/lean-assign.js";
import { doubles } from "../helpers/port-doubles.js";

setFlagsFromString("--allow-natives-syntax");
const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (o: object) => boolean;

// A context made from the machine's input, as the device machine's is: XState builds such a
// context with its own assign onto an empty object, which leaves a context this wide a
// dictionary-mode object, and Object.assign keeps every later context one. leanAssign must make
// fast objects again, and otherwise behave exactly like assign.
type Ctx = Record<string, number | string | null>;
// An object literal, as agent/machine/context-updates.ts initialContext returns (copying one built
// another way, with Object.fromEntries say, can stay fast: V8's rules, not this project's).
const wideContext = (): Ctx => ({
  field0: 0, field1: null, field2: 2, field3: null, field4: 4, field5: null, field6: 6, field7: null,
  field8: 8, field9: null, field10: 10, field11: null, field12: 12, field13: null, field14: 14,
  field15: null, field16: 16, field17: null, field18: 18, field19: null, field20: 20, field21: null,
});

function machineWith(assignImpl: typeof assign) {
  return setup({
    types: { context: {} as Ctx, events: {} as { type: "BUMP"; by: number } | { type: "NAME"; name: string } | { type: "GO" } },
    actions: {
      bump: assignImpl({ field0: ({ context, event }) => (context.field0 as number) + (event as { by: number }).by }),
      name: assignImpl(({ event }) => ({ field1: (event as { name: string }).name, field3: "named" })),
    },
  }).createMachine({
    context: wideContext,
    initial: "a",
    states: {
      a: { tags: ["first"], on: { BUMP: { actions: "bump" }, NAME: { actions: "name" }, GO: "b" } },
      b: { initial: "inner", states: { inner: { tags: ["second"], on: { BUMP: { actions: "bump" } } } } },
    },
  });
}

function play(assignImpl: typeof assign) {
  const actor = createActor(machineWith(assignImpl)).start();
  const seen: unknown[] = [];
  for (const event of [{ type: "BUMP", by: 2 }, { type: "NAME", name: "x" }, { type: "GO" }, { type: "BUMP", by: 5 }] as const) {
    actor.send(event);
    const s = actor.getSnapshot();
    seen.push({ value: s.value, context: s.context, tags: [...s.tags], inner: s.matches({ b: "inner" }), canBump: s.can({ type: "BUMP", by: 1 }) });
  }
  return { seen, snapshot: actor.getSnapshot(), persisted: actor.getPersistedSnapshot() };
}

describe("leanAssign", () => {
  it("makes the same snapshots as XState's assign: context, state value, tags, matches, can, persisted form", () => {
    const lean = play(leanAssign);
    const xs = play(assign);
    expect(lean.seen).toEqual(xs.seen);
    expect(lean.persisted).toEqual(xs.persisted);
    expect(lean.snapshot.context.field0).toBe(7);
  });

  it("keeps a wide context a fast V8 object", () => {
    expect(hasFastProperties(play(leanAssign).snapshot.context)).toBe(true);
  });

  it("keeps the device machine's context a fast V8 object through an enrollment (XState's assign left a dictionary)", async () => {
    const world = doubles();
    await world.setPicture();
    const device = await createDevice({ ports: world.ports, seed: 3, user: { userPrincipalName: "alex@contoso.example", password: "pw" } });
    const report = await device.enroll();
    expect(report.finalStatePath).toBe("enrolled.idle");
    expect(hasFastProperties(device.context)).toBe(true);
    expect(hasFastProperties(device.snapshot)).toBe(true);
    device.dispose();
  });

  it("refuses to spawn from an assignment, saying what to use instead", () => {
    const machine = setup({}).createMachine({
      context: { n: 0 },
      on: { GO: { actions: leanAssign(({ spawn }) => (spawn as unknown as () => void)() ?? {}) } },
    });
    const actor = createActor(machine);
    const errors: unknown[] = [];
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    actor.send({ type: "GO" });
    expect(String(errors[0])).toMatch(/may not spawn actors/);
  });
});
