/**
 * Temporary files a run removes as it ends (the embedded service's socket folder), and at the
 * latest as the process ends: on exit, or just before a second Ctrl-C ends it by the signal
 * (agent/cli/graceful-stop.ts), which runs no exit handlers. Only a process killed outright
 * (SIGKILL) leaves them behind: the next fleet sweeps those (sim/fleet/socket-leftovers.ts).
 */
const pending = new Set<() => void>();
let hooked = false;

/** Runs `remove` at exit unless the returned function is called first (which runs it then). */
export function removeAtExit(remove: () => void): () => void {
  if (!hooked) {
    hooked = true;
    process.on("exit", removeLeftoversNow);
  }
  pending.add(remove);
  return () => {
    if (pending.delete(remove)) remove();
  };
}

/** Removes what is still pending, now (synchronously: the process is about to end). */
export function removeLeftoversNow(): void {
  for (const remove of [...pending]) {
    pending.delete(remove);
    try {
      remove();
    } catch {
      // Best effort as the process ends: a file already gone or not removable is left as it is.
    }
  }
}
