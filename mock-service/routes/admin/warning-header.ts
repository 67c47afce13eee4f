/**
 * Warnings on an admin answer as HTTP tools show them: `Warning: 299 aosp-sim "..."` headers
 * (RFC 7234 §5.5, code 299 "miscellaneous persistent warning"), one per warning.
 */
import type { FastifyReply } from "fastify";

/** Adds a Warning header per warning, after any the answer already carries. */
export function addWarningHeaders(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const earlier = reply.getHeader("Warning");
  const values = earlier === undefined ? [] : [earlier].flat().map(String);
  reply.header("Warning", [...values, ...warnings.map((w) => `299 aosp-sim "${w.replaceAll('"', "'")}"`)]);
}
