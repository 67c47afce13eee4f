/**
 * The console's forms post application/x-www-form-urlencoded; the rest of the service accepts
 * JSON only, so this parser is added inside the console's plugin and nowhere else. A field sent
 * twice (checkboxes) becomes an array.
 */
import type { FastifyInstance } from "fastify";
import { firstNonUtf8Byte } from "../http/utf8.js";

export type FormBody = Record<string, string | string[]>;

/**
 * The largest form body the console reads. The largest form is Create terms and conditions:
 * its texts may be as long as the admin API takes (TEXT_LIMITS.terms, 68,096 characters in all),
 * and a browser sends each character as up to 12 bytes (a 4-byte UTF-8 character as four %XX
 * escapes): about 800 KiB. The limit was 64 KiB, so terms of 7,000 Japanese characters, which the
 * admin API takes, could not be sent from the console at all.
 */
export const FORM_BODY_LIMIT = 1024 * 1024;

/** The sign-in form holds one token; it is read before anyone is signed in, so it stays small. */
export const SIGN_IN_BODY_LIMIT = 64 * 1024;

/**
 * A form whose bytes, once its %XX escapes are read, are not UTF-8. URLSearchParams (the WHATWG
 * parser) puts U+FFFD in their place, so a group named `x%FFy` was saved as "x\uFFFDy", where the
 * admin API refuses the same bytes in JSON (json-body.ts): the console refuses them too, naming
 * the field, and saves nothing. A browser always sends a form of a UTF-8 page as UTF-8.
 */
export class FormEncodingError extends Error {
  readonly statusCode = 400;
  readonly code = "CONSOLE_FORM_NOT_UTF8";

  constructor(
    /** The field's name as sent, or null when the name itself is not UTF-8. */
    readonly field: string | null,
    readonly byte: number,
  ) {
    super(
      `the form ${field === null ? "holds a field name that" : `field "${field}"`} is not valid UTF-8 ` +
        `(byte 0x${byte.toString(16).padStart(2, "0")} is not part of a UTF-8 character); send the form encoded as UTF-8`,
    );
  }
}

const PLUS = 0x2b;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
const EQUALS = 0x3d;

/** The WHATWG urlencoded parser's "percent-decode" of one name or value, `+` read as a space first. */
function percentDecode(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === PERCENT && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[length++] = Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      i += 2;
    } else {
      out[length++] = byte === PLUS ? 0x20 : byte;
    }
  }
  return out.subarray(0, length);
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/** UTF-8 decode without BOM (a BOM is kept, as the WHATWG parser does), or the first byte that is not UTF-8. */
function utf8(bytes: Buffer): { text: string } | { byte: number } {
  const bad = firstNonUtf8Byte(bytes);
  return bad === -1 ? { text: bytes.toString("utf8") } : { byte: bytes[bad] ?? 0 };
}

/**
 * application/x-www-form-urlencoded, parsed as the WHATWG URL standard says (split on `&`, the
 * first `=` splits name from value, `+` is a space, %XX escapes are bytes), except that bytes
 * that are not UTF-8 are a FormEncodingError rather than U+FFFD.
 */
export function parseFormBody(body: Buffer): FormBody {
  const form: FormBody = Object.create(null) as FormBody;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(AMPERSAND, start);
    if (end === -1) end = body.length;
    const sequence = body.subarray(start, end);
    start = end + 1;
    if (sequence.length === 0) continue;
    const equals = sequence.indexOf(EQUALS);
    const name = utf8(percentDecode(equals === -1 ? sequence : sequence.subarray(0, equals)));
    if ("byte" in name) throw new FormEncodingError(null, name.byte);
    const value = utf8(percentDecode(equals === -1 ? Buffer.alloc(0) : sequence.subarray(equals + 1)));
    if ("byte" in value) throw new FormEncodingError(name.text, value.byte);
    const previous = form[name.text];
    form[name.text] = previous === undefined ? value.text : [...(Array.isArray(previous) ? previous : [previous]), value.text];
  }
  return form;
}

export function parseForms(app: FastifyInstance): void {
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer", bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    try {
      done(null, parseFormBody(body as Buffer));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** One text field of a form (the first, if sent twice), trimmed of nothing: the service decides. */
export function field(form: FormBody | undefined, name: string): string {
  const value = form?.[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: FormBody | undefined, name: string): string[] {
  const value = form?.[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * What a form whose bytes are not UTF-8 gets told, with the status, or null for any other error
 * (a form too large to read is too-large.ts's). The admin API's JSON error was shown in the
 * browser's place.
 */
export function formProblem(error: unknown): { status: 400; what: string; todo: string } | null {
  if (!(error instanceof FormEncodingError)) return null;
  return {
    status: 400,
    what: `The form could not be read: ${error.message}. Nothing was saved.`,
    todo: "A browser sends the console's forms as UTF-8: go back, reload the page and submit the form again (a script posting to the console must encode each field as UTF-8).",
  };
}
