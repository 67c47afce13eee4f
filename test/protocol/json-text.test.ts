/**
 * Where a JSON syntax error is, said to people: the column counts characters as an editor shows
 * them, whatever JavaScript's UTF-16 strings count.
 */
import { describe, expect, it } from "vitest";
import { jsonSyntaxError, lineColumnAt } from "../../agent/protocol/json-text.js";

function syntaxErrorOf(text: string) {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonSyntaxError(text, error);
  }
  throw new Error("parsed");
}

describe("a JSON syntax error's line and column", () => {
  // Before, one column too many per character outside the Basic Multilingual Plane before it.
  it("counts an emoji (two UTF-16 code units) as one column", () => {
    // V8 gives the position here ("Expected ',' or '}' ... at position 12").
    expect(syntaxErrorOf('{"a":"😀😀" x}')).toMatchObject({ line: 1, column: 11, offset: 12 });
    // Node 20 gives no position for an unexpected token: found by bisection.
    expect(syntaxErrorOf('{"a": 1,\n "😀": "𝄞" x}')).toMatchObject({ line: 2, column: 11, offset: 21 });
  });

  it("reads newer V8's line and column (UTF-16 code units) and says the column in characters", () => {
    const text = '{"a":"😀😀" x}';
    const error = new SyntaxError("Expected ',' or '}' after property value in JSON (line 1 column 13)");
    expect(jsonSyntaxError(text, error)).toMatchObject({ line: 1, column: 11, offset: 12 });
  });

  it("places an offset by line and code point", () => {
    expect(lineColumnAt("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt("😀\n😀x", 5)).toEqual({ line: 2, column: 2 });
    expect(lineColumnAt("é😀x", 3)).toEqual({ line: 1, column: 3 });
    // Past the end: the end.
    expect(lineColumnAt("ab", 10)).toEqual({ line: 1, column: 3 });
  });
});
