/** Bytes that should be UTF-8 (a JSON body, a console form's field), and where they stop being. */
import { isUtf8 } from "node:buffer";

/**
 * The index of the first byte that is not part of a UTF-8 character, or -1 when all of them are:
 * everything before it decodes and encodes back the same.
 */
export function firstNonUtf8Byte(bytes: Buffer): number {
  if (isUtf8(bytes)) return -1;
  const again = Buffer.from(bytes.toString("utf8"), "utf8");
  let at = 0;
  while (at < bytes.length && bytes[at] === again[at]) at++;
  return at;
}
