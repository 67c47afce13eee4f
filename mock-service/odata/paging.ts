/**
 * Server-driven paging with an opaque `$skiptoken`, stable under inserts: a token names the last
 * item of the page it ends (its sort key and id), never an offset, so items added meanwhile
 * neither repeat nor push others out of the next page.
 *
 * - With `$orderby`, items are sorted by its keys then by id; the next page starts at the first
 *   item whose key is past the token's.
 * - Without it, items keep the store's order (creation time, then insertion): the next page starts
 *   after the token's item, or, when that item was deleted meanwhile, at the first item created
 *   after it.
 *
 * The token also carries a digest of the query it belongs to ($filter and $orderby), so a token
 * replayed on another query is refused instead of silently giving a wrong page.
 */
import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { Comparable, Item } from "./filter-eval.js";
import { normalise } from "./filter-eval.js";
import type { CollectionDef, PropertyDef } from "./model.js";

export interface SortKey {
  property: string;
  def: PropertyDef;
  descending: boolean;
}

interface TokenBody {
  /** Digest of the query the token belongs to. */
  q: string;
  /** The last item's id. */
  id: string;
  /** The last item's sort key (with $orderby) */
  k?: (string | number | boolean | null)[];
  /** The last item's creation time in ms (without $orderby). */
  c?: number | null;
}

export class SkipTokenError extends Error {}

/** The refusal of a token this service did not make (or made for another kind of query). */
const NOT_ISSUED = "the $skiptoken is not one this service issued; follow @odata.nextLink exactly as given, or start again without $skiptoken";

export function queryDigest(filter: string | undefined, orderBy: string | undefined): string {
  return createHash("sha256").update(`${filter ?? ""}\n${orderBy ?? ""}`).digest("base64url").slice(0, 12);
}

/** An item's sort key: its values of `keys` as comparisons see them (what a token carries). */
export function sortKeyOf(item: Item, keys: readonly SortKey[]): Comparable[] {
  return keys.map((k) => normalise(k.def, item[k.property]));
}

const keyOf = sortKeyOf;

function compareValues(a: string | number | boolean | null, b: string | number | boolean | null): number {
  // OData sorts null before every value in ascending order.
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function compareKeys(a: Comparable[], aId: string, b: Comparable[], bId: string, keys: readonly SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const order = compareValues(a[i] ?? null, b[i] ?? null);
    if (order !== 0) return keys[i]!.descending ? -order : order;
  }
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** The most comparisons a sort makes before it lets other requests in. */
const SORT_STEP = 4096;

/**
 * `items` sorted by `keys` then id (unchanged without keys), as a merge sort that lets the event
 * loop serve other requests every few thousand comparisons: a list of many thousand items never
 * holds the service up for the whole sort.
 */
export async function sortItems(items: Item[], keys: readonly SortKey[]): Promise<Item[]> {
  if (keys.length === 0) return items;
  let budget = SORT_STEP;
  const spend = async (cost: number) => {
    budget -= cost;
    if (budget > 0) return;
    budget = SORT_STEP;
    await nextTurn();
  };
  let keyed: Keyed[] = [];
  for (const item of items) {
    keyed.push({ item, key: keyOf(item, keys), id: String(item["id"]) });
    await spend(keys.length);
  }
  const compare = (a: Keyed, b: Keyed) => compareKeys(a.key, a.id, b.key, b.id, keys);
  // Bottom-up merge sort: stable, and any run of it can stop for a turn.
  let merged: Keyed[] = new Array<Keyed>(keyed.length);
  for (let width = 1; width < keyed.length; width *= 2) {
    for (let start = 0; start < keyed.length; start += 2 * width) {
      const middle = Math.min(start + width, keyed.length);
      const end = Math.min(start + 2 * width, keyed.length);
      let [i, j, k] = [start, middle, start];
      while (i < middle && j < end) merged[k++] = compare(keyed[j]!, keyed[i]!) < 0 ? keyed[j++]! : keyed[i++]!;
      while (i < middle) merged[k++] = keyed[i++]!;
      while (j < end) merged[k++] = keyed[j++]!;
      await spend(end - start);
    }
    [keyed, merged] = [merged, keyed];
  }
  return keyed.map((k) => k.item);
}

/** An item with its sort key and id, computed once for a sort. */
interface Keyed {
  item: Item;
  key: Comparable[];
  id: string;
}

/** Where the page the token asks for starts in `items` (already filtered and sorted). */
export function resumeIndex(def: CollectionDef, items: Item[], token: string, digest: string, keys: SortKey[]): number {
  const body = decodeToken(token);
  resumePoint(token, digest);
  if (keys.length > 0) {
    const key = body.k ?? [];
    // The items are sorted: the first one past the token's is found by halving.
    let [low, high] = [0, items.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      const item = items[middle]!;
      if (compareKeys(keyOf(item, keys), String(item["id"]), key, body.id, keys) > 0) high = middle;
      else low = middle + 1;
    }
    return low;
  }
  const at = items.findIndex((item) => item["id"] === body.id);
  if (at >= 0) return at + 1;
  if (def.createdProperty === undefined || body.c === undefined || body.c === null) return items.length;
  const created = body.c;
  const index = items.findIndex((item) => {
    const ms = Date.parse(String(item[def.createdProperty!]));
    return ms > created;
  });
  return index < 0 ? items.length : index;
}

/**
 * The sort key and id of the last item of the token's page, for a store that sorts and pages
 * itself; the token must belong to this query (a sorted one).
 */
export function resumeKey(token: string, digest: string): { id: string; key: Comparable[] } {
  const { id } = resumePoint(token, digest);
  const { k } = decodeToken(token);
  if (k === undefined) throw new SkipTokenError(NOT_ISSUED);
  return { id, key: k };
}

/** The last item the token's page ended with, and its creation time (for a store that pages itself). */
export function resumePoint(token: string, digest: string): { id: string; created?: number | null } {
  const body = decodeToken(token);
  if (body.q !== digest) {
    throw new SkipTokenError("this $skiptoken belongs to a query with another $filter or $orderby; follow @odata.nextLink exactly as given");
  }
  return { id: body.id, created: body.c };
}

export function makeToken(def: CollectionDef, last: Item, digest: string, keys: SortKey[]): string {
  const body: TokenBody = { q: digest, id: String(last["id"]) };
  if (keys.length > 0) body.k = keyOf(last, keys);
  else if (def.createdProperty !== undefined) {
    const ms = Date.parse(String(last[def.createdProperty]));
    body.c = Number.isNaN(ms) ? null : ms;
  }
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function decodeToken(token: string): TokenBody {
  let body: unknown;
  try {
    body = /^[A-Za-z0-9_-]{1,4096}$/.test(token) ? JSON.parse(Buffer.from(token, "base64url").toString("utf8")) : undefined;
  } catch {
    body = undefined;
  }
  const candidate = body as Partial<TokenBody> | undefined;
  if (typeof candidate?.q !== "string" || typeof candidate.id !== "string" || (candidate.k !== undefined && !Array.isArray(candidate.k))) {
    throw new SkipTokenError(NOT_ISSUED);
  }
  return candidate as TokenBody;
}
