/**
 * Reading an input to a limit, whatever kind of file it is. `stat().size` is the length of a
 * regular file only: it is 0 for pipes, FIFOs, process substitutions (`<(cat big.json)`) and
 * devices (`/dev/zero` never ends), so a reader that trusts it can be made to read forever. These
 * read in chunks and stop one byte past the limit: memory stays bounded by the limit, and the
 * caller learns that the input was larger without reading the rest.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { textLooksBinary, utf16ByteOrder } from "./json-text.js";

const CHUNK_BYTES = 64 * 1024;

export interface BoundedBytes {
  /** The bytes read: all of the input, or its first `limit` bytes when `overLimit`. */
  bytes: Buffer;
  /** True when the input holds more than the limit (it was not read to the end). */
  overLimit: boolean;
}

/**
 * The limit may depend on what the input starts with (an image may be larger than a payload):
 * `limitFor` gets the first bytes (up to `sniffBytes`, fewer if the input is shorter) once.
 */
export interface ReadLimit {
  limit: number | ((head: Buffer) => number);
  /** How many leading bytes `limitFor` needs to decide; default 4096. */
  sniffBytes?: number;
}

/**
 * The limit for an input that should be text (JSON, JSON lines): `max` bytes, or only its first
 * bytes when they are binary, enough to refuse it as binary (`/dev/zero` costs 4 KiB, not `max`).
 * UTF-16 text with its byte-order mark is text (read to `max`), though half its bytes are zeros.
 */
export function textReadLimit(max: number): ReadLimit {
  return { limit: (head) => (textLooksBinary(head.toString("utf8")) && utf16ByteOrder(head) === null ? head.length : max), sniffBytes: 4096 };
}

/** Accumulates chunks until the limit is passed; shared by the file, stream and sync readers. */
class Collector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private limit: number | null;
  private readonly sniffBytes: number;

  constructor(private readonly options: ReadLimit) {
    this.limit = typeof options.limit === "number" ? options.limit : null;
    this.sniffBytes = options.sniffBytes ?? 4096;
  }

  /** How many more bytes are worth reading (one past the limit, to know it was passed). */
  wanted(): number {
    const limit = this.limit ?? Math.max(this.sniffBytes, 1);
    return Math.max(0, Math.min(CHUNK_BYTES, limit + 1 - this.size));
  }

  /** Adds a chunk; false once no more should be read. */
  add(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.limit === null && this.size >= this.sniffBytes) this.decide();
    return this.limit === null || this.size <= this.limit;
  }

  finish(): BoundedBytes {
    if (this.limit === null) this.decide();
    const all = Buffer.concat(this.chunks, this.size);
    const limit = this.limit!;
    return all.length > limit ? { bytes: all.subarray(0, limit), overLimit: true } : { bytes: all, overLimit: false };
  }

  private decide(): void {
    const head = Buffer.concat(this.chunks, this.size).subarray(0, this.sniffBytes);
    this.limit = typeof this.options.limit === "number" ? this.options.limit : this.options.limit(head);
  }
}

/**
 * Reads a file of any kind up to the limit. Reads sequentially (no positions), so pipes and FIFOs
 * work too. Errors are Node's (ENOENT, EISDIR, ...), for the caller to phrase.
 */
export async function readFileBounded(path: string, options: ReadLimit): Promise<BoundedBytes> {
  const handle = await open(path, "r");
  try {
    const collector = new Collector(options);
    for (let want = collector.wanted(); want > 0; want = collector.wanted()) {
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, null);
      if (bytesRead === 0) break;
      if (!collector.add(buffer.subarray(0, bytesRead))) break;
    }
    return collector.finish();
  } finally {
    await handle.close();
  }
}

/** The synchronous twin of readFileBounded, for readers that are synchronous (stored device files, scenarios). */
export function readFileBoundedSync(path: string, options: ReadLimit): BoundedBytes {
  const fd = openSync(path, "r");
  try {
    const collector = new Collector(options);
    for (let want = collector.wanted(); want > 0; want = collector.wanted()) {
      const buffer = Buffer.allocUnsafe(want);
      const bytesRead = readSync(fd, buffer, 0, want, null);
      if (bytesRead === 0) break;
      if (!collector.add(buffer.subarray(0, bytesRead))) break;
    }
    return collector.finish();
  } finally {
    closeSync(fd);
  }
}

/** Reads a stream (stdin) up to the limit, then stops reading it (destroys it) if it holds more. */
export async function readStreamBounded(stream: NodeJS.ReadableStream & { destroy(): void }, options: ReadLimit): Promise<BoundedBytes> {
  const collector = new Collector(options);
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    if (!collector.add(typeof chunk === "string" ? Buffer.from(chunk) : chunk)) {
      stream.destroy();
      break;
    }
  }
  return collector.finish();
}
