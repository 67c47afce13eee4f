/**
 * What a library caller gave, in words for an error message: a number as written, a string
 * quoted and said to be one (`the string "5"` where a number was asked for), an object or a list
 * shortened. JavaScript callers pass anything, and the message should show what arrived.
 */

/** `value` in words: `NaN`, `the string "5"`, `an object {"a":1}`. */
export function givenValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return String(value);
  if (typeof value !== "object") return `a ${typeof value}, ${String(value)}`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // a cycle: said by its kind alone
  }
  return `${Array.isArray(value) ? "a list" : "an object"}${json === undefined ? "" : ` ${json.length > 60 ? `${json.slice(0, 60)}...` : json}`}`;
}
