/**
 * Reading a file that should hold text (JSON, JSON lines), the same way for every reader of one:
 * `run`'s scenario, `compare`'s summaries, `validate --conventions`, `merge-reports`' shard
 * summaries, and `show` and `replay`'s transcripts. Whatever kind of file the path names, it is
 * read to a limit (bounded-read.ts), and what it holds is told apart before it is parsed:
 *
 * - binary data is named as binary whatever its size (it is read only far enough to tell);
 * - UTF-16 with a byte-order mark (what Windows PowerShell 5.1's `>` writes) is decoded, and a
 *   UTF-8 byte-order mark dropped; UTF-16 without a mark is named, with the fix to save it as UTF-8;
 * - a file larger than the limit is refused, naming the limit;
 * - an empty file, or one of whitespace alone, is said to be empty.
 *
 * Payloads are read apart (agent/cli/input.ts): a payload is the QR code's UTF-8 bytes.
 */
import { readFileBounded, readFileBoundedSync, readStreamBounded, textReadLimit, type BoundedBytes } from "./bounded-read.js";
import { fileReadError, InputError } from "./errors.js";
import { bomlessUtf16, notJsonProblem, RESAVE_AS_UTF8, textLooksBinary, utf16ByteOrder, utf16Encoding } from "./json-text.js";

export interface TextFileKind {
  /** What the file should be, as "not ..." ends a sentence: "a scenario", "an enrollment summary". */
  noun: string;
  /** What to give instead of a folder ("a scenario JSON file"), as fileReadError says it. */
  expected: string;
  /** Read no further than this many bytes. */
  maxBytes: number;
  /** Ends "is more than 4 MB, far more than ...": "any scenario", "an enrollment summary (a few KB)". */
  farMoreThan: string;
  /** How to put it right: what to give instead. */
  hint: string;
  /** The problem said of binary data (default "is binary data, not JSON"). */
  binary?: string;
  /** The error for an empty file (or whitespace alone), where the reader has its own. */
  empty?: (where: string) => InputError;
  /** The error for a file over the limit, where the reader has its own (its files may grow past it). */
  overLimit?: (where: string) => InputError;
}

/** A text file of `kind` (pipes and devices too), read no further than its bound; an InputError says what it is instead. */
export async function readTextFile(path: string, kind: TextFileKind): Promise<string> {
  return boundedText(() => readFileBounded(path, textReadLimit(kind.maxBytes)), path, kind);
}

/** A stream (standard input, for "-") read as readTextFile reads a file of `kind`; `where` names it in errors. */
export async function readTextStream(stream: NodeJS.ReadableStream & { destroy(): void }, where: string, kind: TextFileKind): Promise<string> {
  return boundedText(() => readStreamBounded(stream, textReadLimit(kind.maxBytes)), where, kind);
}

/** What `read` reads, as text of `kind`; a failure to read is said as fileReadError says it. */
async function boundedText(read: () => Promise<BoundedBytes>, where: string, kind: TextFileKind): Promise<string> {
  let bytes: BoundedBytes;
  try {
    bytes = await read();
  } catch (error) {
    throw fileReadError(error, where, kind.expected);
  }
  return fileText(bytes, where, kind);
}

/** The synchronous twin of readTextFile, for readers that are synchronous. */
export function readTextFileSync(path: string, kind: TextFileKind): string {
  let read: BoundedBytes;
  try {
    read = readFileBoundedSync(path, textReadLimit(kind.maxBytes));
  } catch (error) {
    throw fileReadError(error, path, kind.expected);
  }
  return fileText(read, path, kind);
}

/** A JSON file's value: its text as readTextFile reads it, parsed; JSON.parse's complaint placed by line and column. */
export async function readJsonFile(path: string, kind: TextFileKind): Promise<unknown> {
  return parsedJson(await readTextFile(path, kind), path, kind);
}

/** The synchronous twin of readJsonFile. */
export function readJsonFileSync(path: string, kind: TextFileKind): unknown {
  return parsedJson(readTextFileSync(path, kind), path, kind);
}

/** Text read as a file of `kind` holds it, parsed as JSON; JSON.parse's complaint placed by line and column. */
export function parsedJson(text: string, where: string, kind: TextFileKind): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(notJsonProblem(text, error), { where, hint: kind.hint });
  }
}

/** The text of what was read, or the InputError that says what it is instead. */
function fileText({ bytes, overLimit }: BoundedBytes, where: string, kind: TextFileKind): string {
  const order = utf16ByteOrder(bytes);
  if (order === null && bomlessUtf16(bytes) !== null) {
    throw new InputError(`is UTF-16 text (${utf16Encoding(bytes)}), not UTF-8`, { where, hint: RESAVE_AS_UTF8 });
  }
  // TextDecoder drops the UTF-16 byte-order mark itself.
  return checkedText(order === null ? bytes.toString("utf8") : new TextDecoder(order === "little-endian" ? "utf-16le" : "utf-16be").decode(bytes), where, kind, overLimit);
}

/**
 * `text` as a file of `kind` holds it, without a UTF-8 byte-order mark (as some editors save
 * one); refused when binary, over the limit (`overLimit`: it was read no further) or empty.
 */
export function checkedText(text: string, where: string, kind: TextFileKind, overLimit = false): string {
  const problem = (what: string) => new InputError(what, { where, hint: kind.hint });
  const unmarked = text.replace(/^\uFEFF/, "");
  if (textLooksBinary(unmarked)) throw problem(kind.binary ?? "is binary data, not JSON");
  if (overLimit) throw kind.overLimit?.(where) ?? problem(`is more than ${sizeWords(kind.maxBytes)}, far more than ${kind.farMoreThan}`);
  if (!/\S/.test(unmarked)) throw kind.empty?.(where) ?? problem(text === "" ? `is empty (0 bytes), not ${kind.noun}` : `holds only whitespace, not ${kind.noun}`);
  return unmarked;
}

/** A limit in words: "64 MB", "64 KiB". */
export function sizeWords(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MB` : `${bytes / 1024} KiB`;
}
