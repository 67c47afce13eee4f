/**
 * Long lists a page at a time, as the admin center's lists are: a page of rows, "Showing 51 to
 * 100 of 20,000 records", and Previous and Next. Only the page's rows are read and rendered, so
 * a page costs the same at 20 devices and at 20,000 (the whole list was 5 MB of HTML and over a
 * second of the service's event loop at 20,000, on every live refresh of every open tab).
 */
import { html, type Html } from "./html.js";

/** Rows on a page. */
export const PAGE_SIZE = 50;

/** Which page of a list to show, and where it stands in the whole. */
export interface ListPage {
  /** 1 is the first. */
  number: number;
  /** Pages in the list (1 for an empty list). */
  pages: number;
  /** Index of the page's first row in the whole list. */
  offset: number;
  total: number;
  /** Why the page asked for was not shown (not a page number), for a warning; page 1 is shown then. */
  refused?: string;
}

/** Counts as the admin center writes them: 20,000. */
const counted = new Intl.NumberFormat("en-US");

/**
 * The page a `page` query parameter asks for in a list of `total` rows. A number past the last
 * page gives the last one: a link made before the list shrank (devices wiped, deleted) still
 * shows the rows at its end. Anything but a whole number from 1 gives page 1 and says why.
 */
export function listPage(asked: string, total: number, size = PAGE_SIZE, parameter = "page"): ListPage {
  const pages = Math.max(1, Math.ceil(total / size));
  const at = (number: number): ListPage => ({ number, pages, offset: (number - 1) * size, total });
  if (asked === "") return at(1);
  if (!/^[1-9]\d{0,8}$/.test(asked)) {
    return { ...at(1), refused: `Page "${asked}" is not a page number: give a whole number from 1 to ${counted.format(pages)} (${parameter}=2 for the second page), or leave it out for the first.` };
  }
  return at(Math.min(Number(asked), pages));
}

/** Previous's or Next's control: page `to`'s, with the link relation `rel` ("prev" or "next"). */
type Step = (to: number, text: string, rel: string) => Html;

/**
 * The line under a list's table: which rows are shown of how many, and the previous and next
 * pages' controls (`step`). At either end the missing control is plain text, so keyboard and
 * screen-reader users never land on a control that does nothing. An empty list has none: its own
 * line for no rows says so and how to fill it, and "Showing 0 to 0 of 0 records" would count rows
 * that are not there.
 */
function pagerOf(label: string, page: ListPage, shown: number, step: Step): Html | string {
  if (page.total === 0) return "";
  const range = html`<p class="pager-range">Showing ${counted.format(page.offset + 1)} to ${counted.format(page.offset + shown)} of ${counted.format(page.total)} records</p>`;
  if (page.pages === 1) return html`<div class="pager">${range}</div>`;
  const control = (to: number, text: string, rel: string): Html =>
    to >= 1 && to <= page.pages ? step(to, text, rel) : html`<span class="button disabled">${text}</span>`;
  return html`<nav class="pager" aria-label="${label}">${range}<ul>
  <li>${control(page.number - 1, "Previous", "prev")}</li>
  <li>Page ${counted.format(page.number)} of ${counted.format(page.pages)}</li>
  <li>${control(page.number + 1, "Next", "next")}</li>
</ul></nav>`;
}

/** A list's pager of links: `href(n)` is page n's address. */
export function pager(label: string, page: ListPage, shown: number, href: (n: number) => string): Html | string {
  return pagerOf(label, page, shown, (to, text, rel) => html`<a class="button" href="${href(to)}" rel="${rel}">${text}</a>`);
}

/**
 * The pager of a list inside a form: Previous and Next submit the form, as `go` = `list:n`
 * (list's page n), so what is ticked on the page shown travels with them.
 */
export function formPager(label: string, page: ListPage, shown: number, list: string): Html | string {
  return pagerOf(label, page, shown, (to, text) => html`<button type="submit" name="go" value="${list}:${to}">${text}</button>`);
}

/** The warning for a page number that was not one (nothing when it was). */
export function pageRefusal(page: ListPage): Html | string {
  return page.refused ? html`<p class="warning" role="alert">${page.refused}</p>` : "";
}
