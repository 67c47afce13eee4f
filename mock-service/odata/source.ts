/**
 * A list the store reads a chunk at a time, in its natural order (creation, then insertion), so a
 * page costs the rows up to its end rather than the whole table: `scan` resumes where a
 * `$skiptoken` left off, keeps what `$filter` keeps, and is stopped by the caller once it has a
 * page and one more item. Between chunks it lets the event loop serve other requests, so a long
 * scan (a filter that keeps few items, a count) never holds the service up for its whole length.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { FilterNode } from "./filter.js";
import type { Item, Predicate } from "./filter-eval.js";
import type { SqlFragment, SqlSource } from "./sql.js";

/** The most rows read from the store at a time (a first read takes what a page needs, if fewer). */
export const CHUNK = 128;

/** One table of a list, read in list order. */
export interface Segment {
  /** The item with this id, when this table lists it. */
  find(id: string): Item | undefined;
  /**
   * Whether the table still knows where the item with this id stands: it lists it, or keeps the
   * row of an item it no longer lists (a removed device).
   */
  holds(id: string): boolean;
  /**
   * Chunks of items in list order: all of them, or those after the item `afterId` (which it
   * holds); the first chunk reads `first` rows, the next ones CHUNK. `where`: a condition of the
   * list's SQL source the rows must meet (the items are filtered exactly afterwards).
   */
  after(afterId: string | undefined, first: number, where?: SqlFragment): Iterable<Item[]>;
  /**
   * Chunks of the items created after `ms`, in list order: where a walk resumes when the item it
   * stopped at is gone. Left out when the items carry no creation time (none is then found).
   */
  createdAfter?(ms: number, first: number, where?: SqlFragment): Iterable<Item[]>;
}

/** A list read from the store: its tables, in the order they are listed one after the other. */
export interface ListSource {
  segments: readonly Segment[];
  /** The number of items without a filter. */
  count(): number;
  /**
   * The items, in list order, that may match `filter`, when an index finds them without reading
   * the whole list (undefined when it cannot): a superset, filtered exactly afterwards.
   */
  narrow?(filter: FilterNode): Item[] | undefined;
  /** The store's SQL, when it can count what a filter keeps and sort the list itself (sql.ts). */
  sql?: SqlSource;
}

/** Where a walk resumes: the last item seen and its creation time (ms; null or absent when unknown). */
export interface Resume {
  id: string;
  created?: number | null;
}

/** Reads a segment from one keyed table of the store. */
export interface KeysetTable<R, C> {
  /** The record with this id and the cursor just after it. */
  at(id: string): { record: R; cursor: C } | undefined;
  /** Up to `limit` records in list order after `cursor` (from the start without one) that meet `where`, when given. */
  from(cursor: C | undefined, limit: number, where?: SqlFragment): { record: R; cursor: C }[];
  /** The cursor just after a row the table keeps but no longer lists (left out: such rows are deleted). */
  place?(id: string): C | undefined;
  /** The cursor after every record created at or before `ms` (left out: records carry no creation time). */
  createdAfter?(ms: number): C;
  /** The record as the list shows it (undefined: not shown, e.g. a member whose device is gone). */
  item(record: R): Item | undefined;
  /**
   * `item` of each of a chunk's records, in order, when the table makes them all at once (what
   * an item shows from other tables is then read once a chunk, not once a record).
   */
  items?(records: readonly R[]): (Item | undefined)[];
}

/** A segment over one keyed table. */
export function keysetSegment<R, C>(table: KeysetTable<R, C>): Segment {
  function* chunks(cursor: C | undefined, first: number, where: SqlFragment | undefined): Iterable<Item[]> {
    for (let size = Math.min(first, CHUNK); ; size = CHUNK) {
      const rows = table.from(cursor, size, where);
      const records = rows.map((row) => row.record);
      const items = (table.items ? table.items(records) : records.map((record) => table.item(record))).filter((item) => item !== undefined);
      if (items.length > 0) yield items;
      if (rows.length < size) return;
      cursor = rows[rows.length - 1]!.cursor;
    }
  }
  const place = (id: string): C | undefined => table.at(id)?.cursor ?? table.place?.(id);
  const segment: Segment = {
    find: (id) => {
      const found = table.at(id);
      return found && table.item(found.record);
    },
    holds: (id) => place(id) !== undefined,
    after: (afterId, first, where) => {
      if (afterId === undefined) return chunks(undefined, first, where);
      const cursor = place(afterId);
      return cursor === undefined ? [] : chunks(cursor, first, where);
    },
  };
  const { createdAfter } = table;
  if (createdAfter) segment.createdAfter = (ms, first, where) => chunks(createdAfter(ms), first, where);
  return segment;
}

/**
 * The items `keep` keeps (all without `keep`), in list order, from the start or resuming as
 * paging.ts resumes an unsorted list: after the item the token names when the filter still keeps
 * it (without a filter: when a table still holds its row); otherwise, when the list has creation
 * times, at the first kept item created after it (a table that has one is followed by every later
 * table whole); otherwise nowhere (the walk ends). `first`: the rows a first read takes (a page
 * and one more; a scan of the whole list takes CHUNK). `where`: the filter as the list's SQL
 * source reads it, when it translates: the store then hands over only the rows it keeps.
 */
export async function* scan(
  source: ListSource,
  resume: Resume | undefined,
  keep: Predicate | undefined,
  byCreation: boolean,
  first = CHUNK,
  where?: SqlFragment,
): AsyncGenerator<Item> {
  const { segments } = source;
  let next = 0;
  if (resume !== undefined) {
    const holder = segments.findIndex((segment) => {
      if (!keep) return segment.holds(resume.id);
      const item = segment.find(resume.id);
      return item !== undefined && keep(item);
    });
    if (holder >= 0) {
      yield* kept(segments[holder]!.after(resume.id, first, where), keep);
      next = holder + 1;
    } else {
      const created = resume.created;
      if (!byCreation || typeof created !== "number") return;
      for (; next < segments.length; next++) {
        const segment = segments[next]!;
        if (!segment.createdAfter) continue;
        let found = false;
        for await (const item of kept(segment.createdAfter(created, first, where), keep)) {
          found = true;
          yield item;
        }
        if (found) {
          next++;
          break;
        }
      }
      if (next === segments.length) return;
    }
  }
  for (; next < segments.length; next++) yield* kept(segments[next]!.after(undefined, first, where), keep);
}

/** The kept items of chunks, letting other requests in after each chunk. */
export async function* kept(chunks: Iterable<Item[]>, keep: Predicate | undefined): AsyncGenerator<Item> {
  for (const chunk of chunks) {
    for (const item of chunk) if (!keep || keep(item)) yield item;
    await nextTurn();
  }
}
