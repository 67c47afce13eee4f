/**
 * JSON Schema's words for people: a type list as ajv reports it ("boolean,null") in a sentence
 * ("a boolean or null"). The admin API's 400s and the scenario loader's refusals both say it so,
 * and the transcript reader's; and the value an error's JSON pointer names, to quote it.
 */

/** "integer" is "an integer", "string" "a string", "null" itself. */
function typeWord(type: string): string {
  if (type === "null") return "null";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** ajv's type list in words: "boolean,null" is "a boolean or null"; "string,number,null" "a string, a number or null". */
export function typeWords(types: string): string {
  const words = types.split(",").map(typeWord);
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/** The keys a JSON pointer (an ajv error's instancePath, "/device/faults/0") goes through, unescaped. */
export function pointerKeys(pointer: string): string[] {
  return pointer.split("/").slice(1).map((key) => key.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The value a JSON pointer names in `root` (undefined where there is none). */
export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const key of pointerKeys(pointer)) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
