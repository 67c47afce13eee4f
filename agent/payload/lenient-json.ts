/**
 * What JSON.parse refused, when it is something Android's platform JSON parser accepts.
 *
 * libcore's org.json (`json/src/main/java/org/json/JSONTokener.java`, docs/provisioning-facts.md
 * §1) is lenient: `nextCleanInternal` skips `//`, `/* *\/` and `#` comments, `nextValue` reads
 * single-quoted strings, `readLiteral` reads unquoted names and values, and `new JSONObject(String)`
 * reads one value and ignores the text after it. Whether the closed setup wizard that reads the QR
 * code parses with org.json is not known, so for these the device's verdict is not known either:
 * the `json-syntax` finding says so instead of asserting "Can't set up device".
 */
export interface LenientJsonFeature {
  /** What the text holds, e.g. `a comment ("// DPC")`. */
  what: string;
  /** How to make it strict JSON. */
  hint: string;
}

const QUOTE_MAX = 40;

function quoted(text: string): string {
  const one = text.trim();
  return JSON.stringify(one.length > QUOTE_MAX ? `${one.slice(0, QUOTE_MAX - 1)}…` : one);
}

/**
 * `offset`: where JSON.parse stopped (UTF-16 code units), `detail`: its message. Undefined when
 * the problem is one org.json refuses too (a trailing comma, a missing brace or quote).
 */
export function lenientJsonFeature(text: string, offset: number, detail: string): LenientJsonFeature | undefined {
  if (/after JSON/i.test(detail)) {
    const rest = text.slice(offset);
    return {
      what: `text after the JSON object (${quoted(rest.split(/\r?\n/)[0] ?? rest)})`,
      hint: "remove everything after the closing brace of the payload object",
    };
  }
  const at = text.slice(offset);
  if (at.startsWith("//") || at.startsWith("#")) {
    const comment = at.split(/\r?\n/)[0] ?? at;
    return { what: `a comment (${quoted(comment)})`, hint: `comments are not JSON: remove ${quoted(comment)}` };
  }
  if (at.startsWith("/*")) {
    const end = at.indexOf("*/");
    const comment = end === -1 ? at : at.slice(0, end + 2);
    return { what: `a comment (${quoted(comment)})`, hint: `comments are not JSON: remove ${quoted(comment)}` };
  }
  if (at.startsWith("'")) {
    return { what: "a single-quoted string", hint: "write every name and string in double quotes (\"...\")" };
  }
  const name = /^[A-Za-z_$][\w.$-]*(?=\s*[:=])/.exec(at);
  if (name !== null) {
    return { what: `a name without quotes (${quoted(name[0])})`, hint: `write the name in double quotes: "${name[0]}"` };
  }
  return undefined;
}
