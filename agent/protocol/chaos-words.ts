/**
 * How the mock service words the answers its `--chaos` injects, and how a recording's reader
 * (`show`) tells them from the service's own failures: an injected answer's error message names
 * `--chaos`. Here, below both the service and the device side, so the two agree.
 */

/** The mark in an injected answer's error message. */
const CHAOS_MARK = "(--chaos)";

/** The error message of a failure --chaos injected with this status. */
export function chaosFailureMessage(status: number): string {
  return `injected failure ${CHAOS_MARK}: ${status}`;
}

/** The error message of a throttling (429) --chaos injected. */
export const CHAOS_THROTTLE_MESSAGE = `injected throttling ${CHAOS_MARK}: retry after the number of seconds in Retry-After`;

/** Whether an answer's body is one --chaos injected: `{"error": {"message": "injected ... (--chaos)..."}}`. */
export function injectedByChaos(body: unknown): boolean {
  const message = (body as { error?: { message?: unknown } } | null | undefined)?.error?.message;
  return typeof message === "string" && message.startsWith("injected ") && message.includes(CHAOS_MARK);
}
