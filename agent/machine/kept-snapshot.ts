/**
 * What a device keeps of its machine's snapshot across a power loss: everything but the password
 * typed on the sign-in screen. That password lives in the sign-in screen's memory while the
 * sign-in is sent; a device that loses power then (or a process killed with -9, which is the same
 * to the device) boots back to the sign-in screen, where the user types it again. So no password
 * is ever written to the device's storage (a --device-dir folder), whatever state it stops in.
 */

/** XState's persisted snapshot, as far as this reads it. */
interface PersistedSnapshot {
  value?: unknown;
  context?: { credentials?: unknown } & Record<string, unknown>;
  children?: Record<string, unknown>;
}

/** The snapshot as it is stored: without credentials, and back at the sign-in screen if it was being sent. */
export function keptSnapshot<S>(snapshot: S): S {
  const persisted = snapshot as PersistedSnapshot;
  if (persisted.context?.credentials === undefined || persisted.context.credentials === null) return snapshot;
  const signingIn = typeof persisted.value === "object" && persisted.value !== null ? (persisted.value as Record<string, unknown>)["signingIn"] : undefined;
  const sending = signingIn !== undefined && signingIn !== "waitingForUser";
  const { signIn: _sending, ...children } = persisted.children ?? {};
  return {
    ...persisted,
    context: { ...persisted.context, credentials: null },
    ...(sending ? { value: { signingIn: "waitingForUser" }, children } : {}),
  } as S;
}
