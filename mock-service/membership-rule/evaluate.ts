/**
 * Evaluates a parsed membership rule against a device's facts. String comparisons ignore case,
 * as in Entra. A property whose value is null matches only `-eq null`: every positive string
 * operator is false on it and every negated one true.
 *
 * -match and -notMatch run the rule's regular expression on RE2 (re2js, linear in the value's
 * length, no backtracking): a pattern such as (a|aa)*$ can no longer freeze the service, whatever
 * device value it meets. The parser compiled it (parser.ts).
 */
import type { DeviceFacts } from "./device-properties.js";
import type { RuleNode } from "./parser.js";

export function evaluateRule(node: RuleNode, facts: DeviceFacts): boolean {
  switch (node.kind) {
    case "or":
      return evaluateRule(node.left, facts) || evaluateRule(node.right, facts);
    case "and":
      return evaluateRule(node.left, facts) && evaluateRule(node.right, facts);
    case "not":
      return !evaluateRule(node.operand, facts);
    case "compare":
      return compare(node, facts[node.property.name] ?? null);
  }
}

function compare(node: Extract<RuleNode, { kind: "compare" }>, actual: string | boolean | null): boolean {
  const { operator, value } = node;
  if (value.kind === "null") {
    return operator === "eq" ? actual === null : actual !== null;
  }
  if (value.kind === "boolean") {
    return operator === "eq" ? actual === value.value : actual !== value.value;
  }
  const negated = operator.startsWith("not") || operator === "ne";
  if (actual === null || typeof actual === "boolean") return negated;
  const subject = actual.toLowerCase();
  switch (operator) {
    case "eq":
    case "ne":
      return (subject === stringOf(value)) !== negated;
    case "startsWith":
    case "notStartsWith":
      return subject.startsWith(stringOf(value)) !== negated;
    case "endsWith":
    case "notEndsWith":
      return subject.endsWith(stringOf(value)) !== negated;
    case "contains":
    case "notContains":
      return subject.includes(stringOf(value)) !== negated;
    case "match":
    case "notMatch": {
      // Entra matches a regular expression anywhere in the value (like .NET Regex.IsMatch).
      if (!node.regex) return negated;
      return node.regex.test(actual) !== negated;
    }
    case "in":
    case "notIn":
      return (value.kind === "list" && value.values.some((v) => v.toLowerCase() === subject)) !== negated;
  }
}

function stringOf(value: { kind: string; value?: unknown }): string {
  return typeof value.value === "string" ? value.value.toLowerCase() : "";
}
