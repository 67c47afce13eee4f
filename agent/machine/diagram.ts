/**
 * The machine as a picture and as data, read from its definition (nothing hand-maintained):
 * Mermaid stateDiagram-v2 for the README and docs, JSON for visualizers and tests.
 */
import type { AnyStateMachine, StateNode, TransitionDefinition } from "xstate";
import { checkOptions } from "../protocol/known-options.js";
import { checkMachine, stateNodes } from "./state-paths.js";

export interface DiagramTransition {
  /** The event as written in the machine ("TAP", "done: enroll", "after: retryDelay", "always"). */
  event: string;
  /** Target state paths; empty for a transition that stays (actions only). */
  targets: string[];
  guard: string | null;
}

export interface DiagramState {
  /** Dotted path ("enrolled.checkingIn"). */
  path: string;
  type: "atomic" | "compound" | "parallel" | "final" | "history";
  initial: string | null;
  description: string | null;
  /** What the screen shows (meta.screen). */
  screen: string | null;
  tags: string[];
  /** Actors invoked while in the state. */
  invokes: string[];
  transitions: DiagramTransition[];
}

export interface MachineDiagram {
  id: string;
  initial: string;
  states: DiagramState[];
}

type AnyNode = StateNode<any, any>;

function pathOf(node: AnyNode): string {
  return node.path.join(".");
}

function eventName(transition: TransitionDefinition<any, any>): string {
  const type = transition.eventType;
  if (type === "") return "always";
  if (type.startsWith("xstate.done.actor.")) return `done: ${type.slice("xstate.done.actor.".length)}`;
  if (type.startsWith("xstate.error.actor.")) return `error: ${type.slice("xstate.error.actor.".length)}`;
  if (type.startsWith("xstate.after.")) return `after: ${type.split(".")[2] ?? "delay"}`;
  return type;
}

function guardName(transition: TransitionDefinition<any, any>): string | null {
  const guard = transition.guard as unknown;
  if (guard === undefined || guard === null) return null;
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && "type" in (guard as object)) {
    const g = guard as { type: string; params?: unknown };
    return g.params === undefined ? g.type : `${g.type}(${JSON.stringify(g.params)})`;
  }
  return "guard";
}

function transitionsOf(node: AnyNode): DiagramTransition[] {
  const all: TransitionDefinition<any, any>[] = [];
  for (const list of node.transitions.values()) all.push(...list);
  all.push(...(node.always ?? []));
  return all.map((t) => ({
    event: eventName(t),
    targets: (t.target ?? []).map((target) => pathOf(target as AnyNode)),
    guard: guardName(t),
  }));
}

export function machineDiagram(machine: AnyStateMachine): MachineDiagram {
  checkMachine("machineDiagram", machine);
  const states = stateNodes(machine).map((node): DiagramState => ({
    path: pathOf(node),
    type: node.type,
    initial: node.initial?.target?.[0] ? pathOf(node.initial.target[0] as AnyNode) : null,
    description: node.description ?? null,
    screen: ((node.meta ?? {}) as { screen?: string }).screen ?? null,
    tags: [...node.tags],
    invokes: node.invoke.map((i) => (typeof i.src === "string" ? i.src : i.id)),
    transitions: transitionsOf(node),
  }));
  const root = machine.root as AnyNode;
  return { id: machine.id, initial: root.initial?.target?.[0] ? pathOf(root.initial.target[0] as AnyNode) : "", states };
}

/** Mermaid identifiers cannot hold dots. */
function mermaidId(path: string): string {
  return path.replace(/\./g, "__");
}

function mermaidLabel(text: string): string {
  return text.replace(/[:;#]/g, " ").replace(/\s+/g, " ").trim();
}

/** The parent path of a dotted path ("" for a top-level state). */
function parentOf(path: string): string {
  return path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
}

/** The ancestor of `path` (or itself) that is a direct child of `parent`. */
function childOn(path: string, parent: string): string {
  const parts = path.split(".");
  const depth = parent === "" ? 1 : parent.split(".").length + 1;
  return parts.slice(0, depth).join(".");
}

function commonParent(a: string, b: string): string {
  const pa = parentOf(a).split(".").filter(Boolean);
  const pb = parentOf(b).split(".").filter(Boolean);
  const common: string[] = [];
  for (let i = 0; i < Math.min(pa.length, pb.length) && pa[i] === pb[i]; i++) common.push(pa[i]!);
  return common.join(".");
}

/**
 * A Mermaid stateDiagram-v2 of the machine: composite states nest, each state shows its screen,
 * failure states are styled. Mermaid cannot draw an arrow between states inside different
 * composites, so such a transition is drawn between their outermost differing ancestors.
 * `depth` keeps only states that many levels deep (1: the top-level flow), lifting transitions.
 */
export function machineMermaid(machine: AnyStateMachine, options: { depth?: number } = {}): string {
  checkMachine("machineMermaid", machine);
  checkOptions("machineMermaid", options, ["depth"], "e.g. { depth: 1 }");
  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  const cut = (path: string) => path.split(".").slice(0, depth).join(".");
  const full = machineDiagram(machine);
  const diagram = { ...full, states: full.states.filter((s) => s.path.split(".").length <= depth) };
  const byParent = new Map<string, DiagramState[]>();
  for (const state of diagram.states) byParent.set(parentOf(state.path), [...(byParent.get(parentOf(state.path)) ?? []), state]);
  const arrows = new Map<string, Set<string>>();
  for (const original of full.states) {
    const state = { ...original, path: cut(original.path) };
    for (const t of original.transitions) {
      for (const fullTarget of t.targets) {
        const target = cut(fullTarget);
        if (target === state.path && (t.event === "POWER_ON" || original.path !== state.path)) continue; // re-arming on boot, or inside a collapsed state
        const parent = commonParent(state.path, target);
        const from = childOn(state.path, parent);
        const to = childOn(target, parent);
        const label = mermaidLabel(t.guard && from === original.path ? `${t.event} [${t.guard.replace(/\(.*\)$/, "")}]` : t.event);
        const set = arrows.get(parent) ?? new Set<string>();
        set.add(`${mermaidId(from)} --> ${mermaidId(to)} : ${label}`);
        arrows.set(parent, set);
      }
    }
  }
  const lines: string[] = ["stateDiagram-v2"];
  const emit = (parent: string, indent: string) => {
    const initial = parent === "" ? diagram.initial : diagram.states.find((s) => s.path === parent)?.initial;
    if (initial) lines.push(`${indent}[*] --> ${mermaidId(initial)}`);
    for (const state of byParent.get(parent) ?? []) {
      if (state.screen) lines.push(`${indent}${mermaidId(state.path)} : ${mermaidLabel(state.screen)}`);
      if (byParent.has(state.path)) {
        lines.push(`${indent}state ${mermaidId(state.path)} {`);
        emit(state.path, `${indent}  `);
        lines.push(`${indent}}`);
      }
    }
    for (const arrow of arrows.get(parent) ?? []) lines.push(`${indent}${arrow}`);
  };
  emit("", "  ");
  for (const [tag, style] of [
    ["failure", "fill:#fde2e1,stroke:#c0392b,color:#7b241c"],
    ["enrolled", "fill:#e3f4e1,stroke:#2e7d32,color:#1b5e20"],
  ] as const) {
    const ids = diagram.states.filter((s) => s.tags.includes(tag)).map((s) => mermaidId(s.path));
    if (ids.length === 0) continue;
    lines.push(`  classDef ${tag} ${style}`);
    lines.push(`  class ${ids.join(",")} ${tag}`);
  }
  return `${lines.join("\n")}\n`;
}
