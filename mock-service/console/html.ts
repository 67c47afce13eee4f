/**
 * Server-side HTML: a tagged template that escapes every interpolated value unless it is already
 * HTML (another template's result). Pages are plain strings built from these; nothing is ever
 * inserted into the page as markup without passing through here.
 */

/** A fragment of HTML that is safe to insert as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** html`<p>${name}</p>`: name is escaped; nested html`` fragments and arrays of them are not. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** A date and time as the console shows it (UTC, to the second), or a dash. */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** YYYY-MM-DD of a time (UTC), the value format of <input type="date">. */
export function dateInputValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
