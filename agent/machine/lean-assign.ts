/**
 * XState's `assign`, with a cheaper way of making the next snapshot: the device machine's context
 * has over thirty fields and changes at almost every step, and a fleet runs millions of steps.
 *
 * XState 5 builds the new context with `Object.assign({}, context, partial)`, and a context made
 * from input (`context: ({ input }) => ...`) with its own assign onto an empty object. Adding
 * thirty-odd properties one by one to an empty object leaves it, in V8, a dictionary-mode (slow)
 * object, and Object.assign from a dictionary makes another: measured in a fleet run, every
 * context XState's assign produced was one, so every read of a field was a hash lookup. A spread
 * (`{ ...context, ...partial }`) makes a fast object, whatever the source. The snapshot is copied
 * the same way: an assignment does not change the active states, so their value and tags are
 * kept instead of being derived again.
 *
 * How: `assign(...)` returns a built-in action whose `resolve` XState calls with the snapshot
 * (the built-in action protocol of XState 5, pinned in package.json); this keeps the action XState
 * made (type, checks, typing) and replaces only that `resolve`. test/machine/lean-assign.test.ts
 * holds the behaviour (same contexts as `assign`, fast objects) so an XState upgrade that changes
 * the protocol fails there. Assignments here never spawn actors; one that tried would be told so.
 */
import { assign, type AnyActorScope, type MachineSnapshot } from "xstate";

type AnySnapshot = MachineSnapshot<Record<string, unknown>, never, never, never, never, unknown, never, never>;
type Assignment = ((args: Record<string, unknown>, params: unknown) => Record<string, unknown>) | Record<string, unknown>;

function noSpawn(): never {
  throw new Error("leanAssign: an assignment may not spawn actors (use XState's assign for that)");
}

function resolveLean(
  actorScope: AnyActorScope,
  snapshot: AnySnapshot,
  actionArgs: { event: unknown },
  actionParams: unknown,
  { assignment }: { assignment: Assignment },
): [AnySnapshot, undefined, undefined] {
  const args = { context: snapshot.context, event: actionArgs.event, spawn: noSpawn, self: actorScope.self, system: actorScope.system };
  let partial: Record<string, unknown>;
  if (typeof assignment === "function") {
    partial = assignment(args, actionParams);
  } else {
    partial = {};
    for (const key of Object.keys(assignment)) {
      const value = assignment[key];
      partial[key] = typeof value === "function" ? (value as (a: unknown, p: unknown) => unknown)(args, actionParams) : value;
    }
  }
  return [{ ...snapshot, context: { ...snapshot.context, ...partial } }, undefined, undefined];
}

/** Same signature and behaviour as XState's `assign`; the next context is a fast object. */
export const leanAssign = ((assignment: Assignment) => {
  const action = (assign as unknown as (a: Assignment) => { resolve: unknown })(assignment);
  if (typeof action.resolve !== "function") throw new Error("leanAssign: this XState's assign has no resolve (the built-in action protocol changed)");
  action.resolve = resolveLean;
  return action;
}) as unknown as typeof assign;
