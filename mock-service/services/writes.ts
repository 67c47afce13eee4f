/** What the admin API's writes of Intune objects (profiles, policies, terms) have in common. */

/** The scope tags of an object created without any: Intune's built-in "Default" tag, "0". */
export const DEFAULT_SCOPE_TAGS: readonly string[] = ["0"];

/**
 * Whether a PATCH's outcome equals the record it started from, property by property (values are
 * JSON: text, numbers, flags, lists of text): such a PATCH saves nothing and moves no
 * modification time.
 */
export function changesNothing<R extends object>(changes: Partial<R>, current: R): boolean {
  return Object.entries(changes).every(([name, value]) => JSON.stringify(value) === JSON.stringify(current[name as keyof R]));
}
