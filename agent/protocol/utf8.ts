/**
 * Bytes read as UTF-8 text without copying them first: `Buffer.from(uint8Array)` copies the
 * bytes into a new buffer before decoding, which for every package file, stored JSON file and
 * response body a fleet of devices reads was a copy made only to be thrown away.
 */
export function utf8Text(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}
