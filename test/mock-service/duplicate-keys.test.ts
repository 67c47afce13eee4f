/**
 * firstDuplicateKey: the scan every request body passes (http.test.ts has the 400 it leads to).
 * It reads text JSON.parse has accepted; strings, escapes and nesting must not fool it.
 */
import { describe, expect, it } from "vitest";
import { firstDuplicateKey } from "../../mock-service/http/duplicate-keys.js";

describe("firstDuplicateKey", () => {
  it.each([
    ['{"a": 1, "a": 2}', { key: "a", path: "a" }],
    ['{"a": {"b": [1, {"c": 1, "c": 2}]}}', { key: "c", path: "a.b.1.c" }],
    // An escaped quote ends no string, and a key is compared decoded.
    ['{"a\\"": 1, "a\\u0022": 2}', { key: 'a"', path: 'a"' }],
    ['{"x": "\\\\", "x": 1}', { key: "x", path: "x" }],
    ['{"": 1, "": 2}', { key: "", path: "" }],
    ['{"a": {}, "b": {"a": 1, "b": 2, "a": 3}}', { key: "a", path: "b.a" }],
    ['{"list": [[1, 2], [3, {"k": 1, "k": 2}]]}', { key: "k", path: "list.1.1.k" }],
  ])("%s: %j", (text, found) => {
    expect(JSON.parse(text)).toBeDefined();
    expect(firstDuplicateKey(text)).toEqual(found);
  });

  it.each([
    '{"a": "b", "b": "a"}',
    '[{"a": 1}, {"a": 1}]',
    '{"a": {"k": 1}, "b": {"k": 1}}',
    '{"a": "\\"a\\": 1, \\"a\\": 2"}',
    '{"a": ["a", "a"], "b": "a"}',
    '"a string"',
    "42",
  ])("%s: none", (text) => {
    expect(firstDuplicateKey(text)).toBeUndefined();
  });
});
