/**
 * Findings: what the validator says about a payload, one problem each, in the device's terms.
 *
 * Severity:
 * - error: the device will refuse the payload, or provisioning will certainly fail;
 * - warning: the device will silently do something other than the author meant;
 * - info: worth knowing, nothing goes wrong.
 */

import { revealInvisible } from "../protocol/printable.js";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  severity: Severity;
  /** Stable kebab-case rule id (see RULES in rules/catalog.ts). */
  rule: string;
  /** RFC 6901 JSON pointer to the key concerned ("" for the whole payload). */
  path: string;
  /** What is wrong and what the device will do about it. */
  message: string;
  /** How to fix it (may be empty when there is nothing to do). */
  hint: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** RFC 6901: "~" becomes "~0" and "/" becomes "~1" in each reference token. */
export function jsonPointer(...tokens: string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** Errors first, then warnings, then infos; the order of discovery within each. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index)
    .map(({ finding }) => finding);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** `valid` as the CLI contract defines it: no error, and no warning either under strict. */
export function isValid(findings: readonly Finding[], strict: boolean): boolean {
  return !findings.some((f) => f.severity === "error" || (strict && f.severity === "warning"));
}

/**
 * Shows a value in a message the way it appears in JSON, shortened when long. `numberText`: a
 * number's text as the author wrote it, shown instead of the parsed number, which may have lost
 * digits (9223372036854775808 parses to 9223372036854776000). Invisible and look-alike characters
 * are written as escapes (revealInvisible), so the quoted value shows what differs from the text
 * the author meant.
 */
export function show(value: unknown, max = 60, numberText?: string): string {
  let text: string;
  try {
    // JSON.stringify writes Infinity (from a literal such as 1e400) as "null".
    text = typeof value === "number"
      ? numberText ?? (Number.isFinite(value) ? JSON.stringify(value) : String(value))
      : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  text = revealInvisible(text);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
