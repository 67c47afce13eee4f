/**
 * Where this package's HTTP goes (the device's transport, the admin client, the check of a
 * running service): always undici's dispatcher API, never WHATWG fetch, which refuses the ports
 * browsers block ("bad port": 1, 9, 6000, 6665-6669, 10080, ...) although `aosp-sim serve --port`
 * listens on any of them.
 *
 * The dispatcher is undici's process-wide one when it is one of this package's undici (the
 * default Agent, or one a library user installed: a proxy, a MockAgent), otherwise an Agent of
 * our own. Whichever undici is loaded first installs the process-wide one, and when Node's fetch
 * runs first (a script that fetched anything) it is Node's bundled, older undici, which refuses
 * the device transport's handler ("invalid onError method").
 */
import { Agent, Dispatcher, getGlobalDispatcher } from "undici";

let ownAgent: Agent | undefined;

export function httpDispatcher(): Dispatcher {
  const global = getGlobalDispatcher();
  return global instanceof Dispatcher ? global : (ownAgent ??= new Agent());
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
