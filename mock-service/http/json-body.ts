/**
 * Request bodies are JSON only, parsed here rather than by fastify's parser so that each refusal
 * says what is wrong and where:
 *   - an empty body reads as "no body" (Graph clients send `Content-Type: application/json` with
 *     no body on actions such as revokeToken and wipe; those must not fail);
 *   - a compressed body (`Content-Encoding: gzip`) is 415 naming the encoding: only identity is read;
 *   - bytes that are not UTF-8 are 400 naming the byte (and the property, when the rest parses),
 *     never replaced by U+FFFD and stored; a body whose charset says UTF-16 is read as UTF-16, and
 *     one whose charset names anything else is 415 naming it (bodyText);
 *   - a syntax error is 400 with its line and column;
 *   - a `__proto__` key, or a `constructor` key holding a `prototype` (what fastify's parser refuses
 *     too), a string holding a lone UTF-16 surrogate (`"\ud800"`) and a number no double holds
 *     (`1e400`, which JSON.parse makes Infinity) are 400 naming the property;
 *   - a key given twice in one object is 400 naming it, as Graph answers (duplicate-keys.ts),
 *     rather than the last value kept and the others lost.
 * Fastify's text/plain parser is removed too: a body sent as text would otherwise reach the routes
 * as a string and be refused as "not a JSON object" when it is one, sent with the wrong type; it
 * now gets 415 like every other type.
 */
import { lineColumnAt } from "../../agent/protocol/json-text.js";
import { isUtf8 } from "node:buffer";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { firstDuplicateKey } from "./duplicate-keys.js";
import { ApiError, badRequest } from "./errors.js";
import { firstNonUtf8Byte } from "./utf8.js";

export function parseJsonBodiesOnly(app: FastifyInstance): void {
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    try {
      done(null, parseJsonBody(request, body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

function parseJsonBody(request: FastifyRequest, body: Buffer): unknown {
  const encoding = String(request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "") {
    throw new ApiError(
      415,
      "unsupportedMediaType",
      `the body is sent with Content-Encoding: ${encoding.slice(0, 40)}; the service reads only uncompressed bodies (identity): send it without compressing it`,
    );
  }
  const text = bodyText(body, request.headers["content-type"]);
  if (text.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the request body is not valid JSON: ${syntaxProblem(text, error as Error)}; send one JSON object`);
  }
  const problem = firstForbidden(value);
  if (problem) throw badRequest(problem);
  const duplicate = firstDuplicateKey(text);
  if (duplicate) {
    throw badRequest(
      `the request body gives the property "${duplicate.key.slice(0, 80)}" twice in one object, at "${duplicate.path.slice(0, 200)}": ` +
        "only one value would be kept (Graph refuses duplicate property names); send each property once",
    );
  }
  return value;
}

/**
 * The body as text, by its Content-Type's charset. JSON is UTF-8 between systems (RFC 8259 §8.1),
 * and UTF-8 is read whatever the charset when none or utf-8 (or its subset us-ascii) is named.
 * A body declared UTF-16 is decoded as UTF-16 (a .NET client's `new StringContent(json,
 * Encoding.Unicode, "application/json")` sends one), as ASP.NET Core's JSON input formatter does;
 * any other charset is 415 naming it, as that formatter answers too, rather than bytes read as
 * UTF-8 and refused as "not UTF-8" without a word about the charset that explains them.
 */
function bodyText(body: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  if (charset === null || charset === "utf-8" || charset === "utf8" || charset === "us-ascii") {
    if (!isUtf8(body)) throw notUtf8(body);
    return body.toString("utf8");
  }
  if (charset === "utf-16" || charset === "utf-16le" || charset === "utf-16be") return utf16Text(body, charset);
  throw new ApiError(
    415,
    "unsupportedMediaType",
    `the body is sent with charset=${charset.slice(0, 40)}; the service reads JSON as UTF-8 (RFC 8259), or UTF-16 when the charset says so: send it encoded as UTF-8, with charset=utf-8 or no charset`,
  );
}

/** The charset parameter of a Content-Type, lower case and unquoted; null when there is none. */
function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType ?? "");
  if (!match) return null;
  return (match[1] ?? match[2] ?? "").trim().toLowerCase();
}

/**
 * A UTF-16 body: utf-16le and utf-16be as named; plain utf-16 by its byte-order mark, else by
 * where the zero bytes of its first (ASCII) character fall (RFC 4627 §3: `00 xx` big-endian,
 * `xx 00` little-endian). A lone surrogate or an odd byte is 400, as bytes that are not UTF-8 are.
 */
function utf16Text(body: Buffer, charset: "utf-16" | "utf-16le" | "utf-16be"): string {
  const bigEndian = charset === "utf-16be" || (charset === "utf-16" && (body[0] === 0xfe ? body[1] === 0xff : body[0] === 0x00 && body[1] !== 0x00));
  try {
    return new TextDecoder(bigEndian ? "utf-16be" : "utf-16le", { fatal: true }).decode(body);
  } catch {
    throw badRequest(`the request body is not valid UTF-16${bigEndian ? " (big-endian)" : " (little-endian)"}, as its charset=${charset} says; send the body encoded as UTF-8, with charset=utf-8 or no charset`);
  }
}

/** The 400 for a body that is not UTF-8, naming the first byte that is not and the property holding it. */
function notUtf8(body: Buffer): ApiError {
  const lossy = body.toString("utf8");
  const at = firstNonUtf8Byte(body);
  const property = propertyHolding(lossy, "\ufffd");
  return badRequest(
    // Counted from 1, as the syntax errors' lines and columns are.
    `the request body is not valid UTF-8: byte ${at + 1} (0x${body[at]?.toString(16).padStart(2, "0") ?? "??"})${property ? ` in "${property}"` : ""} ` +
      "is not part of a UTF-8 character; send the body encoded as UTF-8",
  );
}

/** The property whose string (first) holds `mark`, when the text parses; "" when it does not say. */
function propertyHolding(text: string, mark: string): string {
  try {
    return firstFound(JSON.parse(text), (s) => (s.includes(mark) ? true : undefined))?.path ?? "";
  } catch {
    return "";
  }
}

/**
 * Walks a parsed body depth first, without recursion (a body may nest thousands deep), and gives
 * the first string or key `check` says something about, with its place (`a.b.0.c`).
 */
function firstFound<T>(body: unknown, check: (text: string, key?: unknown) => T | undefined): { path: string; found: T } | undefined {
  const stack: { value: unknown; path: string }[] = [{ value: body, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const found = check(value);
      if (found !== undefined) return { path, found };
    }
    if (value === null || typeof value !== "object") continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i]!;
      const place = path === "" ? key : `${path}.${key}`;
      const found = check(key, item);
      if (found !== undefined) return { path: place, found };
      stack.push({ value: item, path: place });
    }
  }
  return undefined;
}

/**
 * JSON.parse's complaint with the line and column it happened at, where it gives a position. Not
 * protocol/json-text's jsonSyntaxError: where Node gives none, that one bisects the text with
 * parse after parse, a cost a request body must not buy.
 */
function syntaxProblem(text: string, error: Error): string {
  const message = error.message.replace(/ \(line \d+ column \d+\)$/, "");
  const position = /at position (\d+)/.exec(message);
  if (!position) return message;
  const { line, column } = lineColumnAt(text, Number(position[1]));
  // Node says "in JSON at position N" or, past a whole value, "after JSON at position N": the
  // line and column replace the position either way.
  return `${message.replace(/( in JSON)? at position \d+/, "")} at line ${line}, column ${column}`;
}

/** A high surrogate without a low one after it, or a low one without a high one before it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The first forbidden key or ill-formed string, said with its place, or undefined. */
function firstForbidden(body: unknown): string | undefined {
  type Problem = "lone surrogate" | "__proto__" | "constructor" | "out of range";
  const problem = firstFound<Problem>(body, (text, item) => {
    if (item === undefined) return LONE_SURROGATE.test(text) ? "lone surrogate" : undefined;
    if (text === "__proto__") return "__proto__";
    // JSON.parse reads 1e400 as Infinity, which the schema then called "not an integer".
    if (typeof item === "number" && !Number.isFinite(item)) return "out of range";
    if (text === "constructor" && item !== null && typeof item === "object" && Object.hasOwn(item, "prototype")) return "constructor";
    return LONE_SURROGATE.test(text) ? "lone surrogate" : undefined;
  });
  if (!problem) return undefined;
  const place = problem.path === "" ? "the request body" : `"${problem.path}"`;
  if (problem.found === "out of range") return `${place} holds a number out of range (beyond ±1.8e308, which no number type holds); send a number within the property's range`;
  return problem.found === "lone surrogate"
    ? `${place} holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), which is no character; send text as valid Unicode`
    : `the request body holds a forbidden "${problem.found}" key at ${place} (it could alter objects' prototypes); remove it`;
}
