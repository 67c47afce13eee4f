/**
 * State names as people write them: a dotted path ("enrolled.checkingIn") or, when unique, a
 * state's own key ("downloadingAgent"). Used to name where a fault strikes.
 */
import { closestName } from "../protocol/closest-name.js";
import { InputError } from "../protocol/errors.js";
import { givenValue } from "../protocol/given-value.js";
import type { AnyStateMachine, StateNode } from "xstate";

/** Whether the state path `path` is `state` or a state inside it ("enrolled.idle" is within "enrolled"). */
export function isWithin(path: string, state: string): boolean {
  return path === state || path.startsWith(`${state}.`);
}

/**
 * States an enrolling device reaches only after it is enrolled: the enrolled device's own (its
 * check-ins, updates, an admin's wipe acknowledged) and the factory reset a wipe or delete ends in.
 * `enroll --until` one of them runs the device on past enrollment.
 */
export function isPastEnrollment(statePath: string): boolean {
  return statePath.startsWith("enrolled.") || isWithin(statePath, "factoryResetting");
}

/** Every state node below the root, parents before children, in the order the machine lists them. */
export function stateNodes(machine: AnyStateMachine): StateNode<any, any>[] {
  const nodes: StateNode<any, any>[] = [];
  const visit = (node: StateNode<any, any>) => {
    for (const child of Object.values(node.states ?? {}) as StateNode<any, any>[]) {
      nodes.push(child);
      visit(child);
    }
  };
  visit(machine.root as StateNode<any, any>);
  return nodes;
}

/**
 * A TypeError for a machine that is none (`machineMermaid()` with no argument, a device, a state
 * name): xstate's own complaint was "Cannot read properties of undefined (reading 'states')".
 */
export function checkMachine(call: string, machine: unknown): void {
  const root = (machine as { root?: { states?: unknown } } | null)?.root;
  if (typeof root?.states !== "object" || root.states === null) {
    throw new TypeError(`${call}: machine must be an xstate machine, such as the package's deviceMachine (got ${givenValue(machine)})`);
  }
}

/** Every state's dotted path, parents before children. */
export function statePaths(machine: AnyStateMachine): string[] {
  checkMachine("statePaths", machine);
  return stateNodes(machine).map((node) => node.path.join("."));
}

/** The dotted paths of the states that carry `tag` (e.g. "failure": the error screens). */
export function statesTagged(machine: AnyStateMachine, tag: string): string[] {
  return stateNodes(machine).filter((node) => node.tags.includes(tag)).map((node) => node.path.join("."));
}

/**
 * The state entered along with `path` when it is entered: its initial child, that child's, and so
 * on ("enrolling" enters "enrolling.requesting" with it). Two things that strike as a state is
 * entered strike together at `path` and at this leaf. A path that is no state is returned as is.
 */
export function entryLeaf(machine: AnyStateMachine, path: string): string {
  let node = machine.root as StateNode<any, any>;
  for (const key of path.split(".")) {
    const child = (node.states as Record<string, StateNode<any, any>> | undefined)?.[key];
    if (!child) return path;
    node = child;
  }
  for (;;) {
    const initial = node.type === "compound" ? (node.config.initial as string | undefined) : undefined;
    const child = initial === undefined ? undefined : (node.states as Record<string, StateNode<any, any>>)[initial];
    if (!child) return node.path.join(".");
    node = child;
  }
}

export type ResolvedState = { ok: true; path: string } | { ok: false; problem: string };

/** Resolves a written state name to its full path. */
export function resolveStatePath(machine: AnyStateMachine, written: string): ResolvedState {
  checkMachine("resolveStatePath", machine);
  if (typeof written !== "string") {
    throw new TypeError(`resolveStatePath: written must be a state's name or dotted path as a string, such as "enrolled.checkingIn" (got ${givenValue(written)})`);
  }
  const paths = statePaths(machine);
  if (paths.includes(written)) return { ok: true, path: written };
  const bySuffix = paths.filter((p) => p.endsWith(`.${written}`));
  if (bySuffix.length === 1) return { ok: true, path: bySuffix[0]! };
  if (bySuffix.length > 1) {
    return { ok: false, problem: `"${written}" is ambiguous: write one of ${bySuffix.join(", ")}` };
  }
  const suggestion = closestState(paths, written);
  return { ok: false, problem: `there is no state "${written}"${suggestion === null ? "" : `: did you mean "${suggestion}"?`}` };
}

/**
 * A written state name's full path, or an InputError about `where` (the option or argument that
 * gave it) naming the problem: a name that is no state is never waited for in silence.
 */
export function requireStatePath(machine: AnyStateMachine, written: string, where: string, hint = "state names: `aosp-sim diagram --format json`"): string {
  const resolved = resolveStatePath(machine, written);
  if (!resolved.ok) throw new InputError(resolved.problem, { where, hint });
  return resolved.path;
}

/**
 * The state a mistyped name most likely meant, or null: a dotted name is compared with the full
 * paths, a plain one with the states' own keys that name one state (not "requesting", which
 * several have), case ignored, within a quarter of the name's length (at least 2 edits).
 */
function closestState(paths: readonly string[], written: string): string | null {
  const key = (path: string) => path.slice(path.lastIndexOf(".") + 1);
  const candidates = written.includes(".") ? paths : paths.map(key).filter((k, _, all) => all.indexOf(k) === all.lastIndexOf(k));
  return closestName(written, candidates, Math.max(2, Math.floor(written.length / 4)));
}

/** The dotted paths of every active state in a snapshot value ("enrolled", "enrolled.idle"). */
export function activePaths(value: unknown, prefix = ""): string[] {
  if (typeof value === "string") return [prefix ? `${prefix}.${value}` : value];
  if (value === null || typeof value !== "object") return [];
  const paths: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path, ...activePaths(child, path));
  }
  return paths;
}

/** The deepest active path: the one a timeline shows ("enrolled.checkingIn.requesting"). */
export function leafPath(value: unknown): string {
  return deepestPath(activePaths(value));
}

/** The deepest of some dotted paths (the first of the deepest); "" for none. */
export function deepestPath(paths: readonly string[]): string {
  let deepest = paths[0] ?? "";
  let depth = dots(deepest);
  for (let i = 1; i < paths.length; i++) {
    const d = dots(paths[i]!);
    if (d > depth) {
      deepest = paths[i]!;
      depth = d;
    }
  }
  return deepest;
}

function dots(path: string): number {
  let n = 0;
  for (let i = path.indexOf("."); i !== -1; i = path.indexOf(".", i + 1)) n++;
  return n;
}
