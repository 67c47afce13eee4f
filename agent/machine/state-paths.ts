/**
 * State names as people write them: a dotted path ("enrolled.checkingIn") or, when unique, a
 * state's own key ("downloadingAgent"). Used to name where a fault strikes.
 */
import type { AnyStateMachine, StateNode } from "xstate";

/** Every state's dotted path, parents before children. */
export function statePaths(machine: AnyStateMachine): string[] {
  const paths: string[] = [];
  const visit = (node: StateNode<any, any>, prefix: string[]) => {
    for (const [key, child] of Object.entries(node.states ?? {})) {
      const path = [...prefix, key];
      paths.push(path.join("."));
      visit(child as StateNode<any, any>, path);
    }
  };
  visit(machine.root as StateNode<any, any>, []);
  return paths;
}

/** The dotted paths of the states that carry `tag` (e.g. "failure": the error screens). */
export function statesTagged(machine: AnyStateMachine, tag: string): string[] {
  const paths: string[] = [];
  const visit = (node: StateNode<any, any>) => {
    for (const child of Object.values(node.states ?? {}) as StateNode<any, any>[]) {
      if (child.tags.includes(tag)) paths.push(child.path.join("."));
      visit(child);
    }
  };
  visit(machine.root as StateNode<any, any>);
  return paths;
}

export type ResolvedState = { ok: true; path: string } | { ok: false; problem: string };

/** Resolves a written state name to its full path. */
export function resolveStatePath(machine: AnyStateMachine, written: string): ResolvedState {
  const paths = statePaths(machine);
  if (paths.includes(written)) return { ok: true, path: written };
  const bySuffix = paths.filter((p) => p.endsWith(`.${written}`));
  if (bySuffix.length === 1) return { ok: true, path: bySuffix[0]! };
  if (bySuffix.length > 1) {
    return { ok: false, problem: `"${written}" is ambiguous: write one of ${bySuffix.join(", ")}` };
  }
  return { ok: false, problem: `there is no state "${written}"` };
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
  const paths = activePaths(value);
  return paths.reduce((a, b) => (b.split(".").length > a.split(".").length ? b : a), paths[0] ?? "");
}
