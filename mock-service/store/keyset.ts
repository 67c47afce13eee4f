/**
 * Keyset reading of a table in list order (creation time, then insertion): a chunk starts after
 * the cursor of the last row read, so reading a list a page at a time costs each page its own
 * rows, and rows added or removed meanwhile move nothing.
 */

/** Where a read in list order stands: the last row's creation time (ms) and rowid. */
export interface Cursor {
  at: number;
  row: number;
}

/** A row read in list order, with the cursor just after it. */
export interface Keyed<R> {
  record: R;
  cursor: Cursor;
}

/** The cursor before the first row. */
export const START: Cursor = { at: Number.MIN_SAFE_INTEGER, row: Number.MIN_SAFE_INTEGER };

/** The cursor after every row created at or before `ms`: a read from it starts at the first row created later. */
export function createdAfter(ms: number): Cursor {
  return { at: ms, row: Number.MAX_SAFE_INTEGER };
}

/** A row with its ordering columns, as the keyed statements select them (`created AS key_at, rowid AS key_row`). */
export interface KeyColumns {
  key_at: number;
  key_row: number;
}

/** The cursor just after a row selected with its key columns. */
export function cursorOf(row: KeyColumns): Cursor {
  return { at: row.key_at, row: row.key_row };
}
