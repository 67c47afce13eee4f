/**
 * The first key a JSON text gives twice in one object. JSON.parse keeps the last value in silence,
 * so `{"displayName": "a", "displayName": "b"}` would be stored as "b" and "a" lost; Graph, built
 * on OData's reader, refuses such a body ("Multiple properties with the name '{0}' were detected
 * in a resource or a complex value. In OData, duplicate property names are not allowed.":
 * OData/odata.net, Microsoft.OData.Core, `Strings.DuplicatePropertyNamesNotAllowed`).
 *
 * Every request body passes here, the devices' check-ins included, so this is one pass of
 * charCodeAt over text JSON.parse has already accepted (payload/json-text's findDuplicateKeys,
 * written for one QR payload at a time, costs four parses of the body): strings are skipped with
 * indexOf, and only a key that holds an escape is decoded.
 */

interface Frame {
  /** Keys seen so far in an object; undefined for an array. */
  keys: Set<string> | undefined;
  /** In an object, whether the next string is a key (after `{` or `,`). */
  expectKey: boolean;
  /** The object's current key, or the array's current index. */
  at: string | number;
}

export interface DuplicateKey {
  key: string;
  /** Where it is: the keys and indexes leading to it, the key last (`apps.0.packageName`). */
  path: string;
}

/** The first duplicate key of `text`, which must be valid JSON, or undefined. */
export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.at = key;
        if (top.keys.has(key)) return { key, path: stack.map((frame) => String(frame.at)).join(".") };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ keys: new Set(), expectKey: true, at: "" });
    } else if (c === 0x5b /* [ */) {
      stack.push({ keys: undefined, expectKey: false, at: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined) top.expectKey = true;
      else if (top !== undefined) top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}

/** The index of the quote that closes the string opening at `start` (one not escaped by a backslash). */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c /* \ */) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
}
