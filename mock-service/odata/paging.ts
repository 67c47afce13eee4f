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
import type { Item } from "./filter-eval.js";
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

export function queryDigest(filter: string | undefined, orderBy: string | undefined): string {
  return createHash("sha256").update(`${filter ?? ""}\n${orderBy ?? ""}`).digest("base64url").slice(0, 12);
}

function keyOf(item: Item, keys: SortKey[]): (string | number | boolean | null)[] {
  return keys.map((k) => normalise(k.def, item[k.property]));
}

function compareValues(a: string | number | boolean | null, b: string | number | boolean | null): number {
  // OData sorts null before every value in ascending order.
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

function compareKeys(a: (string | number | boolean | null)[], aId: string, b: (string | number | boolean | null)[], bId: string, keys: SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const order = compareValues(a[i] ?? null, b[i] ?? null);
    if (order !== 0) return keys[i]!.descending ? -order : order;
  }
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

export function sortItems(items: Item[], keys: SortKey[]): Item[] {
  if (keys.length === 0) return items;
  const keyed = items.map((item) => ({ item, key: keyOf(item, keys), id: String(item["id"]) }));
  keyed.sort((a, b) => compareKeys(a.key, a.id, b.key, b.id, keys));
  return keyed.map((k) => k.item);
}

/** Where the page the token asks for starts in `items` (already filtered and sorted). */
export function resumeIndex(def: CollectionDef, items: Item[], token: string, digest: string, keys: SortKey[]): number {
  const body = decodeToken(token);
  resumePoint(token, digest);
  if (keys.length > 0) {
    const key = body.k ?? [];
    const index = items.findIndex((item) => compareKeys(keyOf(item, keys), String(item["id"]), key, body.id, keys) > 0);
    return index < 0 ? items.length : index;
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
    throw new SkipTokenError("the $skiptoken is not one this service issued; follow @odata.nextLink exactly as given, or start again without $skiptoken");
  }
  return candidate as TokenBody;
}
