/**
 * A library call's file path checked before Node sees it: given a number or an object (a
 * JavaScript caller, an `any`), Node's fs said `The "path" argument must be of type string ...`,
 * which the call then quoted with `[object Object]` as the file and "check that the file exists"
 * as the fix. The refusal names the call, the argument and what to give instead.
 */
import { givenValue } from "./given-value.js";

export function checkPathArgument(call: string, name: string, value: unknown, example: string): asserts value is string {
  if (typeof value === "string") return;
  const url = value instanceof URL ? "; for a file: URL, give fileURLToPath(url)" : "";
  throw new TypeError(`${call}: ${name} must be a file path as a string, e.g. ${JSON.stringify(example)}${url} (got ${givenValue(value)})`);
}
