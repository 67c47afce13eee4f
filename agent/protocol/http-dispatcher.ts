/**
 * Where this package's HTTP goes (the device's transport, the admin client, the check of a
 * running service): always undici's dispatcher API, never WHATWG fetch, which refuses the ports
 * browsers block ("bad port": 1, 9, 6000, 6665-6669, 10080, ...) although `aosp-sim serve --port`
 * listens on any of them.
 *
 * The dispatcher is undici's process-wide one when it takes undici's current handler API, which
 * the transport dispatches with, otherwise an Agent of our own. Any copy of undici, not only this
 * package's (a library user's own `undici` dependency is another copy, a patch release apart or
 * a major one), keeps that dispatcher under `Symbol.for("undici.globalDispatcher.2")`, the slot of
 * version 2 of its dispatcher API (undici's lib/global.js, nodejs/undici#4827 and #5319), so what
 * is found there is used whichever copy installed it: a proxy agent, a MockAgent. The older slot
 * (`...globalDispatcher.1`) is used only when it holds one of this package's undici: Node's
 * fetch, when it runs first, puts its bundled, older undici there, which refuses the transport's
 * handler ("invalid onError method"), and undici 8 puts a wrapper for that older API there.
 */
import { Agent, Dispatcher, getGlobalDispatcher } from "undici";

/** undici's process-wide slot for a dispatcher of its current (version 2) handler API. */
const GLOBAL_DISPATCHER_V2 = Symbol.for("undici.globalDispatcher.2");

let ownAgent: Agent | undefined;

/** The dispatcher the package's HTTP goes through when no caller gave one. */
export function httpDispatcher(): Dispatcher {
  const current = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER_V2];
  if (isDispatcher(current)) return current;
  const global = getGlobalDispatcher();
  return global instanceof Dispatcher ? global : (ownAgent ??= new Agent());
}

/**
 * Whether `value` behaves as an undici Dispatcher, of whichever copy: it has the documented
 * methods the package calls (`dispatch`, `compose` for a fleet's counting, `close`, `destroy`).
 * An instanceof test holds only for this package's own copy.
 */
function isDispatcher(value: unknown): value is Dispatcher {
  if (typeof value !== "object" || value === null) return false;
  const methods = value as Record<string, unknown>;
  return ["dispatch", "compose", "close", "destroy"].every((name) => typeof methods[name] === "function");
}

/**
 * Why a request could not be made, in a word where the network gives one (ECONNREFUSED,
 * ENOTFOUND), else its message: undici's errors carry the code themselves, or in their cause, or
 * (a name with several addresses, each refused) in the first of their errors.
 */
export function requestFailure(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string }; errors?: { code?: string }[] } | null;
  return e?.code ?? e?.cause?.code ?? e?.errors?.[0]?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
