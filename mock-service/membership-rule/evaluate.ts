/**
 * Evaluates a parsed membership rule against a device's facts. String comparisons ignore case,
 * as in Entra. A property whose value is null matches only `-eq null`: every positive string
 * operator is false on it and every negated one true.
 *
 * -match and -notMatch run the rule's regular expression with a time limit. The parser refuses
 * the classic catastrophic shapes, but not every pattern that backtracks for minutes ((a|aa)+$,
 * .*.*.*.*x) can be told from its text, and the value it runs on comes from the device (its
 * model, its name). JavaScript cannot interrupt a regular expression, except through `vm`'s
 * timeout; a comparison that runs out of time holds neither way (the device is not added by it),
 * and `onMatchTimeout` is told, so the service can log it.
 */
import { createContext, Script } from "node:vm";
import type { DeviceFacts } from "./device-properties.js";
import type { RuleNode } from "./parser.js";

/** How long one -match comparison may run. Real patterns take microseconds on device values. */
export const MATCH_TIME_LIMIT_MS = 50;

export interface EvaluateOptions {
  /** Called when a -match or -notMatch comparison ran out of time (it then counts as false). */
  onMatchTimeout?(pattern: string, property: string): void;
}

export function evaluateRule(node: RuleNode, facts: DeviceFacts, options: EvaluateOptions = {}): boolean {
  switch (node.kind) {
    case "or":
      return evaluateRule(node.left, facts, options) || evaluateRule(node.right, facts, options);
    case "and":
      return evaluateRule(node.left, facts, options) && evaluateRule(node.right, facts, options);
    case "not":
      return !evaluateRule(node.operand, facts, options);
    case "compare":
      return compare(node, facts[node.property.name] ?? null, options);
  }
}

function compare(
  node: Extract<RuleNode, { kind: "compare" }>,
  actual: string | boolean | null,
  options: EvaluateOptions,
): boolean {
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
      const found = boundedTest(node.regex, actual);
      if (found === undefined) {
        options.onMatchTimeout?.(node.regex.source, node.property.name);
        return false;
      }
      return found !== negated;
    }
    case "in":
    case "notIn":
      return (value.kind === "list" && value.values.some((v) => v.toLowerCase() === subject)) !== negated;
  }
}

function stringOf(value: { kind: string; value?: unknown }): string {
  return typeof value.value === "string" ? value.value.toLowerCase() : "";
}

// One context and one compiled script for every bounded test: the regular expression and the
// value are handed in as globals, so nothing is compiled per call.
const sandbox = createContext({ pattern: null, subject: "" });
const testScript = new Script("pattern.test(subject)");

/** `regex.test(subject)`, or undefined when it runs longer than MATCH_TIME_LIMIT_MS. */
function boundedTest(regex: RegExp, subject: string): boolean | undefined {
  sandbox["pattern"] = regex;
  sandbox["subject"] = subject;
  try {
    return testScript.runInContext(sandbox, { timeout: MATCH_TIME_LIMIT_MS }) === true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") return undefined;
    throw error;
  } finally {
    sandbox["pattern"] = null;
    sandbox["subject"] = "";
  }
}
