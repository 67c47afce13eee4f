/** Small pieces several console pages share. */
import { ApiError } from "../../http/errors.js";
import { html, type Html, type Interpolation } from "../html.js";

/** A domain-service call's outcome: its value, or the refusal's message and the admin API's error code. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; message: string; code: string };

/**
 * Runs a domain-service call; a refusal the service means to give (ApiError, the same one the
 * admin API answers with) comes back as its message and code, to show in place. Anything else
 * is a bug and propagates to the service's error handler.
 */
export function attempt<T>(call: () => T): Attempt<T> {
  try {
    return { ok: true, value: call() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, message: error.message, code: error.code };
    throw error;
  }
}

/** `attempt` for a call that settles later (user creation hashes its password off the event loop). */
export async function attemptAsync<T>(call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (error instanceof ApiError) return { ok: false, message: error.message, code: error.code };
    throw error;
  }
}

export interface Column<Row> {
  /**
   * How the column's cells wrap: "short" (dates, Yes/No) never wraps, so a long name in another
   * column cannot squash it to a character a line; "text" (names, descriptions, user principal
   * names) breaks anywhere, even inside a word, so one long word does not widen the table; other
   * columns wrap between words only.
   */
  kind?: "short" | "text";
  header: string;
  cell: (row: Row) => Interpolation;
}

/** A data table with a caption (read by screen readers) and a line for no rows. */
export function table<Row>(caption: string, columns: Column<Row>[], rows: readonly Row[], empty: string): Html {
  return html`<div class="table-wrap"><table>
<caption>${caption}</caption>
<thead><tr>${columns.map((c) => html`<th scope="col">${c.header}</th>`)}</tr></thead>
<tbody>${
    rows.length === 0
      ? html`<tr><td colspan="${columns.length}" class="empty">${empty}</td></tr>`
      : rows.map((row) => html`<tr>${columns.map((c) => (c.kind ? html`<td class="${c.kind}">${c.cell(row)}</td>` : html`<td>${c.cell(row)}</td>`))}</tr>`)
  }</tbody>
</table></div>`;
}

/** A definition list of label/value pairs (overview panes, the wizard's review). */
export function properties(pairs: [string, Interpolation][]): Html {
  return html`<dl class="properties">${pairs.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** A command bar: the row of actions above a page's content. */
export function commandBar(label: string, items: Interpolation): Html {
  return html`<div class="command-bar" role="group" aria-label="${label}">${items}</div>`;
}

/** A query parameter as one string (fastify gives an array when it is repeated). */
export function queryText(value: unknown): string {
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : "";
  return typeof value === "string" ? value : "";
}

/** Every non-empty value of a query parameter that may be repeated (fastify gives one string when it is there once). */
export function queryList(value: unknown): string[] {
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && v !== "");
}

/** A refusal tied to the form field it names (null: none of the form's fields). */
export interface FieldRefusal {
  field: string | null;
  message: Interpolation;
}

/** What a form shows for a property a refusal may name: its label, and the form field, when its name differs. */
export interface FieldWords {
  label: string;
  field?: string;
}

/**
 * A refusal in the form's words, tied to its field. The domain services word their refusals for
 * the admin API, naming Graph's properties ("displayName" is required, wifiPassword: ...,
 * "osMinimumVersion" (14) is above ...); the person at the form reads labels (Name, Pre-shared
 * key, Minimum OS version). Every property of `words` the message names becomes its label, and
 * the refusal is tied to the field of the first one named. A property is named quoted, or as a
 * bare word when it is camelCase (wifiSsid): a bare lowercase name ("title") is also an English
 * word, which the message may use as one.
 */
export function inFormWords(message: string, words: Readonly<Record<string, FieldWords>>): FieldRefusal {
  const mention = (name: string) => new RegExp(/[A-Z]/.test(name) ? `"${name}"|\\b${name}\\b` : `"${name}"`, "g");
  const named = Object.keys(words)
    .map((name) => ({ name, at: message.search(mention(name)) }))
    .filter((n) => n.at >= 0)
    .sort((a, b) => a.at - b.at);
  let text = message;
  for (const { name } of named) text = text.replace(mention(name), words[name]!.label);
  const first = named[0]?.name;
  return { field: first === undefined ? null : (words[first]!.field ?? first), message: text };
}

/**
 * What ties a refusal to its field: `attributes(name, hint)` for the control (aria-invalid, and
 * aria-describedby naming its hint and the error), `note(name)` for the error shown under it.
 */
export function fieldErrors(refusal: FieldRefusal | undefined) {
  const refused = (name: string) => refusal !== undefined && refusal.field === name;
  return {
    attributes(name: string, hint = false): Interpolation {
      const described = [hint ? `${name}-hint` : "", refused(name) ? `${name}-error` : ""].filter(Boolean).join(" ");
      return html`${refused(name) ? html` aria-invalid="true"` : ""}${described ? html` aria-describedby="${described}"` : ""}`;
    },
    note(name: string): Interpolation {
      return refused(name) ? html`<p class="field-error" id="${name}-error">${refusal!.message}</p>` : "";
    },
    /**
     * On a form's first field: the focus as the form opens, so the admin types its name at once (a
     * refused form opens on its error summary instead, which comes first and has autofocus).
     */
    first(): Interpolation {
      return refusal === undefined ? html` autofocus` : "";
    },
  };
}
