/**
 * Freezes a value and everything in it: for results that are shared (a parsed file, a payload
 * check), so that code that changed one would throw rather than change it for everyone.
 */
export function deepFreeze<T>(value: T): T {
  // Typed arrays cannot be frozen.
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
