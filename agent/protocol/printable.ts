/**
 * Text that came from outside (a file name, a quoted piece of a file, a payload value, a
 * service's message) as it is shown on a terminal: control characters are written as escapes,
 * so that text cannot move the cursor, recolour the screen or add a line of its own.
 */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0A-\x1F\x7F-\x9F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
